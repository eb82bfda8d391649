package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"bmjbt/metrics"
	"bmjbt/storage"
)

// Health is what /healthz shows of a channel.
type Health struct {
	Connected bool      `json:"connected"`
	Mode      string    `json:"mode"` // polling, webhook, terminal…
	Error     string    `json:"error,omitempty"`
	Since     time.Time `json:"since,omitzero"`
}

// Transport delivers one reply over a channel. Its error, when it is a
// *SendError, says whether and when to try again.
type Transport interface {
	Deliver(ctx context.Context, chatID string, r Reply) (ref string, err error)
}

// Kinds of send failure, as counted in metrics.
const (
	RateLimited = "rate_limited" // the channel asked us to wait (429)
	ServerError = "server"       // the channel failed (5xx): retry with backoff
	NetworkErr  = "network"      // no answer: retry with backoff
	Rejected    = "rejected"     // refused for good (400, 403): give up and record why
)

// SendError classifies a failed delivery.
type SendError struct {
	Kind       string
	RetryAfter time.Duration // for RateLimited
	Err        error
}

func (e *SendError) Error() string { return fmt.Sprintf("%s: %v", e.Kind, e.Err) }
func (e *SendError) Unwrap() error { return e.Err }

// Limits are a channel's pace.
type Limits struct {
	Global      rate.Limit // messages per second over all chats
	GlobalBurst int
	// PerChat gives a chat's pace; isGroup is true for group chats.
	PerChat func(chatID string) (rate.Limit, int)
	// Workers is how many deliveries run at once.
	Workers int
	// MaxAttempts before a failing reply is given up (default 50, about 4 h of backoff).
	MaxAttempts int
}

// Sender drains one channel's outbox for one municipality under its limits.
// Replies are marked sent after delivery, in batches; a crash between
// delivery and marking may repeat a message, never lose one.
type Sender struct {
	DB        *storage.DB
	Muni      string
	Channel   string
	Transport Transport
	Limits    Limits
	Log       *slog.Logger
	Metrics   *metrics.Metrics

	wake   chan struct{}
	global *rate.Limiter

	mu          sync.Mutex
	chats       map[string]*chatPace
	pausedUntil time.Time // Telegram asked everyone to wait
}

type chatPace struct {
	lim       *rate.Limiter
	until     time.Time // a 429 for this chat
	lastTouch time.Time
}

// NewSender returns a sender for one channel.
func NewSender(db *storage.DB, muni, channel string, t Transport, l Limits, log *slog.Logger) *Sender {
	if l.Workers <= 0 {
		l.Workers = 8
	}
	if l.MaxAttempts <= 0 {
		l.MaxAttempts = 50
	}
	if l.GlobalBurst <= 0 {
		l.GlobalBurst = 1
	}
	return &Sender{DB: db, Muni: muni, Channel: channel, Transport: t, Limits: l, Log: log,
		wake: make(chan struct{}, 1), global: rate.NewLimiter(l.Global, l.GlobalBurst), chats: map[string]*chatPace{}}
}

// Wake tells the sender the outbox has new rows. It never blocks.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx is done.
func (s *Sender) Run(ctx context.Context) error {
	for {
		next, err := s.round(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.Log.Error("sender: outbox round failed; will retry", "channel", s.Channel, "err", err)
			next = time.Second
		}
		if next == 0 {
			continue // more is due right now
		}
		timer := time.NewTimer(next)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-s.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// Flush sends whatever is due until nothing is, or ctx ends. Shutdown uses
// it to deliver what the limits allow before exiting.
func (s *Sender) Flush(ctx context.Context) error {
	for ctx.Err() == nil {
		next, err := s.round(ctx)
		if err != nil {
			return err
		}
		if next != 0 {
			return nil
		}
	}
	return nil
}

// round delivers the head reply of every chat that may send now, and says
// how long to wait before the next round (0: go again at once).
func (s *Sender) round(ctx context.Context) (time.Duration, error) {
	rows, err := s.DB.DueOutbox(ctx, s.Muni, s.Channel, 256)
	if err != nil {
		return 0, err
	}
	idle := time.Second
	if len(rows) == 0 {
		return idle, nil
	}
	now := time.Now()
	s.mu.Lock()
	if wait := s.pausedUntil.Sub(now); wait > 0 {
		s.mu.Unlock()
		return wait, nil
	}
	var ready []storage.OutboxRow
	var replies []Reply
	wait := idle
	for _, row := range rows {
		var r Reply
		if err := json.Unmarshal(row.Payload, &r); err != nil {
			s.mu.Unlock()
			return 0, s.DB.RecordDeliveries(ctx, []storage.Delivery{{ID: row.ID, Status: storage.OutboxFailed, Error: "unreadable reply: " + err.Error()}})
		}
		if r.EditOutboxID != 0 {
			// An edit of a card: find the message it became. If it never
			// went out, say it anew rather than lose it.
			ref, err := s.DB.MessageRef(ctx, r.EditOutboxID)
			if err != nil {
				s.mu.Unlock()
				return 0, err
			}
			r.EditMessageID, r.EditOutboxID = ref, 0
		}
		c := s.chat(row.ChatID, now)
		if d := c.until.Sub(now); d > 0 {
			wait = min(wait, d)
			continue
		}
		// A button's acknowledgement is not a chat message; it does not
		// count against the chat's pace.
		if r.CallbackID == "" {
			res := c.lim.ReserveN(now, 1)
			if d := res.DelayFrom(now); d > 0 {
				res.CancelAt(now)
				wait = min(wait, d)
				continue
			}
		}
		ready = append(ready, row)
		replies = append(replies, r)
	}
	s.mu.Unlock()
	if len(ready) == 0 {
		return max(wait, 10*time.Millisecond), nil
	}

	results := make([]storage.Delivery, len(ready))
	kinds := make([]string, len(ready))
	sem := make(chan struct{}, s.Limits.Workers)
	var wg sync.WaitGroup
	for i, row := range ready {
		if err := s.global.Wait(ctx); err != nil {
			results = results[:i]
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i], kinds[i] = s.deliver(ctx, row, replies[i])
		})
	}
	wg.Wait()
	s.noteRateLimits(results, kinds, ready)
	// Record with a fresh context: what was delivered must be marked even
	// when shutdown has begun.
	recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var done []storage.Delivery
	for _, d := range results {
		if d.ID != 0 {
			done = append(done, d)
		}
	}
	if err := s.DB.RecordDeliveries(recCtx, done); err != nil {
		return 0, err
	}
	return 0, nil
}

