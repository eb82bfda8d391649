package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"bmjbt/monitoring"
)

// forUpdate locks the rows a query reads until the transaction ends, where
// the dialect needs it (SQLite's immediate transactions already serialise
// writers).
func (tx *Tx) forUpdate() string {
	if tx.db.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// EntryByID returns an entry of the municipality, locked for a change.
func (tx *Tx) EntryByID(ctx context.Context, municipality string, id int64) (monitoring.Entry, error) {
	var r entryRow
	err := tx.get(ctx, &r, `SELECT `+entryColumns+` FROM entries e WHERE e.municipality = ? AND e.id = ?`+tx.forUpdate(), municipality, id)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Entry{}, monitoring.Errorf(monitoring.ENOTFOUND, "entry not found")
	}
	if err != nil {
		return monitoring.Entry{}, fmt.Errorf("read entry %d: %w", id, err)
	}
	return r.entry(), nil
}

// EntryNumbered returns an entry by its journal number.
func (tx *Tx) EntryNumbered(ctx context.Context, municipality string, n monitoring.Number) (monitoring.Entry, error) {
	var r entryRow
	err := tx.get(ctx, &r, `SELECT `+entryColumns+` FROM entries e WHERE e.municipality = ? AND e.year = ? AND e.seq = ?`, municipality, n.Year, n.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Entry{}, monitoring.Errorf(monitoring.ENOTFOUND, "entry %s not found", n)
	}
	if err != nil {
		return monitoring.Entry{}, fmt.Errorf("read entry %s: %w", n, err)
	}
	return r.entry(), nil
}

// Apply moves an entry by an action and writes the audit row; what the
// action leads to is monitoring's decision (Entry.Apply). An action that
// does not fit the entry's status now (two members pressing at once, an old
// button) is refused with ECONFLICT and changes nothing.
func (tx *Tx) Apply(ctx context.Context, municipality string, entryID int64, c monitoring.Change) (monitoring.Entry, monitoring.Event, error) {
	e, err := tx.EntryByID(ctx, municipality, entryID)
	if err != nil {
		return e, monitoring.Event{}, err
	}
	var into *monitoring.Entry
	if c.Action == monitoring.Merge {
		// Locked too, so it stays open until the merge is written.
		target, err := tx.EntryByID(ctx, municipality, c.Into)
		switch {
		case err == nil:
			into = &target
		case monitoring.ErrorCode(err) != monitoring.ENOTFOUND:
			return e, monitoring.Event{}, err
		}
	}
	moved, err := e.Apply(c.Action, c.MemberID, into, tx.now)
	if err != nil {
		return e, monitoring.Event{}, err
	}
	if _, err := tx.exec(ctx, `UPDATE entries SET status = ?, updated_at = ?, taken_by = ?, merged_into = ?, feedback = ? WHERE id = ?`,
		string(moved.Status), moved.UpdatedAt, nullID(moved.TakenBy), nullID(moved.MergedInto), string(moved.Feedback), e.ID); err != nil {
		return e, monitoring.Event{}, fmt.Errorf("change entry %s: %w", e.Number, err)
	}
	ev := monitoring.Event{EntryID: e.ID, Actor: c.Actor, MemberID: c.MemberID, At: tx.now, From: e.Status, To: moved.Status, Reason: c.Reason}
	if ev.ID, err = tx.addEvent(ctx, municipality, ev); err != nil {
		return e, ev, err
	}
	return moved, ev, nil
}

