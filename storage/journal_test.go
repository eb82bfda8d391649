package storage_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

const muni = "sadyrbaev"

// clock is a settable clock for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newEntry(t *testing.T, db *storage.DB, residentID int64, text string) monitoring.Entry {
	t.Helper()
	e := monitoring.Entry{Municipality: muni, Village: "masy", Service: "water", Description: text,
		Channel: monitoring.Telegram, ResidentID: residentID}
	err := db.InTx(context.Background(), func(tx *storage.Tx) error { return tx.CreateEntry(context.Background(), &e, nil, "resident") })
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func resident(t *testing.T, db *storage.DB, user string) monitoring.Resident {
	t.Helper()
	var r monitoring.Resident
	err := db.InTx(context.Background(), func(tx *storage.Tx) (err error) {
		r, err = tx.Resident(context.Background(), muni, monitoring.Telegram, user, user)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestJournalNumbersPerYearInBishkekTime(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{t: time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC)} // 23:00 in Bishkek
		db.Clock = c.Now
		a := newEntry(t, db, 0, "a")
		b := newEntry(t, db, 0, "b")
		c.Set(time.Date(2025, 12, 31, 18, 30, 0, 0, time.UTC)) // 00:30 on 1 January in Bishkek
		n := newEntry(t, db, 0, "c")
		if got := []string{a.Number.String(), b.Number.String(), n.Number.String()}; fmt.Sprint(got) != "[2025-0001 2025-0002 2026-0001]" {
			t.Fatalf("numbers = %v, want [2025-0001 2025-0002 2026-0001]", got)
		}
		got, err := db.EntryByNumber(context.Background(), muni, n.Number)
		if err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(c.Now()) || got.Status != monitoring.Received || got.Description != "c" {
			t.Fatalf("entry read back = %+v, created %v", got, c.Now())
		}
		events, err := db.EntryEvents(context.Background(), got.ID)
		if err != nil || len(events) != 1 || events[0].To != monitoring.Received {
			t.Fatalf("audit = %+v, %v; want one row to received", events, err)
		}
	})
}

func TestJournalNumbersStayGapFreeUnderConcurrency(t *testing.T) {
	// Not parallel: 200 writers queue for SQLite's one write lock within the
	// store's 10 s bound, which other tests' load beside it can exceed.
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		const n = 200
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				err := db.InTx(ctx, func(tx *storage.Tx) error {
					e := monitoring.Entry{Municipality: muni, Village: "aral", Service: "roads", Description: fmt.Sprint(i), Channel: monitoring.Telegram}
					if err := tx.CreateEntry(ctx, &e, nil, "resident"); err != nil {
						return err
					}
					if i%10 == 0 { // a failed transaction gives its number back
						return errors.New("rolled back on purpose")
					}
					return nil
				})
				if err != nil && i%10 != 0 {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		list, err := db.Entries(ctx, muni, monitoring.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != n-n/10 {
			t.Fatalf("%d entries, want %d", len(list), n-n/10)
		}
		for i, e := range list {
			if e.Number.Seq != i+1 {
				t.Fatalf("entry %d has number %s: numbers have a gap or a repeat", i, e.Number)
			}
		}
	})
}

