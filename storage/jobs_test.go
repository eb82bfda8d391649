package storage_test

import (
	"context"
	"fmt"
	"io/fs"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"bmjbt/migrations"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// A run's lease: one holder at a time, taken over only once it runs out,
// done once; the holder that lost it posts nothing.
func TestRunLeaseIsHeldTakenOverAndDoneOnce(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)}
		db.Clock = c.Now
		lease := 5 * time.Minute
		claim := func(holder string) bool {
			t.Helper()
			ok, err := db.ClaimRun(ctx, muni, "digest", "2026-03-02", holder, lease)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		post := func(holder, text string) bool {
			t.Helper()
			ok, err := db.PostRun(ctx, muni, "digest", "2026-03-02", holder, []monitoring.OutboxItem{
				{Municipality: muni, Channel: "telegram", ChatID: "-100", Payload: []byte(text)}})
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !claim("a") {
			t.Fatal("the first claim failed")
		}
		if claim("b") {
			t.Fatal("b claimed a run a holds")
		}
		if !claim("a") {
			t.Fatal("a could not claim its own run again")
		}
		c.Add(lease + time.Second) // a died
		if !claim("b") {
			t.Fatal("b could not take over a run whose lease ran out")
		}
		if post("a", "from a") {
			t.Fatal("a posted after b took the run over")
		}
		if done, _ := db.RunDone(ctx, muni, "digest", "2026-03-02"); done {
			t.Fatal("the run is done before its holder posted")
		}
		if !post("b", "from b") {
			t.Fatal("b could not post its run")
		}
		if post("b", "again") {
			t.Fatal("a done run was posted twice")
		}
		c.Add(time.Hour)
		if claim("c") {
			t.Fatal("a done run was claimed again")
		}
		if done, err := db.RunDone(ctx, muni, "digest", "2026-03-02"); err != nil || !done {
			t.Fatalf("done = %v, %v", done, err)
		}
		var payloads []string
		db.SQL().Select(&payloads, `SELECT payload FROM outbox ORDER BY id`)
		if len(payloads) != 1 || payloads[0] != "from b" {
			t.Fatalf("outbox = %q, want only b's post", payloads)
		}
		// Another period is a run of its own.
		if ok, err := db.ClaimRun(ctx, muni, "digest", "2026-03-03", "c", lease); err != nil || !ok {
			t.Fatalf("the next day's run: %v, %v", ok, err)
		}
	})
}

// Statements counts what goes through the store.
func TestStatementsAreCounted(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	ctx := context.Background()
	before := db.Statements()
	if _, err := db.PutInbox(ctx, []monitoring.InboxItem{
		{Municipality: muni, Channel: "telegram", ExternalID: "s:1", ChatID: "1", Payload: []byte(`{}`)},
		{Municipality: muni, Channel: "telegram", ExternalID: "s:2", ChatID: "1", Payload: []byte(`{}`)},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OutboxDepth(ctx, muni); err != nil {
		t.Fatal(err)
	}
	if got := db.Statements() - before; got != 2 {
		t.Fatalf("%d statements counted, want 2 (one insert for both updates, one count)", got)
	}
}

// Schema 6 keeps what schema 2's scheduler recorded as done: the last
// digest and the reminders sent are not sent again after the upgrade.
func TestUpgradeKeepsDigestAndRemindersDone(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db, err := storage.Open(ctx, storagetest.URL(t, dialect))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			d := goose.DialectSQLite3
			if dialect == storage.Postgres {
				d = goose.DialectPostgres
			}
			sub, _ := fs.Sub(migrations.FS, dialect)
			p, err := goose.NewProvider(d, db.SQL().DB, sub)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 4); err != nil {
				t.Fatal(err)
			}
			if err := db.EnsureMunicipality(ctx, storagetest.Municipality(t)); err != nil {
				t.Fatal(err)
			}
			c := &clock{t: time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)}
			db.Clock = c.Now
			// Rows as schema 4 held them, written in its own SQL: today's code
			// reads columns that schema did not have yet.
			var soon, overdue monitoring.Request
			var secretary int64
			q := db.SQL()
			err = q.QueryRow(q.Rebind(`INSERT INTO members (municipality, name, role, joined_at) VALUES (?, 'К. Султанова', 'secretary', ?) RETURNING id`), muni, c.Now()).Scan(&secretary)
			for i, r := range []*monitoring.Request{&soon, &overdue} {
				if err == nil {
					err = q.QueryRow(q.Rebind(`INSERT INTO requests (municipality, year, seq, addressee, question, created_by, created_at, deadline)
						VALUES (?, 2026, ?, 'ДЭП', 'графиги', ?, ?, ?) RETURNING id`), muni, i+1, secretary, c.Now(), c.Now().AddDate(0, 0, 10)).Scan(&r.ID)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			// Schema 2's scheduler: the day's digest claimed, reminders marked.
			_, err = db.SQL().Exec(db.SQL().Rebind(`UPDATE requests SET reminded_at = ? WHERE id = ?`), c.Now(), soon.ID)
			if err == nil {
				_, err = db.SQL().Exec(db.SQL().Rebind(`UPDATE requests SET reminded_at = ?, overdue_sent_at = ? WHERE id = ?`), c.Now(), c.Now(), overdue.ID)
			}
			if err == nil {
				_, err = db.SQL().Exec(db.SQL().Rebind(`INSERT INTO jobs (municipality, name, last_key) VALUES (?, 'digest', '2026-03-02')`), muni)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for _, run := range []struct{ job, period string }{
				{"digest", "2026-03-02"}, {"remind.soon", fmt.Sprint(soon.ID)}, {"remind.soon", fmt.Sprint(overdue.ID)}, {"remind.overdue", fmt.Sprint(overdue.ID)},
			} {
				if done, err := db.RunDone(ctx, muni, run.job, run.period); err != nil || !done {
					t.Errorf("%s %s done = %v, %v after the upgrade", run.job, run.period, done, err)
				}
			}
			if done, _ := db.RunDone(ctx, muni, "remind.overdue", fmt.Sprint(soon.ID)); done {
				t.Error("a reminder never sent counts as done")
			}
			if ok, err := db.ClaimRun(ctx, muni, "digest", "2026-03-02", "new", time.Minute); err != nil || ok {
				t.Errorf("the day's digest could be claimed again after the upgrade: %v, %v", ok, err)
			}
		})
	}
}
