package storage

import (
	"bmjbt/monitoring"

	"context"
	"fmt"
	"strings"
	"time"
)

// PutInbox stores a batch of updates in one transaction and returns how many
// were new. Only after it returns may the adapter acknowledge the batch.
func (db *DB) PutInbox(ctx context.Context, items []monitoring.InboxItem) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	added := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		added = 0
		// One statement per chunk: a poll brings up to 100 updates, and on
		// PostgreSQL every statement is a round trip.
		const perStatement = 200
		for rest := items; len(rest) > 0; {
			chunk := rest[:min(perStatement, len(rest))]
			rest = rest[len(chunk):]
			var b strings.Builder
			b.WriteString(`INSERT INTO inbox (municipality, channel, external_id, chat_id, payload, received_at, handled_at, error) VALUES `)
			args := make([]any, 0, 8*len(chunk))
			for i, it := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
				var handled *time.Time // set aside on arrival: closed at once, attempts stay 0
				if it.SetAside != "" {
					handled = &tx.now
				}
				args = append(args, it.Municipality, it.Channel, it.ExternalID, it.ChatID, string(it.Payload), tx.now, handled, truncate(it.SetAside, 2000))
			}
			b.WriteString(` ON CONFLICT (municipality, channel, external_id) DO NOTHING`)
			res, err := tx.exec(ctx, b.String(), args...)
			if err != nil {
				return fmt.Errorf("store %d %s updates: %w", len(chunk), chunk[0].Channel, err) // no ids: they name people
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("count stored updates: %w", err)
			}
			added += int(n)
		}
		return nil
	})
	return added, err
}

// PendingInbox returns the oldest updates not yet handled, in arrival order.
func (db *DB) PendingInbox(ctx context.Context, municipality string, limit int) ([]monitoring.InboxRow, error) {
	return pendingInbox(ctx, db, municipality, limit)
}

// TakeInbox returns the oldest updates not yet handled, holding the
// municipality's inbox until the transaction ends: two engines (a second
// process, or `bmjbt chat` beside `serve`) never handle the same update.
func (tx *Tx) TakeInbox(ctx context.Context, municipality string, limit int) ([]monitoring.InboxRow, error) {
	if err := tx.Hold(ctx, municipality); err != nil {
		return nil, err
	}
	return pendingInbox(ctx, tx, municipality, limit)
}

// Hold makes other processes' engines and scheduled work for the
// municipality wait until this transaction ends.
func (tx *Tx) Hold(ctx context.Context, municipality string) error {
	if tx.db.Dialect != Postgres { // SQLite's immediate transactions already take turns
		return nil
	}
	// NO KEY UPDATE: engines take turns, while the poller's inserts (which
	// only share-lock the key, for their foreign key) go on.
	var code string
	if err := tx.get(ctx, &code, `SELECT code FROM municipalities WHERE code = ? FOR NO KEY UPDATE`, municipality); err != nil {
		return fmt.Errorf("hold the municipality: %w", err)
	}
	return nil
}

func pendingInbox(ctx context.Context, q querier, municipality string, limit int) ([]monitoring.InboxRow, error) {
	var rows []monitoring.InboxRow
	err := q.sel(ctx, &rows, `SELECT id, municipality, channel, external_id, chat_id, payload, received_at, attempts
		FROM inbox WHERE municipality = ? AND handled_at IS NULL ORDER BY id LIMIT ?`, municipality, limit)
	if err != nil {
		return nil, fmt.Errorf("read pending inbox: %w", err)
	}
	return rows, nil
}

// RetryLater counts a failed attempt at an update that stays pending.
func (tx *Tx) RetryLater(ctx context.Context, id int64, errText string) error {
	if _, err := tx.exec(ctx, `UPDATE inbox SET attempts = attempts + 1, error = ? WHERE id = ?`, errText, id); err != nil {
		return fmt.Errorf("count failed attempt on inbox %d: %w", id, err)
	}
	return nil
}

// MarkHandled closes an inbox row; errText records why handling gave up.
func (tx *Tx) MarkHandled(ctx context.Context, id int64, errText string) error {
	_, err := tx.exec(ctx, `UPDATE inbox SET handled_at = ?, error = ?, attempts = attempts + 1 WHERE id = ?`, tx.now, errText, id)
	if err != nil {
		return fmt.Errorf("mark inbox %d handled: %w", id, err)
	}
	return nil
}

