package bot

import (
	"bmjbt/monitoring"

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
)

// Health is what /healthz shows of a channel.
type Health struct {
	Connected bool      `json:"connected"`
	Mode      string    `json:"mode"` // polling, webhook, terminal…
	Error     string    `json:"error,omitempty"`
	Since     time.Time `json:"since,omitzero"`
}

// Transport delivers one reply over a channel. key is the reply's outbox
// row, the same on every attempt, so a channel that takes message ids
// (WhatsApp) can make a retry the same message. Its error, when it is a
// *SendError, says whether and when to try again.
type Transport interface {
	Deliver(ctx context.Context, key OutboxKey, chatID string, r Reply) (ref string, err error)
}

// OutboxKey names one reply for good: its row id, and when the row was
// written, which tells apart the rows that reuse ids after the database
// is reset or restored from a backup.
type OutboxKey struct {
	ID      int64
	Created time.Time
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
// Each chat's replies go out in order, one in flight at a time; chats do
// not wait for each other, so one slow request holds up only its own chat.
// Replies are marked sent after delivery, in small batches; a crash between
// delivery and marking may repeat a message, never lose one.
type Sender struct {
	DB        Outbox
	Muni      string
	Channel   string
	Transport Transport
	Limits    Limits
	Log       *slog.Logger
	Metrics   *metrics.Metrics

	wake    chan struct{}
	results chan result
	global  *rate.Limiter

	// Only the sending loop touches these: due rows by chat in order, the
	// chats in the order to serve them (interactive replies before bulk
	// ones, as the outbox returns them), the chats with a delivery in
	// flight, and rows delivered (or in flight) but not yet recorded, which
	// a refill must not queue again.
	queues    map[string][]monitoring.OutboxRow
	order     []string
	inflight  map[string]bool
	taken     map[int64]bool
	lastFill  time.Time
	refillNow bool
	// unrecorded are deliveries whose recording failed: recorded again
	// later, never sent again.
	unrecorded []monitoring.Delivery

	mu          sync.Mutex
	chats       map[string]*chatPace
	pausedUntil time.Time // the channel asked everyone to wait
	recent429   map[string]time.Time
}

type chatPace struct {
	lim       *rate.Limiter
	until     time.Time // a 429 for this chat
	lastTouch time.Time
}

type result struct {
	chat string
	d    monitoring.Delivery
}

// NewSender returns a sender for one channel.
func NewSender(db Outbox, muni, channel string, t Transport, l Limits, log *slog.Logger) *Sender {
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
		wake: make(chan struct{}, 1), results: make(chan result, 256), global: rate.NewLimiter(l.Global, l.GlobalBurst),
		chats: map[string]*chatPace{}, inflight: map[string]bool{}, recent429: map[string]time.Time{},
		queues: map[string][]monitoring.OutboxRow{}, taken: map[int64]bool{}, refillNow: true}
}

// Wake tells the sender the outbox has new rows. It never blocks.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends until stop is done. Deliveries in flight then finish (or end
// with hard) and are recorded, so a reply Telegram accepted is not sent
// again by the next start.
func (s *Sender) Run(stop, hard context.Context) error {
	for {
		next, _, err := s.dispatch(hard)
		if err != nil && hard.Err() == nil {
			s.Log.Error("sender: reading the outbox failed; will retry", "channel", s.Channel, "err", err)
			next = time.Second
		}
		if err := s.collect(hard, next, stop.Done()); err != nil && hard.Err() == nil {
			s.Log.Error("sender: recording deliveries failed; will retry", "channel", s.Channel, "err", err)
		}
		if stop.Err() != nil {
			return s.settle(hard)
		}
	}
}

// Flush delivers whatever is due, waiting for the pace, until nothing is
// left to send now or ctx ends. Shutdown uses it: what the limits allow
// goes out; what does not waits in the outbox for the next start.
func (s *Sender) Flush(ctx context.Context) error {
	s.lastFill = time.Time{} // read the outbox afresh
	for ctx.Err() == nil {
		next, pending, err := s.dispatch(ctx)
		if err != nil {
			return err
		}
		if !pending && len(s.inflight) == 0 {
			return nil
		}
		if err := s.collect(ctx, next, nil); err != nil {
			return err
		}
	}
	return s.settle(context.WithoutCancel(ctx))
}

// settle waits for deliveries in flight and records them.
func (s *Sender) settle(ctx context.Context) error {
	for len(s.inflight) > 0 {
		if err := s.collect(ctx, time.Second, nil); err != nil {
			return err
		}
	}
	return nil
}

// The queues are read again when they run dry, when new replies were
// committed (but not more often than wakeRefill, so a busy engine does not
// keepContent the database reading for the sender), and at least every maxStale.
const (
	wakeRefill = 200 * time.Millisecond
	dryRefill  = 20 * time.Millisecond
	maxStale   = 2 * time.Second
)

