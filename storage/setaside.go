package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"bmjbt/monitoring"
)

// SetAside is an update the service gave up on, kept for the operator.
type SetAside struct {
	ID         int64     `db:"id"`
	Channel    string    `db:"channel"`
	ReceivedAt time.Time `db:"received_at"`
	// Attempts is 0 for an update set aside on arrival (the engine never
	// saw it) and the engine's tries otherwise.
	Attempts int    `db:"attempts"`
	Error    string `db:"error"`
}

// OnArrival reports whether the update could not be read when it came.
func (s SetAside) OnArrival() bool { return s.Attempts == 0 }

// InboxReport is what `bmjbt status` says about the inbox.
type InboxReport struct {
	Stored, Pending int
	// SetAside counts updates closed with an error: on arrival (could not
	// be read) and by the engine (failed every try); Undecryptable is how
	// many of those on arrival were WhatsApp messages it could not decrypt.
	OnArrival, Failed, Undecryptable int
	// Latest are the newest set aside, newest first.
	Latest []SetAside
}

// ReportInbox counts the inbox and lists the latest updates set aside.
// Retention prunes handled rows, these included, after its days.
func (db *DB) ReportInbox(ctx context.Context, municipality string, latest int) (InboxReport, error) {
	var r InboxReport
	var c struct {
		Stored        int `db:"stored"`
		Pending       int `db:"pending"`
		OnArrival     int `db:"on_arrival"`
		Failed        int `db:"failed"`
		Undecryptable int `db:"undecryptable"`
	}
	err := db.get(ctx, &c, `SELECT COUNT(*) AS stored,
			COALESCE(SUM(CASE WHEN handled_at IS NULL THEN 1 ELSE 0 END), 0) AS pending,
			COALESCE(SUM(CASE WHEN handled_at IS NOT NULL AND error <> '' AND attempts = 0 THEN 1 ELSE 0 END), 0) AS on_arrival,
			COALESCE(SUM(CASE WHEN handled_at IS NOT NULL AND error <> '' AND attempts > 0 THEN 1 ELSE 0 END), 0) AS failed,
			COALESCE(SUM(CASE WHEN external_id LIKE ? THEN 1 ELSE 0 END), 0) AS undecryptable
		FROM inbox WHERE municipality = ?`, monitoring.Undecryptable+"%", municipality)
	if err != nil {
		return r, fmt.Errorf("count the inbox: %w", err)
	}
	r.Stored, r.Pending, r.OnArrival, r.Failed, r.Undecryptable = c.Stored, c.Pending, c.OnArrival, c.Failed, c.Undecryptable
	if err := db.sel(ctx, &r.Latest, `SELECT id, channel, received_at, attempts, error FROM inbox
		WHERE municipality = ? AND handled_at IS NOT NULL AND error <> '' ORDER BY id DESC LIMIT ?`, municipality, latest); err != nil {
		return r, fmt.Errorf("list updates set aside: %w", err)
	}
	return r, nil
}

// Retry puts an update the engine set aside back in the queue, as if it
// had just arrived: for after the cause is fixed (a newer bmjbt, a repaired
// database). One set aside on arrival holds no update the engine can read
// and is refused.
func (db *DB) Retry(ctx context.Context, municipality string, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var s SetAside
		err := tx.get(ctx, &s, `SELECT id, channel, received_at, attempts, error FROM inbox
			WHERE municipality = ? AND id = ? AND handled_at IS NOT NULL AND error <> ''`, municipality, id)
		if errors.Is(err, sql.ErrNoRows) {
			return monitoring.Errorf(monitoring.ENOTFOUND, "update %d is not set aside (see `bmjbt status` for those that are)", id)
		}
		if err != nil {
			return fmt.Errorf("read update %d: %w", id, err)
		}
		if s.OnArrival() {
			return monitoring.Errorf(monitoring.ECONFLICT, "update %d could not be read when it arrived; handling it again cannot help (it is kept for a bug report until retention removes it)", id)
		}
		if _, err := tx.exec(ctx, `UPDATE inbox SET handled_at = NULL, attempts = 0, error = '' WHERE id = ?`, id); err != nil {
			return fmt.Errorf("put update %d back: %w", id, err)
		}
		return nil
	})
}

// truncate cuts s to at most n bytes on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRight(s[:n], " ")
}
