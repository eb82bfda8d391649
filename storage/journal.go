package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"bmjbt/monitoring"
)

const entryColumns = `e.id, e.municipality, e.year, e.seq, e.status, e.village, e.service, e.description,
	e.lat, e.lon, e.channel, e.anonymous, e.resident_id, e.created_at, e.updated_at, e.taken_by, e.merged_into, e.feedback`

type entryRow struct {
	ID           int64           `db:"id"`
	Municipality string          `db:"municipality"`
	Year         int             `db:"year"`
	Seq          int             `db:"seq"`
	Status       string          `db:"status"`
	Village      string          `db:"village"`
	Service      string          `db:"service"`
	Description  string          `db:"description"`
	Lat          sql.NullFloat64 `db:"lat"`
	Lon          sql.NullFloat64 `db:"lon"`
	Channel      string          `db:"channel"`
	Anonymous    bool            `db:"anonymous"`
	ResidentID   sql.NullInt64   `db:"resident_id"`
	CreatedAt    time.Time       `db:"created_at"`
	UpdatedAt    time.Time       `db:"updated_at"`
	TakenBy      sql.NullInt64   `db:"taken_by"`
	MergedInto   sql.NullInt64   `db:"merged_into"`
	Feedback     string          `db:"feedback"`
}

func (r entryRow) entry() monitoring.Entry {
	e := monitoring.Entry{
		ID: r.ID, Municipality: r.Municipality, Number: monitoring.Number{Year: r.Year, Seq: r.Seq},
		Status: monitoring.Status(r.Status), Village: r.Village, Service: r.Service, Description: r.Description,
		Channel: monitoring.Channel(r.Channel), Anonymous: r.Anonymous, ResidentID: r.ResidentID.Int64,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, TakenBy: r.TakenBy.Int64, MergedInto: r.MergedInto.Int64,
		Feedback: monitoring.Feedback(r.Feedback),
	}
	if r.Lat.Valid && r.Lon.Valid {
		e.Location = &monitoring.Location{Lat: r.Lat.Float64, Lon: r.Lon.Float64}
	}
	return e
}