func TestResidentSeesOnlyOwnEntries(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		alice, bob := resident(t, db, "1001"), resident(t, db, "1002")
		if again := resident(t, db, "1001"); again.ID != alice.ID {
			t.Fatalf("same user got a second resident id")
		}
		mine := newEntry(t, db, alice.ID, "mine")
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if _, err := tx.ResidentEntry(ctx, muni, alice.ID, mine.Number); err != nil {
				return fmt.Errorf("own entry: %w", err)
			}
			_, err := tx.ResidentEntry(ctx, muni, bob.ID, mine.Number)
			if monitoring.ErrorCode(err) != monitoring.ENOTFOUND {
				return fmt.Errorf("someone else's entry: err = %v, want not found", err)
			}
			_, err = tx.ResidentEntry(ctx, muni, bob.ID, monitoring.Number{Year: 2020, Seq: 1})
			if monitoring.ErrorCode(err) != monitoring.ENOTFOUND {
				return fmt.Errorf("missing entry: err = %v, want not found", err)
			}
			list, err := tx.ResidentEntries(ctx, muni, bob.ID, 10)
			if err != nil || len(list) != 0 {
				return fmt.Errorf("bob's list = %v, %v; want empty", list, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestFloodCountUsesTheClock(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
		db.Clock = c.Now
		r := resident(t, db, "42")
		newEntry(t, db, r.ID, "1")
		c.Add(40 * time.Minute)
		newEntry(t, db, r.ID, "2")
		c.Add(30 * time.Minute)
		var n int
		err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
			n, err = tx.CountEntriesSince(ctx, r.ID, tx.Now().Add(-time.Hour))
			return err
		})
		if err != nil || n != 1 {
			t.Fatalf("entries in the last hour = %d, %v; want 1", n, err)
		}
	})
}

func TestSavepointUndoesOnlyItsOwnChanges(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for i := range 3 {
				err := tx.Savepoint(ctx, func() error {
					e := monitoring.Entry{Municipality: muni, Village: "masy", Service: "water", Description: fmt.Sprint(i), Channel: monitoring.Console}
					if err := tx.CreateEntry(ctx, &e, nil, "resident"); err != nil {
						return err
					}
					if i == 1 {
						return errors.New("this update fails")
					}
					return nil
				})
				if err != nil && i != 1 {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		list, _ := db.Entries(ctx, muni, monitoring.Filter{})
		if len(list) != 2 || list[0].Description != "0" || list[1].Description != "2" || list[1].Number.Seq != 2 {
			t.Fatalf("entries = %+v; want 0 and 2 numbered 1 and 2", list)
		}
	})
}

func TestEntriesFilter(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC)}
		db.Clock = c.Now
		newEntry(t, db, 0, "feb")
		c.Set(time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC))
		e := monitoring.Entry{Municipality: muni, Village: "aral", Service: "roads", Description: "march", Channel: monitoring.Telegram}
		if err := db.InTx(ctx, func(tx *storage.Tx) error { return tx.CreateEntry(ctx, &e, nil, "resident") }); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			f    monitoring.Filter
			want int
		}{
			{monitoring.Filter{}, 2},
			{monitoring.Filter{Village: "aral"}, 1},
			{monitoring.Filter{Service: "water"}, 1},
			{monitoring.Filter{Status: monitoring.Resolved}, 0},
			{monitoring.Filter{From: time.Date(2026, 3, 1, 0, 0, 0, 0, monitoring.Bishkek)}, 1},
			{monitoring.Filter{To: time.Date(2026, 3, 1, 0, 0, 0, 0, monitoring.Bishkek)}, 1},
		} {
			list, err := db.Entries(ctx, muni, tc.f)
			if err != nil || len(list) != tc.want {
				t.Errorf("filter %+v: %d entries, %v; want %d", tc.f, len(list), err, tc.want)
			}
		}
	})
}

