package storage_test

import (
	"context"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// A run's lease: one holder at a time, taken over only once it runs out,
// done once; the holder that lost it posts nothing.
func TestRunLeaseIsHeldTakenOverAndDoneOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)}
		db.Now = c.Now
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
	if got := db.Statements() - before; got != 3 {
		t.Fatalf("%d statements counted, want 3 (two inserts, one count)", got)
	}
}
