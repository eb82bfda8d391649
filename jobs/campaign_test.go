package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"bmjbt/bot"
	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/jobs"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// paced is a channel that takes 100 messages a second and refuses more
// (429, as Telegram does), and remembers what each chat got.
type paced struct {
	lim *rate.Limiter

	mu       sync.Mutex
	changed  chan struct{}
	got      map[string][]string
	bulk     int // campaign messages delivered
	refused  int
	bulkWhen map[string]int // for each chat's first message: campaign messages delivered before it
}

func newPaced() *paced {
	return &paced{lim: rate.NewLimiter(100, 100), changed: make(chan struct{}), got: map[string][]string{}, bulkWhen: map[string]int{}}
}

func (p *paced) Deliver(_ context.Context, _ bot.OutboxKey, chat string, r bot.Reply) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.lim.Allow() {
		p.refused++
		return "", &bot.SendError{Kind: bot.RateLimited, RetryAfter: time.Second, Err: errors.New("429 Too Many Requests")}
	}
	if _, ok := p.bulkWhen[chat]; !ok {
		p.bulkWhen[chat] = p.bulk
	}
	p.got[chat] = append(p.got[chat], r.Text)
	if r.Text == "survey" {
		p.bulk++
	}
	close(p.changed)
	p.changed = make(chan struct{})
	return fmt.Sprint(len(p.got[chat])), nil
}

// wait blocks until cond holds (under the lock), or fails the test after a
// generous deadline: a guard against a hang, not a measure of time.
func (p *paced) wait(t *testing.T, what string, deadline time.Duration, cond func() bool) {
	t.Helper()
	timeout := time.After(deadline)
	for {
		p.mu.Lock()
		ok, changed := cond(), p.changed
		p.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// While a campaign to 1,200 (three chunks) drains at the channel's pace, a reply written
// afterwards goes out long before the campaign ends; a recipient who is
// written to gets the campaign's message first, in their chat's order; and
// every recipient gets the campaign's message exactly once.
func TestInteractiveReplyOvertakesACampaign(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		t.Parallel() // about 12 s each, at the channel's pace
		ctx, stop := context.WithCancel(context.Background())
		m := storagetest.Municipality(t)
		log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
		ch := newPaced()
		snd := bot.NewSender(db, m.Code, "telegram", ch, bot.Limits{Global: 100, Workers: 8,
			PerChat: func(string) (rate.Limit, int) { return 1, 3 }}, log)
		run := jobs.New(db, m, db.Now, log)
		run.FeedEvery = 200 * time.Millisecond
		run.Posted = snd.Wake

		const n = 1200
		to := make([]string, n)
		for i := range to {
			to[i] = fmt.Sprintf("%d", 500000+i)
		}
		payload := []byte(`{"lang":"ky","text":"survey"}`)
		id, err := db.CreateCampaign(ctx, m.Code, "telegram", "survey", to, payload)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Go(func() { run.Run(ctx) })
		wg.Go(func() { snd.Run(ctx, context.Background()) })
		defer func() { stop(); wg.Wait() }()

		ch.wait(t, "the campaign under way", telegramtest.WaitTimeout, func() bool { return ch.bulk >= 100 })
		// A resident's reply, and a reply to a recipient whose campaign
		// message is still waiting.
		const resident, recipient = "42", "500450"
		err = db.InTx(ctx, func(tx *storage.Tx) error {
			return tx.EnqueueAll(ctx, []monitoring.OutboxItem{
				{Municipality: m.Code, Channel: "telegram", ChatID: resident, Payload: []byte(`{"lang":"ky","text":"reply"}`)},
				{Municipality: m.Code, Channel: "telegram", ChatID: recipient, Payload: []byte(`{"lang":"ky","text":"answer"}`)},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		ch.mu.Lock()
		before := ch.bulk
		ch.mu.Unlock()
		snd.Wake() // as the engine does after its commit
		ch.wait(t, "the replies", telegramtest.WaitTimeout, func() bool { return len(ch.got[resident]) == 1 && len(ch.got[recipient]) == 2 })
		ch.mu.Lock()
		overtaken := ch.bulkWhen[resident] - before
		recipientGot := append([]string(nil), ch.got[recipient]...)
		ch.mu.Unlock()
		// Generous: 90 campaign messages, against more than 1,000 left; a
		// reply served in turn would wait for all of them.
		if overtaken > 90 {
			t.Fatalf("%d campaign messages went out between the reply's writing and its delivery, want at most 90", overtaken)
		}
		if fmt.Sprint(recipientGot) != "[survey answer]" {
			t.Fatalf("the recipient got %q, want the campaign's message, then the reply", recipientGot)
		}

		ch.wait(t, "the whole campaign", 4*time.Minute, func() bool { return ch.bulk >= n })
		stop()
		wg.Wait() // the sender records what it delivered before it returns
		ch.mu.Lock()
		defer ch.mu.Unlock()
		for _, chat := range to {
			if got := ch.got[chat]; len(got) != 1 && chat != recipient {
				t.Fatalf("recipient %s got %q, want the campaign's message once", chat, got)
			}
		}
		if ch.bulk != n || len(ch.got[resident]) != 1 {
			t.Fatalf("%d campaign messages and %d replies delivered, want %d and 1", ch.bulk, len(ch.got[resident]), n)
		}
		p, err := db.CampaignProgress(context.Background(), id)
		if err != nil || !p.Done() || p.Sent != n {
			t.Fatalf("campaign progress = %+v, %v; want all %d sent", p, err, n)
		}
		t.Logf("campaign of %d: the reply waited behind %d campaign messages; the channel refused %d", n, overtaken, ch.refused)
	})
}