// deliver sends one reply and says what to record, and the failure kind.
func (s *Sender) deliver(ctx context.Context, row storage.OutboxRow, r Reply) (storage.Delivery, string) {
	ref, err := s.Transport.Deliver(ctx, row.ChatID, r)
	if err == nil {
		if s.Metrics != nil {
			s.Metrics.Sent.WithLabelValues(s.Channel).Inc()
		}
		return storage.Delivery{ID: row.ID, Status: storage.OutboxSent, MessageRef: ref}, ""
	}
	if ctx.Err() != nil {
		return storage.Delivery{}, "" // shutting down: the row stays pending, untouched
	}
	var se *SendError
	if !errors.As(err, &se) {
		se = &SendError{Kind: NetworkErr, Err: err}
	}
	if s.Metrics != nil {
		s.Metrics.SendErrors.WithLabelValues(s.Channel, se.Kind).Inc()
	}
	d := storage.Delivery{ID: row.ID, Error: truncateBytes(se.Error(), 500)}
	switch {
	case se.Kind == Rejected:
		d.Status = storage.OutboxFailed
		s.Log.Warn("sender: reply refused for good", "channel", s.Channel, "outbox_id", row.ID, "err", se.Err)
	case row.Attempts+1 >= s.Limits.MaxAttempts:
		d.Status = storage.OutboxFailed
		s.Log.Error("sender: giving up on a reply after many attempts", "channel", s.Channel, "outbox_id", row.ID, "attempts", row.Attempts+1, "err", se.Err)
	case se.Kind == RateLimited:
		d.Status, d.RetryAt = storage.OutboxPending, time.Now().Add(se.RetryAfter)
		s.mu.Lock()
		s.chat(row.ChatID, time.Now()).until = d.RetryAt
		s.mu.Unlock()
	default:
		d.Status, d.RetryAt = storage.OutboxPending, time.Now().Add(backoff(row.Attempts))
		s.Log.Warn("sender: delivery failed; will retry", "channel", s.Channel, "outbox_id", row.ID, "kind", se.Kind, "retry_at", d.RetryAt)
	}
	return d, se.Kind
}

// noteRateLimits pauses all sending when several chats were told to wait
// in the same round: that is the channel's overall limit, not one chat's.
func (s *Sender) noteRateLimits(results []storage.Delivery, kinds []string, rows []storage.OutboxRow) {
	chats := map[string]bool{}
	var until time.Time
	for i, d := range results {
		if kinds[i] == RateLimited && d.Status == storage.OutboxPending {
			chats[rows[i].ChatID] = true
			if d.RetryAt.After(until) {
				until = d.RetryAt
			}
		}
	}
	if len(chats) >= 2 {
		s.mu.Lock()
		s.pausedUntil = until
		s.mu.Unlock()
		s.Log.Warn("sender: the channel asked to slow down; pausing all sending", "channel", s.Channel, "until", until)
	}
}

// chat returns a chat's pace, creating it; idle chats are forgotten so the
// map does not grow without bound. Callers hold s.mu.
func (s *Sender) chat(id string, now time.Time) *chatPace {
	c, ok := s.chats[id]
	if !ok {
		if len(s.chats) > 10000 {
			for k, v := range s.chats {
				if now.Sub(v.lastTouch) > time.Minute && now.After(v.until) {
					delete(s.chats, k)
				}
			}
		}
		limit, burst := rate.Inf, 1
		if s.Limits.PerChat != nil {
			limit, burst = s.Limits.PerChat(id)
		}
		c = &chatPace{lim: rate.NewLimiter(limit, burst)}
		s.chats[id] = c
	}
	c.lastTouch = now
	return c
}

// backoff grows from 1 s to 5 min with jitter, so many failed replies do
// not all retry at the same moment.
func backoff(attempts int) time.Duration {
	d := time.Second << min(attempts, 9)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}