func entries(rows []entryRow) []monitoring.Entry {
	out := make([]monitoring.Entry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return out
}

// CreateEntry registers e in the journal with the next number of its year,
// status received, and writes the first audit row. contact, when given, is
// kept apart from the entry. e's ID, Number, Status and times are set.
func (tx *Tx) CreateEntry(ctx context.Context, e *monitoring.Entry, contact *monitoring.Contact, actor string) error {
	year := tx.now.In(monitoring.Bishkek).Year()
	e.Status = monitoring.Received
	e.CreatedAt, e.UpdatedAt = tx.now, tx.now
	var lat, lon sql.NullFloat64
	if e.Location != nil {
		lat = sql.NullFloat64{Float64: e.Location.Lat, Valid: true}
		lon = sql.NullFloat64{Float64: e.Location.Lon, Valid: true}
	}
	var resident sql.NullInt64
	if e.ResidentID != 0 {
		resident = sql.NullInt64{Int64: e.ResidentID, Valid: true}
	}
	if tx.db.Dialect == Postgres {
		// The number, the entry and its first audit row in one statement:
		// on PostgreSQL every statement is a round trip, and a complaint is
		// the engine's most common write.
		var row struct {
			ID  int64 `db:"id"`
			Seq int   `db:"seq"`
		}
		err := tx.get(ctx, &row, `WITH n AS (
				INSERT INTO journal_counters (municipality, year, last) VALUES (?, ?, 1)
				ON CONFLICT (municipality, year) DO UPDATE SET last = journal_counters.last + 1 RETURNING last),
			e AS (
				INSERT INTO entries (municipality, year, seq, status, village, service, description, lat, lon,
					channel, anonymous, resident_id, created_at, updated_at)
				SELECT ?, ?, n.last, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM n RETURNING id, seq),
			ev AS (
				INSERT INTO entry_events (municipality, entry_id, actor, at, from_status, to_status, reason, member_id)
				SELECT ?, e.id, ?, ?, '', ?, '', NULL FROM e)
			SELECT id, seq FROM e`,
			e.Municipality, year,
			e.Municipality, year, string(e.Status), e.Village, e.Service, e.Description, lat, lon,
			string(e.Channel), e.Anonymous, resident, tx.now, tx.now,
			e.Municipality, actor, tx.now, string(monitoring.Received))
		if err != nil {
			return fmt.Errorf("insert entry of %d: %w", year, err)
		}
		e.ID, e.Number = row.ID, monitoring.Number{Year: year, Seq: row.Seq}
		return tx.keepContact(ctx, e, contact)
	}
	seq, err := tx.nextNumber(ctx, e.Municipality, year)
	if err != nil {
		return err
	}
	e.Number = monitoring.Number{Year: year, Seq: seq}
	e.ID, err = tx.insertID(ctx, `INSERT INTO entries (municipality, year, seq, status, village, service, description, lat, lon,
		channel, anonymous, resident_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Municipality, year, seq, string(e.Status), e.Village, e.Service, e.Description, lat, lon,
		string(e.Channel), e.Anonymous, resident, tx.now, tx.now)
	if err != nil {
		return fmt.Errorf("insert entry %s: %w", e.Number, err)
	}
	if err := tx.keepContact(ctx, e, contact); err != nil {
		return err
	}
	return tx.AddEvent(ctx, e.Municipality, monitoring.Event{EntryID: e.ID, Actor: actor, To: monitoring.Received})
}

// keepContact writes a new entry's personal data, when there is any.
func (tx *Tx) keepContact(ctx context.Context, e *monitoring.Entry, contact *monitoring.Contact) error {
	if contact != nil && (contact.Phone != "" || contact.Name != "" || len(contact.Found) > 0) {
		if _, err := tx.exec(ctx, `INSERT INTO entry_contacts (entry_id, municipality, name, phone, found) VALUES (?, ?, ?, ?, ?)`,
			e.ID, e.Municipality, contact.Name, contact.Phone, strings.Join(contact.Found, "\n")); err != nil {
			return fmt.Errorf("keep contact of entry %s: %w", e.Number, err)
		}
	}
	return nil
}

// nextNumber takes the next journal sequence for the year. The counter row
// is locked until the transaction ends, so numbers stay gap-free: a rolled
// back entry gives its number back.
func (tx *Tx) nextNumber(ctx context.Context, municipality string, year int) (int, error) {
	var seq int
	err := tx.get(ctx, &seq, `INSERT INTO journal_counters (municipality, year, last) VALUES (?, ?, 1)
		ON CONFLICT (municipality, year) DO UPDATE SET last = journal_counters.last + 1 RETURNING last`, municipality, year)
	if err != nil {
		return 0, fmt.Errorf("take journal number for %d: %w", year, err)
	}
	return seq, nil
}

// AddEvent writes one audit row.
func (tx *Tx) AddEvent(ctx context.Context, municipality string, ev monitoring.Event) error {
	_, err := tx.addEvent(ctx, municipality, ev)
	return err
}

func (tx *Tx) addEvent(ctx context.Context, municipality string, ev monitoring.Event) (int64, error) {
	var member sql.NullInt64
	if ev.MemberID != 0 {
		member = sql.NullInt64{Int64: ev.MemberID, Valid: true}
	}
	id, err := tx.insertID(ctx, `INSERT INTO entry_events (municipality, entry_id, actor, at, from_status, to_status, reason, member_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		municipality, ev.EntryID, ev.Actor, tx.now, string(ev.From), string(ev.To), ev.Reason, member)
	if err != nil {
		return 0, fmt.Errorf("write audit row: %w", err)
	}
	return id, nil
}

// ResidentEntry returns one of the resident's own entries. Someone else's
// number gets the same not-found as a number that does not exist.
func (tx *Tx) ResidentEntry(ctx context.Context, municipality string, residentID int64, n monitoring.Number) (monitoring.Entry, error) {
	var r entryRow
	err := tx.get(ctx, &r, `SELECT `+entryColumns+` FROM entries e WHERE e.municipality = ? AND e.year = ? AND e.seq = ? AND e.resident_id = ?`,
		municipality, n.Year, n.Seq, residentID)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Entry{}, monitoring.Errorf(monitoring.ENOTFOUND, "entry %s not found", n)
	}
	if err != nil {
		return monitoring.Entry{}, fmt.Errorf("read entry %s: %w", n, err)
	}
	return r.entry(), nil
}

// ResidentEntries returns the resident's latest entries, newest first.
func (tx *Tx) ResidentEntries(ctx context.Context, municipality string, residentID int64, limit int) ([]monitoring.Entry, error) {
	var rows []entryRow
	err := tx.sel(ctx, &rows, `SELECT `+entryColumns+` FROM entries e WHERE e.municipality = ? AND e.resident_id = ? ORDER BY e.id DESC LIMIT ?`,
		municipality, residentID, limit)
	if err != nil {
		return nil, fmt.Errorf("read resident's entries: %w", err)
	}
	return entries(rows), nil
}

// CountEntriesSince counts a resident's entries registered at or after since.
func (tx *Tx) CountEntriesSince(ctx context.Context, residentID int64, since time.Time) (int, error) {
	var n int
	if err := tx.get(ctx, &n, `SELECT COUNT(*) FROM entries WHERE resident_id = ? AND created_at >= ?`, residentID, since.UTC()); err != nil {
		return 0, fmt.Errorf("count resident's recent entries: %w", err)
	}
	return n, nil
}

// Entries lists journal entries matching f, oldest first.
func (db *DB) Entries(ctx context.Context, municipality string, f monitoring.Filter) ([]monitoring.Entry, error) {
	return entriesWhere(ctx, db, municipality, f)
}

func entriesWhere(ctx context.Context, q querier, municipality string, f monitoring.Filter) ([]monitoring.Entry, error) {
	where, args := filterWhere(municipality, f)
	query := `SELECT ` + entryColumns + ` FROM entries e WHERE ` + where + ` ORDER BY e.year, e.seq`
	if f.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, f.Limit)
	}
	var rows []entryRow
	if err := q.sel(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("list journal: %w", err)
	}
	return entries(rows), nil
}