func (s *Sender) needRefill() bool {
	since := time.Since(s.lastFill)
	return s.refillNow && since > wakeRefill || len(s.queues) == 0 && since > dryRefill || since > maxStale
}

// refill reads the due rows into per-chat queues, in order, and the chats
// in the order the outbox gave their first rows: a chat with an
// interactive reply comes before the chats of a campaign.
func (s *Sender) refill(ctx context.Context) error {
	rows, err := s.DB.DueOutbox(ctx, s.Muni, s.Channel, 500)
	if err != nil {
		return err
	}
	s.queues = map[string][]monitoring.OutboxRow{}
	s.order = s.order[:0]
	for _, row := range rows {
		if s.taken[row.ID] {
			continue
		}
		if _, ok := s.queues[row.ChatID]; !ok {
			s.order = append(s.order, row.ChatID)
		}
		s.queues[row.ChatID] = append(s.queues[row.ChatID], row)
	}
	s.lastFill, s.refillNow = time.Now(), false
	return nil
}

// dispatch starts delivering the next reply of every chat that may send
// now. It says how long until another may, and whether anything waits.
func (s *Sender) dispatch(ctx context.Context) (next time.Duration, pending bool, err error) {
	if s.needRefill() {
		if err := s.refill(ctx); err != nil {
			return time.Second, false, err
		}
	}
	next = time.Second
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if wait := s.pausedUntil.Sub(now); wait > 0 {
		return wait, len(s.queues) > 0, nil
	}
	// Chats in order, so the first to go when the channel's pace allows
	// only some are the ones with interactive replies.
	live := s.order[:0]
	for _, chat := range s.order {
		if len(s.queues[chat]) == 0 {
			delete(s.queues, chat)
			continue
		}
		live = append(live, chat)
	}
	s.order = live
	for _, chat := range s.order {
		q := s.queues[chat]
		pending = true
		if s.inflight[chat] {
			continue
		}
		row := q[0]
		var r Reply
		if err := json.Unmarshal(row.Payload, &r); err != nil {
			s.start(chat, row)
			d := monitoring.Delivery{ID: row.ID, Status: monitoring.OutboxFailed, Error: "unreadable reply: " + err.Error()}
			go func() { s.results <- result{chat: chat, d: d} }()
			continue
		}
		c := s.chat(chat, now)
		if d := c.until.Sub(now); d > 0 {
			next = min(next, d)
			continue
		}
		if len(s.inflight) >= s.Limits.Workers {
			next = min(next, 10*time.Millisecond)
			break
		}
		// A button's acknowledgement is not a chat message; it does not
		// count against the chat's pace.
		var res *rate.Reservation
		if r.CallbackID == "" {
			res = c.lim.ReserveN(now, 1)
			if d := res.DelayFrom(now); d > 0 {
				res.CancelAt(now)
				next = min(next, d)
				continue
			}
		}
		if !s.global.Allow() {
			// The chat did not send: it keeps its turn, so the chats first
			// in line are not slowed by rounds the channel's pace refused.
			if res != nil {
				res.CancelAt(now)
			}
			next = min(next, max(time.Millisecond, time.Duration(float64(time.Second)/float64(s.global.Limit()))))
			break
		}
		s.start(chat, row)
		go func() { s.results <- result{chat: chat, d: s.deliver(ctx, row, r)} }()
	}
	if s.refillNow { // new replies wait for the next read of the outbox
		next = min(next, wakeRefill-time.Since(s.lastFill))
	}
	return max(next, time.Millisecond), pending, nil
}

// start takes a chat's next row off its queue as in flight.
func (s *Sender) start(chat string, row monitoring.OutboxRow) {
	s.queues[chat] = s.queues[chat][1:]
	s.inflight[chat], s.taken[row.ID] = true, true
}

// collect waits up to wait for deliveries to finish (or a wake-up, or stop)
// and records what finished, in one transaction.
func (s *Sender) collect(ctx context.Context, wait time.Duration, stop <-chan struct{}) error {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var done []result
	select {
	case r := <-s.results:
		done = append(done, r)
	case <-s.wake:
		s.refillNow = true
	case <-timer.C:
	case <-stop:
	}
	for more := true; more; { // whatever else finished meanwhile
		select {
		case r := <-s.results:
			done = append(done, r)
		default:
			more = false
		}
	}
	if len(done) == 0 && len(s.unrecorded) == 0 {
		return nil
	}
	ds := append(make([]monitoring.Delivery, 0, len(done)+len(s.unrecorded)), s.unrecorded...)
	s.unrecorded = nil
	for _, r := range done {
		delete(s.inflight, r.chat)
		if r.d.Status != monitoring.OutboxSent {
			// Its chat's later replies wait for the retry (or, after a
			// refusal, are read again in order).
			delete(s.queues, r.chat)
			s.refillNow = true
		}
		if r.d.ID != 0 {
			ds = append(ds, r.d)
		}
	}
	// Record with a context of its own: what was delivered must be marked
	// even when shutdown has begun.
	recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.DB.RecordDeliveries(recCtx, ds); err != nil {
		s.unrecorded = ds
		return err
	}
	for _, d := range ds {
		delete(s.taken, d.ID)
	}
	return nil
}