// Undo reverts a status change, if monitoring says the member may
// (CanUndo: their own change, within the undo window) and nothing has
// changed the entry since (Entry.Revert). The audit keeps both rows. The
// change is returned on refusals too, so callers can name its entry.
func (tx *Tx) Undo(ctx context.Context, municipality string, eventID, memberID int64, actor string) (monitoring.Entry, monitoring.Event, error) {
	var r eventRow
	err := tx.get(ctx, &r, `SELECT `+eventColumns+` FROM entry_events WHERE municipality = ? AND id = ?`, municipality, eventID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return monitoring.Entry{}, monitoring.Event{}, fmt.Errorf("read change %d: %w", eventID, err)
	}
	ev := r.event() // the zero Event when there is no such change
	if err := monitoring.CanUndo(ev, memberID, tx.now); err != nil {
		return monitoring.Entry{}, ev, err
	}
	e, err := tx.EntryByID(ctx, municipality, ev.EntryID)
	if err != nil {
		return e, ev, err
	}
	var latest int64
	if err := tx.get(ctx, &latest, `SELECT MAX(id) FROM entry_events WHERE entry_id = ?`, e.ID); err != nil {
		return e, ev, fmt.Errorf("read last change: %w", err)
	}
	back, err := e.Revert(ev, latest, tx.now)
	if err != nil {
		return e, ev, err
	}
	if _, err := tx.exec(ctx, `UPDATE entries SET status = ?, updated_at = ?, taken_by = ?, merged_into = ? WHERE id = ?`,
		string(back.Status), back.UpdatedAt, nullID(back.TakenBy), nullID(back.MergedInto), e.ID); err != nil {
		return e, ev, fmt.Errorf("undo change on %s: %w", e.Number, err)
	}
	if _, err := tx.exec(ctx, `UPDATE entry_events SET undone_at = ? WHERE id = ?`, tx.now, ev.ID); err != nil {
		return e, ev, fmt.Errorf("mark change undone: %w", err)
	}
	row := monitoring.Event{EntryID: e.ID, Actor: actor, MemberID: memberID, At: tx.now, From: ev.To, To: ev.From, Reason: monitoring.UndoReason(ev.ID)}
	if _, err := tx.addEvent(ctx, municipality, row); err != nil {
		return e, ev, err
	}
	return back, ev, nil
}

// nullID keeps a zero id as NULL.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// SetFeedback keeps a resident's answer to "Was it fixed?".
func (tx *Tx) SetFeedback(ctx context.Context, entryID int64, fb monitoring.Feedback) error {
	if _, err := tx.exec(ctx, `UPDATE entries SET feedback = ? WHERE id = ?`, string(fb), entryID); err != nil {
		return fmt.Errorf("keep feedback: %w", err)
	}
	return nil
}

