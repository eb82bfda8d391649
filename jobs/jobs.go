// Package jobs runs the group's scheduled work beside the engine: the daily
// digest, request-deadline reminders, retention, and feeding campaigns into
// the outbox. A run (a job and its period: a date, a request) is claimed
// with a lease in a short transaction, computed outside any transaction,
// and posted (its replies written and the run marked done) in a short
// transaction that checks the lease is still held. So each run is done
// once, across restarts and across processes sharing the database, and the
// engine's inbox loop never waits for it.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Leases is the store's side of a run.
type Leases interface {
	// ClaimRun takes a run for holder for lease: true when nobody holds an
	// unexpired lease on it (or holder does) and it is not done.
	ClaimRun(ctx context.Context, municipality, job, period, holder string, lease time.Duration) (bool, error)
	// PostRun writes the run's replies and marks it done in one
	// transaction, if holder still holds it; false when it was taken over.
	PostRun(ctx context.Context, municipality, job, period, holder string, out []monitoring.OutboxItem) (bool, error)
	// RunDone reports whether a run is done.
	RunDone(ctx context.Context, municipality, job, period string) (bool, error)
}

// Journal is what the digest and the reminders read, outside any transaction.
type Journal interface {
	Entries(ctx context.Context, municipality string, f monitoring.Filter) ([]monitoring.Entry, error)
	Members(ctx context.Context, municipality string, withRemoved bool) ([]monitoring.Member, error)
	GroupChats(ctx context.Context, municipality string) ([]monitoring.GroupChat, error)
	Requests(ctx context.Context, municipality string, openOnly bool, overdueAt time.Time) ([]monitoring.Request, error)
	MembersReach(ctx context.Context, municipality string, roles ...monitoring.Role) ([]monitoring.Reach, error)
	Dissolution(ctx context.Context, municipality string) (monitoring.Dissolution, error)
	Meetings(ctx context.Context, municipality string) ([]monitoring.Meeting, error)
}

// Pruner deletes the message path's old rows (see Retention).
type Pruner interface {
	Prune(ctx context.Context, municipality string, before time.Time) (inbox, outbox int64, err error)
}

// Campaigns moves bulk sends into the outbox a chunk at a time.
type Campaigns interface {
	FeedCampaigns(ctx context.Context, municipality string, chunk, below int) (int, error)
}

// Store is everything the runner needs of the store.
type Store interface {
	Leases
	Journal
	Pruner
	Campaigns
}

// Run is one run of a job: a period (the date of a digest) or an item (a
// request's reminder), done once.
type Run struct {
	Job, Period string
	// Compute builds the run's replies, outside any transaction, after the
	// run is claimed. Work it does itself must be safe to repeat: a runner
	// that dies after it is replaced and the run computed again.
	Compute func(ctx context.Context) ([]monitoring.OutboxItem, error)
}

// A Job lists its runs due at now; the runner skips those done.
type Job func(ctx context.Context, now time.Time) ([]Run, error)

// Defaults of the runner's timing.
const (
	DefaultLease     = 5 * time.Minute
	DefaultEvery     = 30 * time.Second
	DefaultFeedEvery = 2 * time.Second
)

// Campaign chunks: a campaign's next CampaignChunk recipients are queued
// whenever fewer than CampaignLow of its rows wait in the outbox, so the
// outbox stays short and a reply written meanwhile waits behind at most
// what the channel sends in a moment.
const (
	CampaignChunk = 500
	CampaignLow   = 500
)

// Runner runs the jobs of one municipality.
type Runner struct {
	Store   Store
	Muni    *monitoring.Municipality
	Catalog *catalog.Catalog
	Log     *slog.Logger
	// Now is the store's clock: runs are due, and leases expire, by it.
	Now func() time.Time
	// Holder names this runner in lease rows; unique per process.
	Holder string
	// Lease is how long a claimed run is this runner's before another may
	// take it over (default DefaultLease).
	Lease time.Duration
	// Every is how often due runs are looked for (DefaultEvery), FeedEvery
	// how often campaigns are fed (DefaultFeedEvery).
	Every, FeedEvery time.Duration
	// Retention is how long the handled inbox and the delivered outbox are
	// kept; 0 keeps them for ever.
	Retention time.Duration
	// Posted, when set, is called after replies were written, so senders
	// wake at once.
	Posted func()
}

