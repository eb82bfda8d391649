package jobs_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"bmjbt/bot"
	"bmjbt/jobs"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// clock is the store's time, moved by tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// at sets db's clock to a time in Bishkek.
func at(db *storage.DB, year int, month time.Month, day, hour int) *clock {
	c := &clock{t: time.Date(year, month, day, hour, 0, 0, 0, monitoring.Bishkek)}
	db.Clock = c.Now
	return c
}

// runner is one process's job runner on db.
func runner(t *testing.T, db *storage.DB, store jobs.Store) *jobs.Runner {
	if store == nil {
		store = db
	}
	return jobs.New(store, storagetest.Municipality(t), db.Now, slog.New(slog.DiscardHandler))
}

func bindGroup(t *testing.T, db *storage.DB, chat string) {
	t.Helper()
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *storage.Tx) error { return tx.BindGroup(ctx, "sadyrbaev", "telegram", chat, "test") }); err != nil {
		t.Fatal(err)
	}
}

// texts are the replies written to a chat, oldest first.
func texts(t *testing.T, db *storage.DB, chat string) []string {
	t.Helper()
	var payloads []string
	if err := db.SQL().Select(&payloads, db.SQL().Rebind(`SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id`), chat); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(payloads))
	for i, p := range payloads {
		var r bot.Reply
		if err := json.Unmarshal([]byte(p), &r); err != nil {
			t.Fatal(err)
		}
		out[i] = r.Text
	}
	return out
}

func digests(t *testing.T, db *storage.DB, chat string) int {
	n := 0
	for _, text := range texts(t, db, chat) {
		if strings.Contains(text, "күнүмдүк кабар") {
			n++
		}
	}
	return n
}