// filterWhere is the condition on entries e that f selects, with its
// arguments.
func filterWhere(municipality string, f monitoring.Filter) (string, []any) {
	var where strings.Builder
	args := []any{municipality}
	where.WriteString("e.municipality = ?")
	if f.Status != "" {
		where.WriteString(" AND e.status = ?")
		args = append(args, string(f.Status))
	}
	if f.Village != "" {
		where.WriteString(" AND e.village = ?")
		args = append(args, f.Village)
	}
	if f.Service != "" {
		where.WriteString(" AND e.service = ?")
		args = append(args, f.Service)
	}
	if !f.From.IsZero() {
		where.WriteString(" AND e.created_at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where.WriteString(" AND e.created_at < ?")
		args = append(args, f.To.UTC())
	}
	if f.Open {
		where.WriteString(" AND e.status IN ('received', 'in_review', 'verified')")
	}
	if f.TakenBy != 0 {
		where.WriteString(" AND e.taken_by = ?")
		args = append(args, f.TakenBy)
	}
	return where.String(), args
}

// EntryByNumber returns an entry with its media, for operators and members.
func (db *DB) EntryByNumber(ctx context.Context, municipality string, n monitoring.Number) (monitoring.Entry, error) {
	var r entryRow
	err := db.get(ctx, &r, `SELECT `+entryColumns+` FROM entries e WHERE e.municipality = ? AND e.year = ? AND e.seq = ?`,
		municipality, n.Year, n.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Entry{}, monitoring.Errorf(monitoring.ENOTFOUND, "entry %s not found", n)
	}
	if err != nil {
		return monitoring.Entry{}, fmt.Errorf("read entry %s: %w", n, err)
	}
	e := r.entry()
	if e.Media, err = db.EntryMedia(ctx, e.ID); err != nil {
		return monitoring.Entry{}, err
	}
	return e, nil
}

type eventRow struct {
	ID       int64         `db:"id"`
	MemberID sql.NullInt64 `db:"member_id"`
	UndoneAt sql.NullTime  `db:"undone_at"`
	EntryID  int64         `db:"entry_id"`
	Actor    string        `db:"actor"`
	At       time.Time     `db:"at"`
	From     string        `db:"from_status"`
	To       string        `db:"to_status"`
	Reason   string        `db:"reason"`
}

const eventColumns = `id, member_id, undone_at, entry_id, actor, at, from_status, to_status, reason`

func (r eventRow) event() monitoring.Event {
	return monitoring.Event{ID: r.ID, MemberID: r.MemberID.Int64, Undone: r.UndoneAt.Valid, EntryID: r.EntryID, Actor: r.Actor,
		At: r.At, From: monitoring.Status(r.From), To: monitoring.Status(r.To), Reason: r.Reason}
}

// EntryEvents returns an entry's audit, oldest first.
func (db *DB) EntryEvents(ctx context.Context, entryID int64) ([]monitoring.Event, error) {
	var rows []eventRow
	if err := db.sel(ctx, &rows, `SELECT `+eventColumns+` FROM entry_events WHERE entry_id = ? ORDER BY id`, entryID); err != nil {
		return nil, fmt.Errorf("read audit of entry %d: %w", entryID, err)
	}
	out := make([]monitoring.Event, len(rows))
	for i, r := range rows {
		out[i] = r.event()
	}
	return out, nil
}

// EntryContacts returns the contacts left with the given entries, by entry
// id. Only exports asked for "with contacts" call it.
func (db *DB) EntryContacts(ctx context.Context, municipality string) (map[int64]monitoring.Contact, error) {
	var rows []struct {
		EntryID int64  `db:"entry_id"`
		Name    string `db:"name"`
		Phone   string `db:"phone"`
	}
	if err := db.sel(ctx, &rows, `SELECT entry_id, name, phone FROM entry_contacts WHERE municipality = ?`, municipality); err != nil {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	out := make(map[int64]monitoring.Contact, len(rows))
	for _, r := range rows {
		out[r.EntryID] = monitoring.Contact{Name: r.Name, Phone: r.Phone}
	}
	return out, nil
}

// ResidentAuthor is the author of a note the resident added to an entry
// (members' notes carry their member id).
const ResidentAuthor = "resident"

// lineRow is an entry row with what the journal's table adds to it.
type lineRow struct {
	entryRow
	Files int    `db:"files"`
	Name  string `db:"contact_name"`
	Phone string `db:"contact_phone"`
}

// EachEntry walks the journal entries f selects, in number order, and hands
// each to fn with its file count, what its resident added later and, only
// when withContacts, the contact left with it. Rows come from a cursor and
// the residents' additions from a second one read beside it, so an export
// of the whole journal holds one entry at a time, not the journal. An error
// from fn stops the walk and is returned.
func (db *DB) EachEntry(ctx context.Context, municipality string, f monitoring.Filter, withContacts bool, fn func(monitoring.JournalLine) error) error {
	where, args := filterWhere(municipality, f)
	contact, join := `'' AS contact_name, '' AS contact_phone`, ""
	if withContacts {
		contact = `COALESCE(c.name, '') AS contact_name, COALESCE(c.phone, '') AS contact_phone`
		join = ` LEFT JOIN entry_contacts c ON c.entry_id = e.id`
	}
	query := `SELECT ` + entryColumns + `, (SELECT COUNT(*) FROM media m WHERE m.entry_id = e.id) AS files, ` + contact +
		` FROM entries e` + join + ` WHERE ` + where + ` ORDER BY e.year, e.seq`
	entryArgs := args
	if f.Limit > 0 {
		query += " LIMIT ?"
		entryArgs = append(entryArgs[:len(entryArgs):len(entryArgs)], f.Limit)
	}
	rows, err := db.db.QueryxContext(ctx, db.rebind(query), entryArgs...)
	if err != nil {
		return fmt.Errorf("read journal: %w", err)
	}
	defer rows.Close()
	adds, err := db.additions(ctx, where, args)
	if err != nil {
		return err
	}
	defer adds.rows.Close()
	var r lineRow
	for rows.Next() {
		r = lineRow{}
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("read journal: %w", err)
		}
		line := monitoring.JournalLine{Entry: r.entry(), Files: r.Files, Contact: monitoring.Contact{Name: r.Name, Phone: r.Phone}}
		if line.Additions, err = adds.of(r.Year, r.Seq); err != nil {
			return err
		}
		if err := fn(line); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read journal: %w", err)
	}
	return nil
}

type additionRow struct {
	Year  int       `db:"year"`
	Seq   int       `db:"seq"`
	Text  string    `db:"text"`
	Files int       `db:"files"`
	At    time.Time `db:"created_at"`
}

// additionCursor reads the residents' additions to the entries a filter
// selects, in the entries' order, beside the cursor over the entries.
type additionCursor struct {
	rows *sqlx.Rows
	cur  additionRow
	ok   bool // cur holds a row not yet handed out
	err  error
}

func (db *DB) additions(ctx context.Context, where string, args []any) (*additionCursor, error) {
	rows, err := db.db.QueryxContext(ctx, db.rebind(`SELECT e.year, e.seq, n.text, CASE WHEN n.media_id IS NULL THEN 0 ELSE 1 END AS files, n.created_at
		FROM entry_notes n JOIN entries e ON e.id = n.entry_id WHERE `+where+` AND n.author = ? ORDER BY e.year, e.seq, n.id`),
		append(args[:len(args):len(args)], ResidentAuthor)...)
	if err != nil {
		return nil, fmt.Errorf("read residents' additions: %w", err)
	}
	c := &additionCursor{rows: rows}
	c.advance()
	return c, nil
}

func (c *additionCursor) advance() {
	c.ok = false
	if c.err != nil || !c.rows.Next() {
		if c.err == nil {
			c.err = c.rows.Err()
		}
		return
	}
	c.cur = additionRow{}
	if c.err = c.rows.StructScan(&c.cur); c.err == nil {
		c.ok = true
	}
}

// of returns the additions to entry year-seq. Entries are asked for in
// number order; additions to entries the other cursor does not have (one
// registered after the walk began) are passed over.
func (c *additionCursor) of(year, seq int) ([]monitoring.Addition, error) {
	var out []monitoring.Addition
	for c.ok && (c.cur.Year < year || c.cur.Year == year && c.cur.Seq < seq) {
		c.advance()
	}
	for c.ok && c.cur.Year == year && c.cur.Seq == seq {
		out = append(out, monitoring.Addition{At: c.cur.At, Text: c.cur.Text, Files: c.cur.Files})
		c.advance()
	}
	if c.err != nil {
		return nil, fmt.Errorf("read residents' additions: %w", c.err)
	}
	return out, nil
}