// AddNote adds a note, with an optional file already recorded as media.
func (tx *Tx) AddNote(ctx context.Context, municipality string, entryID int64, author string, memberID, mediaID int64, text string) error {
	member := sql.NullInt64{Int64: memberID, Valid: memberID != 0}
	media := sql.NullInt64{Int64: mediaID, Valid: mediaID != 0}
	if mediaID != 0 {
		if _, err := tx.exec(ctx, `UPDATE media SET entry_id = ? WHERE id = ?`, entryID, mediaID); err != nil {
			return fmt.Errorf("attach note file: %w", err)
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO entry_notes (municipality, entry_id, author, member_id, text, media_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		municipality, entryID, author, member, text, media, tx.now)
	if err != nil {
		return fmt.Errorf("add note: %w", err)
	}
	return nil
}

// Notes lists an entry's notes, oldest first.
func (db *DB) Notes(ctx context.Context, entryID int64) ([]monitoring.Note, error) {
	var out []noteRow
	if err := db.sel(ctx, &out, `SELECT id, author, member_id, text, media_id, created_at FROM entry_notes WHERE entry_id = ? ORDER BY id`, entryID); err != nil {
		return nil, fmt.Errorf("read notes: %w", err)
	}
	return notes(out), nil
}

// AddPost records an entry's card in a group chat.
func (tx *Tx) AddPost(ctx context.Context, municipality string, entryID int64, p monitoring.Post) error {
	_, err := tx.exec(ctx, `INSERT INTO entry_posts (municipality, entry_id, channel, chat_id, outbox_id) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (entry_id, channel, chat_id) DO UPDATE SET outbox_id = excluded.outbox_id`, municipality, entryID, p.Channel, p.ChatID, p.OutboxID)
	if err != nil {
		return fmt.Errorf("record card: %w", err)
	}
	return nil
}

// Posts returns where an entry's cards are.
func (tx *Tx) Posts(ctx context.Context, entryID int64) ([]monitoring.Post, error) {
	var out []monitoring.Post
	if err := tx.sel(ctx, &out, `SELECT channel, chat_id, outbox_id FROM entry_posts WHERE entry_id = ?`, entryID); err != nil {
		return nil, fmt.Errorf("read cards: %w", err)
	}
	return out, nil
}

// Entries lists entries inside a transaction.
func (tx *Tx) Entries(ctx context.Context, municipality string, f monitoring.Filter) ([]monitoring.Entry, error) {
	return entriesWhere(ctx, tx, municipality, f)
}

// Merged lists the entries merged into an entry, whose residents hear of
// its outcome too.
func (tx *Tx) Merged(ctx context.Context, entryID int64) ([]monitoring.Entry, error) {
	var rows []entryRow
	if err := tx.sel(ctx, &rows, `SELECT `+entryColumns+` FROM entries e WHERE e.merged_into = ? AND e.status = 'merged' ORDER BY e.id`, entryID); err != nil {
		return nil, fmt.Errorf("read merged entries: %w", err)
	}
	return entries(rows), nil
}

// NotesOf lists an entry's notes inside a transaction, newest last.
func (tx *Tx) NotesOf(ctx context.Context, entryID int64) ([]monitoring.Note, error) {
	var out []noteRow
	if err := tx.sel(ctx, &out, `SELECT id, author, member_id, text, media_id, created_at FROM entry_notes WHERE entry_id = ? ORDER BY id`, entryID); err != nil {
		return nil, fmt.Errorf("read notes: %w", err)
	}
	return notes(out), nil
}

// MediaCount is how many files an entry has.
func (tx *Tx) MediaCount(ctx context.Context, entryID int64) (int, error) {
	var n int
	if err := tx.get(ctx, &n, `SELECT COUNT(*) FROM media WHERE entry_id = ?`, entryID); err != nil {
		return 0, fmt.Errorf("count files: %w", err)
	}
	return n, nil
}

// EntryContact is the contact a resident left with an entry, if any; only
// members see it.
func (tx *Tx) EntryContact(ctx context.Context, entryID int64) (monitoring.Contact, error) {
	var r struct {
		Name  string `db:"name"`
		Phone string `db:"phone"`
		Found string `db:"found"`
	}
	err := tx.get(ctx, &r, `SELECT name, phone, found FROM entry_contacts WHERE entry_id = ?`, entryID)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Contact{}, nil
	}
	if err != nil {
		return monitoring.Contact{}, fmt.Errorf("read contact: %w", err)
	}
	c := monitoring.Contact{Name: r.Name, Phone: r.Phone}
	if r.Found != "" {
		c.Found = strings.Split(r.Found, "\n")
	}
	return c, nil
}

// noteRow is a note as stored; a note without a member is the resident's.
type noteRow struct {
	ID       int64         `db:"id"`
	Author   string        `db:"author"`
	MemberID sql.NullInt64 `db:"member_id"`
	Text     string        `db:"text"`
	MediaID  sql.NullInt64 `db:"media_id"`
	At       sql.NullTime  `db:"created_at"`
}

func notes(rows []noteRow) []monitoring.Note {
	out := make([]monitoring.Note, len(rows))
	for i, r := range rows {
		out[i] = monitoring.Note{ID: r.ID, Author: r.Author, MemberID: r.MemberID.Int64, Text: r.Text, MediaID: r.MediaID.Int64, At: r.At.Time}
	}
	return out
}