// Migrating an up-to-date database changes nothing, and the journal's
// filters and the lookups by merge and by member use the indexes of schema 5
// once the tables hold a realistic journal.
func TestMigrateTwiceAndIndexesServeTheFilters(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second migration: %v", err)
		}
		current, latest, err := db.SchemaVersion(ctx)
		if err != nil || current != latest || latest < 5 {
			t.Fatalf("schema at %d of %d (%v); want the newest, at least 5", current, latest, err)
		}
		ts := `datetime('2025-01-01', '+' || i || ' hours')`
		if db.Dialect == storage.Postgres {
			ts = `TIMESTAMPTZ '2025-01-01' + i * INTERVAL '1 hour'`
		}
		sqlx := db.SQL()
		if _, err := sqlx.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
			INSERT INTO entries (municipality, year, seq, status, village, service, description, channel, anonymous, created_at, updated_at)
			SELECT '`+muni+`', 2025, i, 'received', 'v' || (i % 15), 's' || (i % 12), 'text', 'telegram', FALSE, `+ts+`, `+ts+` FROM n`); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`INSERT INTO members (municipality, name, role, joined_at) SELECT municipality, 'm', 'member', created_at FROM entries WHERE seq <= 5`,
			`INSERT INTO entry_events (municipality, entry_id, actor, at, from_status, to_status, reason)
				SELECT municipality, id, 'resident', created_at, '', 'received', '' FROM entries`,
			`INSERT INTO entry_events (municipality, entry_id, actor, at, from_status, to_status, reason, member_id)
				SELECT e.municipality, e.id, 'member', e.created_at, 'received', 'in_review', '', m.id FROM entries e
				JOIN members m ON m.id = 1 + e.seq % 5 WHERE e.seq % 3 = 0`,
		} {
			if _, err := sqlx.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := sqlx.ExecContext(ctx, `ANALYZE`); err != nil {
			t.Fatal(err)
		}
		for index, q := range map[string]string{
			"entries_village": `SELECT * FROM entries e WHERE e.municipality = '` + muni + `' AND e.village = 'v3'
				AND e.created_at >= '2025-02-01' AND e.created_at < '2025-03-01' ORDER BY e.year, e.seq`,
			"entries_service": `SELECT * FROM entries e WHERE e.municipality = '` + muni + `' AND e.service = 's3'
				AND e.created_at >= '2025-02-01' ORDER BY e.year, e.seq`,
			"entries_merged_into": `SELECT * FROM entries e WHERE e.merged_into = 7 AND e.status = 'merged' ORDER BY e.id`,
			"entry_events_member": `SELECT MAX(id) FROM entry_events WHERE municipality = '` + muni + `' AND member_id = 3 AND undone_at IS NULL`,
		} {
			if p := plan(t, db, q); !strings.Contains(p, index) {
				t.Errorf("the planner does not use %s:\n%s", index, p)
			}
		}
	})
}

// plan is the query planner's account of q.
func plan(t *testing.T, db *storage.DB, q string) string {
	t.Helper()
	explain := "EXPLAIN QUERY PLAN "
	if db.Dialect == storage.Postgres {
		explain = "EXPLAIN "
	}
	rows, err := db.SQL().Queryx(explain + q)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var out strings.Builder
	for rows.Next() {
		cols, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&out, cols...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// member makes a member of the group through an invite, as the chair would.
func member(t *testing.T, db *storage.DB, name string) monitoring.Member {
	t.Helper()
	ctx := context.Background()
	var m monitoring.Member
	err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
		if _, err = tx.CreateInvite(ctx, muni, "code-"+name, monitoring.Ordinary, name, "operator"); err != nil {
			return err
		}
		m, err = tx.Join(ctx, muni, "code-"+name, string(monitoring.Telegram), "u-"+name, "c-"+name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// lines collects what EachEntry hands out.
func lines(t *testing.T, db *storage.DB, f monitoring.Filter, withContacts bool) []monitoring.JournalLine {
	t.Helper()
	var out []monitoring.JournalLine
	if err := db.EachEntry(context.Background(), muni, f, withContacts, func(l monitoring.JournalLine) error {
		out = append(out, l)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// The journal walked for an export: each entry once, in number order, with
// its files counted, what the resident added later (not the members'
// working notes), and the contact only when asked for.
func TestEachEntryGivesWhatAnExportShows(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC)}
		db.Clock = c.Now
		m := member(t, db, "Г. Кандарова")
		var ids []int64
		for i, text := range []string{"Суу жок", "Жол бузулган", "Жарык жок"} {
			e := monitoring.Entry{Municipality: muni, Village: "masy", Service: "water", Description: text, Channel: monitoring.WhatsApp}
			var contact *monitoring.Contact
			if i != 1 {
				contact = &monitoring.Contact{Name: "Айгүл", Phone: fmt.Sprintf("+99655500011%d", i)}
			}
			err := db.InTx(ctx, func(tx *storage.Tx) error {
				if err := tx.CreateEntry(ctx, &e, contact, "resident"); err != nil {
					return err
				}
				if i == 0 { // two photos with the complaint
					for k := range 2 {
						id, err := tx.AddMedia(ctx, muni, monitoring.Media{Channel: monitoring.WhatsApp, Kind: monitoring.Photo, FileID: fmt.Sprint("f", k), Mime: "image/jpeg", Size: 10})
						if err != nil {
							return err
						}
						if err := tx.AttachMedia(ctx, e.ID, []int64{id}); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
			c.Add(time.Hour)
		}
		// Later: the resident of the first and of the third adds to them, a
		// member notes a finding on the first.
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			photo, err := tx.AddMedia(ctx, muni, monitoring.Media{Channel: monitoring.WhatsApp, Kind: monitoring.Photo, FileID: "later", Mime: "image/jpeg", Size: 10})
			if err != nil {
				return err
			}
			for _, n := range []struct {
				entry        int64
				author       string
				member, file int64
				text         string
			}{
				{ids[2], "resident", 0, 0, "Эми эки күн болду"},
				{ids[0], "resident", 0, 0, "Дагы эле жок"},
				{ids[0], fmt.Sprintf("member:%d", m.ID), m.ID, 0, "Барып көрдүм, чын эле жок"},
				{ids[0], "resident", 0, photo, ""},
			} {
				if err := tx.AddNote(ctx, muni, n.entry, n.author, n.member, n.file, n.text); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		got := lines(t, db, monitoring.Filter{}, false)
		if len(got) != 3 {
			t.Fatalf("%d lines, want 3", len(got))
		}
		first := got[0]
		if first.Number.Seq != 1 || first.Description != "Суу жок" || first.Files != 3 {
			t.Errorf("first line: number %s, %q, %d files; want 0001, «Суу жок», 3 files", first.Number, first.Description, first.Files)
		}
		if len(first.Additions) != 2 || first.Additions[0].Text != "Дагы эле жок" || first.Additions[0].Files != 0 ||
			first.Additions[1].Text != "" || first.Additions[1].Files != 1 || !first.Additions[0].At.Equal(c.Now()) {
			t.Errorf("additions to the first = %+v; want the resident's two (text, then a photo), not the member's note", first.Additions)
		}
		if len(got[1].Additions) != 0 || len(got[2].Additions) != 1 || got[2].Additions[0].Text != "Эми эки күн болду" {
			t.Errorf("additions to the others = %+v, %+v", got[1].Additions, got[2].Additions)
		}
		for _, l := range got {
			if !reflect.DeepEqual(l.Contact, monitoring.Contact{}) {
				t.Errorf("%s carries a contact though none was asked for: %+v", l.Number, l.Contact)
			}
		}

		with := lines(t, db, monitoring.Filter{}, true)
		if with[0].Contact.Phone != "+996555000110" || !reflect.DeepEqual(with[1].Contact, monitoring.Contact{}) || with[2].Contact.Name != "Айгүл" {
			t.Errorf("contacts = %+v, %+v, %+v", with[0].Contact, with[1].Contact, with[2].Contact)
		}

		// Filters and limits select as the journal list does.
		if l := lines(t, db, monitoring.Filter{From: time.Date(2026, 3, 2, 11, 30, 0, 0, monitoring.Bishkek)}, false); len(l) != 2 || l[0].Number.Seq != 2 || len(l[1].Additions) != 1 {
			t.Errorf("from 11:30: %d lines", len(l))
		}
		if l := lines(t, db, monitoring.Filter{Limit: 1}, false); len(l) != 1 || len(l[0].Additions) != 2 {
			t.Errorf("limit 1: %+v", l)
		}
		if l := lines(t, db, monitoring.Filter{Village: "aral"}, false); len(l) != 0 {
			t.Errorf("aral: %d lines, want none", len(l))
		}

		// The consumer's error stops the walk.
		stop := errors.New("disk full")
		n := 0
		err = db.EachEntry(ctx, muni, monitoring.Filter{}, false, func(monitoring.JournalLine) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("after a failing write: %d lines handed out, err %v", n, err)
		}
	})
}