// New returns a runner with a holder name of its own.
func New(store Store, m *monitoring.Municipality, now func() time.Time, log *slog.Logger) *Runner {
	return &Runner{Store: store, Muni: m, Catalog: catalog.Default(), Log: log, Now: now, Holder: NewHolder()}
}

// NewHolder names a runner: host, process and a random part, so two
// runners in one process (tests) differ too.
func NewHolder() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Jobs are the runner's jobs, in the order they run.
func (r *Runner) Jobs() []Job {
	return []Job{r.Reminders, r.Digest, r.GroupSize, r.Terms, r.Absences, r.Retain}
}

// Run does due runs every Every and feeds campaigns every FeedEvery until
// ctx is done. Failures are logged and tried again on the next round.
func (r *Runner) Run(ctx context.Context) error {
	every, feed := r.Every, r.FeedEvery
	if every <= 0 {
		every = DefaultEvery
	}
	if feed <= 0 {
		feed = DefaultFeedEvery
	}
	jobsTick, feedTick := time.NewTicker(every), time.NewTicker(feed)
	defer jobsTick.Stop()
	defer feedTick.Stop()
	due := func() {
		if err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("jobs: scheduled work failed; will retry", "err", err)
		}
	}
	feedNow := func() {
		if err := r.Feed(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("jobs: feeding campaigns failed; will retry", "err", err)
		}
	}
	due()
	feedNow()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-jobsTick.C:
			due()
		case <-feedTick.C:
			feedNow()
		}
	}
}

// RunDue does every run due at the store's now that is not done yet.
func (r *Runner) RunDue(ctx context.Context) error {
	now := r.Now().UTC()
	var errs []error
	for _, job := range r.Jobs() {
		runs, err := job(ctx, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, run := range runs {
			if err := r.do(ctx, run); err != nil {
				errs = append(errs, fmt.Errorf("%s %s: %w", run.Job, run.Period, err))
			}
		}
	}
	return errors.Join(errs...)
}

// do claims, computes and posts one run.
func (r *Runner) do(ctx context.Context, run Run) error {
	code := r.Muni.Code
	if done, err := r.Store.RunDone(ctx, code, run.Job, run.Period); err != nil || done {
		return err
	}
	lease := r.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	claimed, err := r.Store.ClaimRun(ctx, code, run.Job, run.Period, r.Holder, lease)
	if err != nil || !claimed {
		return err // another runner has it
	}
	out, err := run.Compute(ctx)
	if err != nil {
		return err // the lease stays; this runner (or, once it runs out, another) tries again
	}
	posted, err := r.Store.PostRun(ctx, code, run.Job, run.Period, r.Holder, out)
	if err != nil {
		return err
	}
	if !posted {
		r.Log.Warn("jobs: the run was taken over after this runner's lease ran out; its result is dropped",
			"job", run.Job, "period", run.Period)
		return nil
	}
	r.Log.Info("jobs: run done", "job", run.Job, "period", run.Period, "replies", len(out))
	if len(out) > 0 && r.Posted != nil {
		r.Posted()
	}
	return nil
}

// Feed queues the next chunk of every campaign that is running low.
func (r *Runner) Feed(ctx context.Context) error {
	n, err := r.Store.FeedCampaigns(ctx, r.Muni.Code, CampaignChunk, CampaignLow)
	if err != nil {
		return err
	}
	if n > 0 {
		r.Log.Debug("jobs: campaign rows queued", "rows", n)
		if r.Posted != nil {
			r.Posted()
		}
	}
	return nil
}

// item makes an outbox row of a reply, as the engine does.
func (r *Runner) item(channel, chat string, reply bot.Reply) monitoring.OutboxItem {
	reply.Text = bot.TruncateText(reply.Text, bot.MaxText)
	payload, err := json.Marshal(reply)
	if err != nil {
		panic(fmt.Sprintf("encode reply: %v", err)) // plain structs always encode
	}
	return monitoring.OutboxItem{Municipality: r.Muni.Code, Channel: channel, ChatID: chat, Payload: payload}
}