// deliver sends one reply and says what to record.
func (s *Sender) deliver(ctx context.Context, row monitoring.OutboxRow, r Reply) monitoring.Delivery {
	card, was := r.EditOutboxID, ""
	if card != 0 {
		// An edit of a card: find the message it became. If it never went
		// out, say it anew rather than lose it.
		ref, err := s.DB.MessageRef(ctx, card)
		if err != nil {
			return monitoring.Delivery{ID: row.ID, Status: monitoring.OutboxPending, RetryAt: s.DB.Now().Add(backoff(row.Attempts)), Error: err.Error()}
		}
		r.EditMessageID, r.EditOutboxID, was = ref, 0, ref
	}
	ref, err := s.send(ctx, row, r)
	if err == nil && card != 0 && ref != was && ref != "" {
		// The card went out anew (its message was gone): later edits
		// follow the new one instead of posting a card each time.
		if err := s.DB.MoveMessageRef(ctx, card, ref); err != nil {
			s.Log.Warn("sender: could not record a card's new message", "channel", s.Channel, "outbox_id", card, "err", err)
		}
	}
	if err == nil {
		if s.Metrics != nil {
			s.Metrics.Sent.WithLabelValues(s.Channel).Inc()
		}
		return monitoring.Delivery{ID: row.ID, Status: monitoring.OutboxSent, MessageRef: ref}
	}
	if ctx.Err() != nil {
		return monitoring.Delivery{} // the hard stop: the row stays pending, untouched
	}
	var se *SendError
	if !errors.As(err, &se) {
		se = &SendError{Kind: NetworkErr, Err: err}
	}
	if s.Metrics != nil {
		s.Metrics.SendErrors.WithLabelValues(s.Channel, se.Kind).Inc()
	}
	d := monitoring.Delivery{ID: row.ID, Error: truncateBytes(se.Error(), 500)}
	switch {
	case se.Kind == Rejected:
		d.Status = monitoring.OutboxFailed
		s.Log.Warn("sender: reply refused for good", "channel", s.Channel, "outbox_id", row.ID, "err", se.Err)
	case row.Attempts+1 >= s.Limits.MaxAttempts:
		d.Status = monitoring.OutboxFailed
		s.Log.Error("sender: giving up on a reply after many attempts", "channel", s.Channel, "outbox_id", row.ID, "attempts", row.Attempts+1, "err", se.Err)
	case se.Kind == RateLimited:
		// Retry times are on the store's clock, which decides what is due;
		// the pace in memory is on the wall clock.
		d.Status, d.RetryAt = monitoring.OutboxPending, s.DB.Now().Add(se.RetryAfter)
		s.rateLimited(row.ChatID, time.Now().Add(se.RetryAfter))
	default:
		d.Status, d.RetryAt = monitoring.OutboxPending, s.DB.Now().Add(backoff(row.Attempts))
		s.Log.Warn("sender: delivery failed; will retry", "channel", s.Channel, "outbox_id", row.ID, "kind", se.Kind, "retry_at", d.RetryAt)
	}
	return d
}

// send hands a reply to the channel. A panic there (a reply the adapter
// cannot build) refuses that reply for good: left pending, it would stop
// serve again at every start.
func (s *Sender) send(ctx context.Context, row monitoring.OutboxRow, r Reply) (ref string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &SendError{Kind: Rejected, Err: fmt.Errorf("panic while sending: %v", p)}
		}
	}()
	return s.Transport.Deliver(ctx, OutboxKey{ID: row.ID, Created: row.CreatedAt}, row.ChatID, r)
}

// rateLimited holds a chat back until the channel allows it again, and all
// chats when several were told to wait at about the same time: that is the
// channel's overall limit, not one chat's.
func (s *Sender) rateLimited(chat string, until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.chat(chat, now).until = until
	s.recent429[chat] = now
	n := 0
	for c, at := range s.recent429 {
		if now.Sub(at) > 2*time.Second {
			delete(s.recent429, c)
			continue
		}
		n++
	}
	if n >= 2 && until.After(s.pausedUntil) {
		s.pausedUntil = until
		s.Log.Warn("sender: the channel asked several chats to wait; pausing all sending", "channel", s.Channel, "until", until)
	}
}

// chat returns a chat's pace, creating it; idle chats are forgotten so the
// map does not grow without bound. Callers hold s.mu.
func (s *Sender) chat(id string, now time.Time) *chatPace {
	c, ok := s.chats[id]
	if ok && s.Limits.PerChat != nil {
		// A chat's pace may change (on WhatsApp, once someone writes).
		if limit, burst := s.Limits.PerChat(id); limit != c.lim.Limit() || burst != c.lim.Burst() {
			c.lim.SetLimitAt(now, limit)
			c.lim.SetBurstAt(now, burst)
		}
	}
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