// InboxCounts reports how many updates were stored and how many are still
// waiting for the engine.
func (db *DB) InboxCounts(ctx context.Context, municipality string) (total, pending int, err error) {
	err = db.get(ctx, &total, `SELECT COUNT(*) FROM inbox WHERE municipality = ?`, municipality)
	if err == nil {
		err = db.get(ctx, &pending, `SELECT COUNT(*) FROM inbox WHERE municipality = ? AND handled_at IS NULL`, municipality)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("count inbox: %w", err)
	}
	return total, pending, nil
}

// MarkAllHandled closes many inbox rows in one statement.
func (tx *Tx) MarkAllHandled(ctx context.Context, ids []int64) error {
	for len(ids) > 0 {
		chunk := ids[:min(500, len(ids))]
		ids = ids[len(chunk):]
		// A try that failed before left its error: handled now, it is cleared.
		q := `UPDATE inbox SET handled_at = ?, attempts = attempts + 1, error = '' WHERE handled_at IS NULL AND id IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)`
		args := make([]any, 0, len(chunk)+1)
		args = append(args, tx.now)
		for _, id := range chunk {
			args = append(args, id)
		}
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("mark inbox rows handled: %w", err)
		}
	}
	return nil
}

// RecentChats lists the chats of a channel that wrote since a time.
func (db *DB) RecentChats(ctx context.Context, municipality, channel string, since time.Time) ([]string, error) {
	var chats []string
	if err := db.sel(ctx, &chats, `SELECT DISTINCT chat_id FROM inbox WHERE municipality = ? AND channel = ? AND received_at >= ?`,
		municipality, channel, since.UTC()); err != nil {
		return nil, fmt.Errorf("read recent chats: %w", err)
	}
	return chats, nil
}

// pruneChunk bounds one pruning statement, so SQLite's write lock is held
// for a moment at a time and the engine's batches slip in between.
const pruneChunk = 500

// Prune deletes what retention lets go: handled inbox rows and delivered,
// superseded or failed outbox rows written before before. Pending rows
// stay, and so do outbox rows an entry's card is known by (entry_posts:
// the bot edits that message later). The journal (entries, events, notes,
// media, members, requests, audit) is never pruned. Each table is walked
// in id order, a chunk per statement, up to the first row too young.
func (db *DB) Prune(ctx context.Context, municipality string, before time.Time) (inbox, outbox int64, err error) {
	before = before.UTC()
	inbox, err = db.prune(ctx, municipality, before, `SELECT id, received_at AS at, handled_at IS NOT NULL AS done FROM inbox`,
		func(in string) (string, []any) {
			return `DELETE FROM inbox WHERE handled_at < ? AND id IN ` + in, []any{before}
		})
	if err != nil {
		return inbox, 0, fmt.Errorf("prune the inbox: %w", err)
	}
	outbox, err = db.prune(ctx, municipality, before, `SELECT id, created_at AS at, status <> 'pending' AS done FROM outbox`,
		func(in string) (string, []any) {
			return `DELETE FROM outbox WHERE status <> 'pending' AND id IN ` + in +
				` AND NOT EXISTS (SELECT 1 FROM entry_posts p WHERE p.outbox_id = outbox.id)`, nil
		})
	if err != nil {
		return inbox, outbox, fmt.Errorf("prune the outbox: %w", err)
	}
	return inbox, outbox, nil
}

// prune deletes, chunk by chunk, the rows listed (id, at, done) that are
// done and older than before; del makes the DELETE for a list of ids.
func (db *DB) prune(ctx context.Context, municipality string, before time.Time, list string, del func(in string) (string, []any)) (int64, error) {
	var total, after int64
	for {
		var rows []struct {
			ID   int64     `db:"id"`
			At   time.Time `db:"at"`
			Done bool      `db:"done"`
		}
		if err := db.sel(ctx, &rows, list+` WHERE municipality = ? AND id > ? ORDER BY id LIMIT ?`, municipality, after, pruneChunk); err != nil {
			return total, err
		}
		var ids []any
		young := false
		for _, r := range rows {
			if !r.At.Before(before) {
				young = true // ids follow time: the rest is younger still
				break
			}
			if r.Done {
				ids = append(ids, r.ID)
			}
		}
		if len(ids) > 0 {
			q, args := del(`(?` + strings.Repeat(", ?", len(ids)-1) + `)`)
			res, err := db.exec(ctx, q, append(args, ids...)...)
			if err != nil {
				return total, err
			}
			n, _ := res.RowsAffected()
			total += n
		}
		if young || len(rows) < pruneChunk {
			return total, nil
		}
		after = rows[len(rows)-1].ID
	}
}
