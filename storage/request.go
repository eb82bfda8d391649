package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"bmjbt/monitoring"
)

type requestRow struct {
	ID           int64        `db:"id"`
	Municipality string       `db:"municipality"`
	Year         int          `db:"year"`
	Seq          int          `db:"seq"`
	Addressee    string       `db:"addressee"`
	Question     string       `db:"question"`
	CreatedBy    int64        `db:"created_by"`
	CreatedAt    time.Time    `db:"created_at"`
	Deadline     time.Time    `db:"deadline"`
	Answer       string       `db:"answer"`
	AnsweredAt   sql.NullTime `db:"answered_at"`
	Files        int          `db:"files"`
}

const requestColumns = `r.id, r.municipality, r.year, r.seq, r.addressee, r.question, r.created_by, r.created_at, r.deadline,
	r.answer, r.answered_at, (SELECT COUNT(*) FROM media md WHERE md.request_id = r.id) AS files`

func (r requestRow) request() monitoring.Request {
	out := monitoring.Request{ID: r.ID, Municipality: r.Municipality, Number: monitoring.Number{Year: r.Year, Seq: r.Seq},
		Addressee: r.Addressee, Question: r.Question, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, Deadline: r.Deadline,
		Answer: r.Answer, Files: r.Files}
	if r.AnsweredAt.Valid {
		t := r.AnsweredAt.Time
		out.AnsweredAt = &t
	}
	return out
}

// CreateRequest records a request for information with its number and its
// ten-day deadline (6.1), linked to journal entries.
func (tx *Tx) CreateRequest(ctx context.Context, r *monitoring.Request) error {
	year := tx.now.In(monitoring.Bishkek).Year()
	var seq int
	if err := tx.get(ctx, &seq, `INSERT INTO request_counters (municipality, year, last) VALUES (?, ?, 1)
		ON CONFLICT (municipality, year) DO UPDATE SET last = request_counters.last + 1 RETURNING last`, r.Municipality, year); err != nil {
		return fmt.Errorf("number request: %w", err)
	}
	r.Number = monitoring.Number{Year: year, Seq: seq}
	r.CreatedAt, r.Deadline = tx.now, monitoring.DeadlineFor(tx.now).UTC()
	var err error
	r.ID, err = tx.insertID(ctx, `INSERT INTO requests (municipality, year, seq, addressee, question, created_by, created_at, deadline)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.Municipality, year, seq, r.Addressee, r.Question, r.CreatedBy, tx.now, r.Deadline)
	if err != nil {
		return fmt.Errorf("record request: %w", err)
	}
	for _, n := range r.Entries {
		e, err := tx.EntryNumbered(ctx, r.Municipality, n)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO request_entries (request_id, entry_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, r.ID, e.ID); err != nil {
			return fmt.Errorf("link request to %s: %w", n, err)
		}
	}
	return nil
}

// RequestByID returns a request of the municipality.
func (tx *Tx) RequestByID(ctx context.Context, municipality string, id int64) (monitoring.Request, error) {
	var r requestRow
	err := tx.get(ctx, &r, `SELECT `+requestColumns+` FROM requests r WHERE r.municipality = ? AND r.id = ?`, municipality, id)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Request{}, monitoring.Errorf(monitoring.ENOTFOUND, "request not found")
	}
	if err != nil {
		return monitoring.Request{}, fmt.Errorf("read request: %w", err)
	}
	return r.request(), nil
}

// AnswerRequest records the answer and the files that came with it; the
// request is closed. The files are the group's only (6.2).
func (tx *Tx) AnswerRequest(ctx context.Context, municipality string, id int64, answer string, media []int64) error {
	res, err := tx.exec(ctx, `UPDATE requests SET answer = ?, answered_at = ? WHERE municipality = ? AND id = ? AND answered_at IS NULL`,
		answer, tx.now, municipality, id)
	if err != nil {
		return fmt.Errorf("record answer: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return monitoring.Errorf(monitoring.ECONFLICT, "the request is already answered")
	}
	for _, m := range media {
		if _, err := tx.exec(ctx, `UPDATE media SET request_id = ? WHERE id = ? AND entry_id IS NULL`, id, m); err != nil {
			return fmt.Errorf("keep answer file: %w", err)
		}
	}
	return nil
}

// Requests lists requests, oldest first; open only, or overdue only at now.
func (db *DB) Requests(ctx context.Context, municipality string, openOnly bool, overdueAt time.Time) ([]monitoring.Request, error) {
	return requests(ctx, db, municipality, openOnly, overdueAt)
}

// Requests lists requests inside a transaction.
func (tx *Tx) Requests(ctx context.Context, municipality string, openOnly bool, overdueAt time.Time) ([]monitoring.Request, error) {
	return requests(ctx, tx, municipality, openOnly, overdueAt)
}

func requests(ctx context.Context, q querier, municipality string, openOnly bool, overdueAt time.Time) ([]monitoring.Request, error) {
	where := "r.municipality = ?"
	args := []any{municipality}
	if openOnly || !overdueAt.IsZero() {
		where += " AND r.answered_at IS NULL"
	}
	if !overdueAt.IsZero() {
		where += " AND r.deadline < ?"
		args = append(args, overdueAt.UTC())
	}
	var rows []requestRow
	if err := q.sel(ctx, &rows, `SELECT `+requestColumns+` FROM requests r WHERE `+where+` ORDER BY r.id`, args...); err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	out := make([]monitoring.Request, len(rows))
	for i, r := range rows {
		out[i] = r.request()
	}
	return out, nil
}

// RequestEntries returns the journal numbers a request is about.
func (db *DB) RequestEntries(ctx context.Context, requestID int64) ([]monitoring.Number, error) {
	var rows []struct {
		Year int `db:"year"`
		Seq  int `db:"seq"`
	}
	if err := db.sel(ctx, &rows, `SELECT e.year, e.seq FROM request_entries re JOIN entries e ON e.id = re.entry_id WHERE re.request_id = ? ORDER BY e.year, e.seq`, requestID); err != nil {
		return nil, fmt.Errorf("read request entries: %w", err)
	}
	out := make([]monitoring.Number, len(rows))
	for i, r := range rows {
		out[i] = monitoring.Number{Year: r.Year, Seq: r.Seq}
	}
	return out, nil
}