// Two runners on one database (two processes) post one digest a day.
func TestTwoRunnersPostOneDigest(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := at(db, 2026, 3, 2, 8)
		bindGroup(t, db, "-100")
		a, b := runner(t, db, nil), runner(t, db, nil)
		for _, r := range []*jobs.Runner{a, b} {
			if err := r.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := digests(t, db, "-100"); n != 0 {
			t.Fatalf("%d digests before 09:00", n)
		}
		c.Add(time.Hour + time.Minute) // 09:01 in Bishkek
		var wg sync.WaitGroup
		for range 3 {
			for _, r := range []*jobs.Runner{a, b} {
				wg.Go(func() {
					if err := r.RunDue(ctx); err != nil {
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
		if n := digests(t, db, "-100"); n != 1 {
			t.Fatalf("%d digests from two runners, want 1", n)
		}
		if text := texts(t, db, "-100")[0]; !strings.Contains(text, "Ачык кайрылуулар: 0") {
			t.Fatalf("digest = %q", text)
		}
		c.Add(24 * time.Hour) // the next morning
		a.RunDue(ctx)
		b.RunDue(ctx)
		if n := digests(t, db, "-100"); n != 2 {
			t.Fatalf("%d digests after two days, want 2", n)
		}
	})
}

// dying is a process that dies right after claiming a run: its context
// ends, so it neither computes nor posts.
type dying struct {
	jobs.Store
	kill func()
}

func (d dying) ClaimRun(ctx context.Context, municipality, job, period, holder string, lease time.Duration) (bool, error) {
	ok, err := d.Store.ClaimRun(ctx, municipality, job, period, holder, lease)
	if ok {
		d.kill()
	}
	return ok, err
}

// A runner killed after claiming the digest holds it until its lease runs
// out; then another takes it over, and the digest still goes out once.
func TestKilledRunnerIsTakenOverOnceItsLeaseRunsOut(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := at(db, 2026, 3, 2, 10)
		bindGroup(t, db, "-100")
		ctx, kill := context.WithCancel(context.Background())
		dead := runner(t, db, dying{Store: db, kill: kill})
		if err := dead.RunDue(ctx); err == nil {
			t.Fatal("the killed runner reported success")
		}
		other := runner(t, db, nil)
		if err := other.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := digests(t, db, "-100"); n != 0 {
			t.Fatalf("%d digests while the dead runner's lease holds, want 0", n)
		}
		c.Add(jobs.DefaultLease + time.Second)
		if err := other.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := digests(t, db, "-100"); n != 1 {
			t.Fatalf("%d digests after the takeover, want 1", n)
		}
		// Had the dead runner only hung, its late post is dropped.
		if posted, err := db.PostRun(context.Background(), "sadyrbaev", "digest", c.Now().In(monitoring.Bishkek).Format(time.DateOnly), dead.Holder,
			[]monitoring.OutboxItem{{Municipality: "sadyrbaev", Channel: "telegram", ChatID: "-100", Payload: []byte(`{"text":"late"}`)}}); err != nil || posted {
			t.Fatalf("a late post by the replaced holder: posted %v, %v", posted, err)
		}
		for range 2 {
			other.RunDue(context.Background())
			runner(t, db, nil).RunDue(context.Background())
		}
		if got := texts(t, db, "-100"); len(got) != 1 {
			t.Fatalf("group chat got %d messages, want the one digest", len(got))
		}
	})
}

// Four runners at once (serve, and `bmjbt chat` beside it, twice) send
// each reminder once.
func TestRemindersGoOutOnceWhateverRuns(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := storagetest.Municipality(t)
		c := at(db, 2026, 3, 2, 10)
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			code := bot.NewInviteCode()
			if _, err := tx.CreateInvite(ctx, m.Code, code, monitoring.Secretary, "К. Султанова", "operator"); err != nil {
				return err
			}
			sec, err := tx.Join(ctx, m.Code, code, "telegram", "77", "77")
			if err != nil {
				return err
			}
			return tx.CreateRequest(ctx, &monitoring.Request{Municipality: m.Code, Addressee: "ДЭП", Question: "?", CreatedBy: sec.ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		c.Add(12 * 24 * time.Hour) // both reminders are due
		var wg sync.WaitGroup
		for range 4 {
			r := runner(t, db, nil)
			wg.Go(func() {
				if err := r.RunDue(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got := texts(t, db, "77")
		if len(got) != 1 || !strings.Contains(got[0], "мөөнөтү өттү") {
			t.Fatalf("reminders = %q, want 1 (only the overdue one: the earlier is moot)", got)
		}
	})
}

// Retention runs once a day and keeps the journal.
func TestRetentionPrunesOnceADay(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := at(db, 2026, 1, 1, 12)
		if _, err := db.PutInbox(ctx, []monitoring.InboxItem{{Municipality: "sadyrbaev", Channel: "telegram", ExternalID: "1", ChatID: "5", Payload: []byte(`{}`)}}); err != nil {
			t.Fatal(err)
		}
		rows, _ := db.PendingInbox(ctx, "sadyrbaev", 1)
		if err := db.InTx(ctx, func(tx *storage.Tx) error { return tx.MarkHandled(ctx, rows[0].ID, "") }); err != nil {
			t.Fatal(err)
		}
		r := runner(t, db, nil)
		r.Retention = 30 * 24 * time.Hour
		c.Add(29 * 24 * time.Hour)
		if err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if total, _, _ := db.InboxCounts(ctx, "sadyrbaev"); total != 1 {
			t.Fatalf("%d inbox rows after 29 days, want 1", total)
		}
		c.Add(2 * 24 * time.Hour)
		if err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if total, _, _ := db.InboxCounts(ctx, "sadyrbaev"); total != 0 {
			t.Fatalf("%d inbox rows after 31 days, want 0", total)
		}
		if done, err := db.RunDone(ctx, "sadyrbaev", "retention", c.Now().In(monitoring.Bishkek).Format(time.DateOnly)); err != nil || !done {
			t.Fatalf("today's retention run done = %v, %v", done, err)
		}
	})
}
