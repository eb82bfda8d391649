package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"

	"bmjbt/catalog"
	"bmjbt/metrics"
	"bmjbt/monitoring"
)

// Engine takes updates from the inbox in arrival order and handles each in
// its own savepoint of a batch transaction: the conversation state, the
// journal change and every reply commit together, or not at all. Batching
// many updates into one commit is what lets it keep up with a busy inbox
// without giving up "stored before acknowledged".
type Engine struct {
	Store   Store
	Muni    *monitoring.Municipality
	Catalog *catalog.Catalog
	Log     *slog.Logger
	Metrics *metrics.Metrics // optional

	// Batch is how many updates share one commit (default 100); when the
	// inbox is deeper than that, up to four times as many.
	Batch int
	// Committed, when set, is called after each committed batch so senders
	// wake up at once instead of at their next poll.
	Committed func()

	wake     chan struct{}
	steps    map[string]*step
	commands map[string]memberCommand
}

// NewEngine returns an engine for one municipality.
func NewEngine(db Store, m *monitoring.Municipality, log *slog.Logger) *Engine {
	e := &Engine{Store: db, Muni: m, Catalog: catalog.Default(), Log: log, Batch: 100, wake: make(chan struct{}, 1),
		steps: map[string]*step{}, commands: map[string]memberCommand{}}
	for _, f := range flows() {
		e.register(f)
	}
	return e
}

// Wake tells the engine the inbox has new rows. It never blocks.
func (e *Engine) Wake() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Run handles updates until ctx is done. It checks the inbox when woken and
// every second, so rows stored by another process or before a crash are
// handled too. A database error backs off and retries: nothing is lost.
func (e *Engine) Run(ctx context.Context) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	backoff := 100 * time.Millisecond
	for {
		if _, err := e.Drain(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			e.Log.Error("engine: handling failed; will retry", "err", err, "retry_in", backoff)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 10*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		select {
		case <-ctx.Done():
			return nil
		case <-e.wake:
		case <-tick.C:
		}
	}
}

// Drain handles every pending update and returns how many it handled. When
// ctx ends it stops between batches: a batch in hand is always finished.
func (e *Engine) Drain(ctx context.Context) (int, error) {
	total := 0
	work := context.WithoutCancel(ctx)
	limit, deep := e.batch(), false
	for ctx.Err() == nil {
		// A cheap look first, so an idle engine does not take SQLite's
		// write lock every second; not needed right after a full batch.
		if !deep {
			probe, err := e.Store.PendingInbox(work, e.Muni.Code, 1)
			if err != nil || len(probe) == 0 {
				return total, err
			}
		}
		rows, results, err := e.handleBatch(work, false, limit)
		if errors.Is(err, errUpdateFailed) {
			// Some update failed: do the batch again, each update in its
			// own savepoint, so only the failing one is set aside.
			rows, results, err = e.handleBatch(work, true, limit)
		}
		if err != nil {
			return total, err
		}
		// A deep inbox is taken in larger batches, up to four times the
		// usual: each batch has its fixed statements and its commit.
		if deep = len(rows) == limit; deep {
			limit = min(2*limit, 4*e.batch())
		} else {
			limit = e.batch()
		}
		now := time.Now()
		for i, row := range rows {
			if results[i] == "retry" {
				continue
			}
			total++
			if e.Metrics != nil {
				e.Metrics.Handled.WithLabelValues(row.Channel, results[i]).Inc()
				e.Metrics.Latency.WithLabelValues(row.Channel).Observe(now.Sub(row.ReceivedAt).Seconds())
				if results[i] == "failed" {
					e.Metrics.SetAside.WithLabelValues(row.Channel, "handling").Inc()
				}
			}
		}
		if e.Committed != nil {
			e.Committed()
		}
	}
	return total, nil
}

func (e *Engine) batch() int {
	if e.Batch <= 0 {
		return 100
	}
	return e.Batch
}

// errUpdateFailed says one update of a batch failed on its own.
var errUpdateFailed = errors.New("an update failed")

// errPermanent marks failures that handling again cannot cure: an update
// we cannot read, a panic.
var errPermanent = errors.New("cannot be handled")

// retries is how many times an update that failed for a passing reason
// (a busy database, a race with the file fetcher) is tried before it is
// set aside.
const retries = 3

// batch is what a batch of updates shares until its commit: the replies to
// write in one go, and (on the fast path) residents and conversations read
// once and written once however many updates touch them.
type batch struct {
	careful   bool // each update in a savepoint, nothing cached across updates
	out       []monitoring.OutboxItem
	residents map[string]monitoring.Resident
	convs     map[monitoring.ConversationKey]*State

	// On the fast path, what the batch read ahead for all its updates in
	// one statement each (on PostgreSQL every statement is a round trip):
	// the senders on record (by channel and user; a nil entry is a user
	// not on record) and the saved conversations as stored (present with
	// nil when there is none), which also tell an unchanged state, not
	// written again.
	known map[string]*monitoring.Resident
	raw   map[monitoring.ConversationKey][]byte
	// groups are the group's chats, read once per batch on the fast path.
	groups     []monitoring.GroupChat
	groupsRead bool
}

// forget drops what the batch read ahead of a user, whose row a turn
// changed behind it: the next turn reads it again.
func (b *batch) forget(channel, userRef string) {
	delete(b.known, channel+"|"+userRef)
}

func newBatch(careful bool) *batch {
	return &batch{careful: careful, residents: map[string]monitoring.Resident{}, convs: map[monitoring.ConversationKey]*State{},
		known: map[string]*monitoring.Resident{}, raw: map[monitoring.ConversationKey][]byte{}}
}

// readAhead reads, for the updates of a fast batch, the residents and
// conversations their turns will load, in one statement each instead of
// two per chat.
func (e *Engine) readAhead(ctx context.Context, tx Tx, b *batch, ups []*Update) error {
	var keys []monitoring.ConversationKey
	seen := map[monitoring.ConversationKey]bool{}
	for _, u := range ups {
		if u == nil || u.ChatKind != Private || u.Anonymous || u.UserID == "" || u.ChatID == "" ||
			u.Kind == KindSystem || u.Kind == KindAlert || u.Kind == KindMoved {
			continue
		}
		k := monitoring.ConversationKey{Municipality: e.Muni.Code, Channel: string(u.Channel), ChatID: u.ChatID, UserRef: u.UserID}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	rs, err := tx.ResidentsOf(ctx, keys)
	if err != nil {
		return err
	}
	for _, k := range keys {
		b.known[k.Channel+"|"+k.UserRef] = nil
	}
	for i := range rs {
		b.known[string(rs[i].Channel)+"|"+rs[i].UserRef] = &rs[i]
	}
	states, err := tx.ConversationsOf(ctx, keys)
	if err != nil {
		return err
	}
	for _, k := range keys {
		b.raw[k] = states[k] // nil: none saved
	}
	return nil
}

// handleBatch takes pending updates and handles them in one transaction.
// On the fast path an update that fails aborts the batch with
// errUpdateFailed. Careful handles each update in a savepoint: a failing
// one is set aside (with an apology, and the error kept for the operator)
// when it cannot succeed, or left for a later try, with the rest of its
// chat after it so the chat's order holds; other chats go on.
func (e *Engine) handleBatch(ctx context.Context, careful bool, limit int) ([]monitoring.InboxRow, []string, error) {
	var rows []monitoring.InboxRow
	var results []string
	err := e.Store.Update(ctx, func(tx Tx) error {
		var err error
		if rows, err = tx.TakeInbox(ctx, e.Muni.Code, limit); err != nil {
			return err
		}
		results = make([]string, len(rows))
		b := newBatch(careful)
		// Each payload read once; nil for one that cannot be read, which
		// handleRow reports.
		ups := make([]*Update, len(rows))
		for i, row := range rows {
			var u Update
			if json.Unmarshal(row.Payload, &u) == nil {
				ups[i] = &u
			}
		}
		if !careful {
			if err := e.readAhead(ctx, tx, b, ups); err != nil {
				return err
			}
		}
		handled := make([]int64, 0, len(rows))
		held := map[string]bool{} // chats whose next update waits for a retry
		for i, row := range rows {
			if !careful {
				if err := e.handleRow(ctx, tx, b, row, ups[i]); err != nil {
					e.Log.Warn("engine: an update failed; redoing its batch carefully", "inbox_id", row.ID, "err", err)
					return errUpdateFailed
				}
				handled = append(handled, row.ID)
				results[i] = "ok"
				continue
			}
			chat := row.Channel + "|" + row.ChatID
			if held[chat] {
				results[i] = "retry"
				continue
			}
			// The replies as they stand: a failed update's own go, and those
			// it withdrew from earlier updates come back.
			saved := slices.Clone(b.out)
			herr := tx.Savepoint(ctx, func() error { return e.handleRow(ctx, tx, b, row, ups[i]) })
			if herr == nil {
				handled = append(handled, row.ID)
				results[i] = "ok"
				continue
			}
			b.out = saved
			if !permanent(herr) && row.Attempts+1 < retries {
				held[chat], results[i] = true, "retry"
				e.Log.Warn("engine: an update failed; will try it again", "inbox_id", row.ID, "attempt", row.Attempts+1, "err", herr)
				if err := tx.RetryLater(ctx, row.ID, truncateBytes(herr.Error(), 2000)); err != nil {
					return err
				}
				continue
			}
			results[i] = "failed"
			if err := e.setAside(ctx, tx, b, row, herr); err != nil {
				return err // the transaction itself is broken: retry the batch later
			}
		}
		if err := e.flush(ctx, tx, b); err != nil {
			return err
		}
		return tx.MarkAllHandled(ctx, handled)
	})
	return rows, results, err
}

func permanent(err error) bool {
	var merr *monitoring.Error
	return errors.Is(err, errPermanent) || errors.As(err, &merr)
}

// handleRow handles one update, turning a panic into an error. decoded is
// the row's payload read already (nil when it could not be); a turn may
// change its update, so the careful try of a batch gets a fresh copy.
func (e *Engine) handleRow(ctx context.Context, tx Tx, b *batch, row monitoring.InboxRow, decoded *Update) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: panic: %v\n%s", errPermanent, r, debug.Stack())
		}
	}()
	var u Update
	if decoded == nil || b.careful {
		if err := json.Unmarshal(row.Payload, &u); err != nil {
			return fmt.Errorf("%w: decode update: %v", errPermanent, err)
		}
	} else {
		u = *decoded
	}
	return e.handle(ctx, tx, b, &u)
}

// setAside closes a failed update with the error kept, and apologises.
func (e *Engine) setAside(ctx context.Context, tx Tx, b *batch, row monitoring.InboxRow, herr error) error {
	e.Log.Error("engine: update failed; closing it with an apology", "inbox_id", row.ID, "channel", row.Channel, "err", herr)
	return tx.Savepoint(ctx, func() error {
		var u Update
		if json.Unmarshal(row.Payload, &u) == nil && u.ChatKind == Private && u.ChatID != "" && u.UserID != "" {
			lang := monitoring.DefaultLang
			if r, err := tx.Resident(ctx, e.Muni.Code, u.Channel, u.UserID, u.ChatID); err == nil && r.Lang != "" {
				lang = r.Lang
			}
			e.enqueue(b, &u, Reply{Lang: lang, Text: e.Catalog.T(lang, "error.internal", nil)}, "")
		}
		return tx.MarkHandled(ctx, row.ID, truncateBytes(herr.Error(), 2000))
	})
}

// flush writes what the batch kept in memory: conversations (in one
// statement, leaving out those that did not change), then replies.
func (e *Engine) flush(ctx context.Context, tx Tx, b *batch) error {
	keys := make([]monitoring.ConversationKey, 0, len(b.convs))
	states := make([][]byte, 0, len(b.convs))
	for k, st := range b.convs {
		raw, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("encode state: %w", err)
		}
		if old, ok := b.raw[k]; ok && old != nil && bytes.Equal(old, raw) {
			continue
		}
		keys, states = append(keys, k), append(states, raw)
	}
	if err := tx.SaveConversations(ctx, keys, states); err != nil {
		return err
	}
	out := b.out[:0:0]
	for _, it := range b.out {
		if it.Channel != "" { // a withdrawn reply leaves an empty place
			out = append(out, it)
		}
	}
	return tx.EnqueueAll(ctx, out)
}

// enqueue adds a reply to u's chat to the batch's outbox rows. collapse,
// when set, lets a newer reply with the same key replace this one while it
// is still unsent.
func (e *Engine) enqueue(b *batch, u *Update, r Reply, collapse string) {
	b.out = append(b.out, e.outboxItem(string(u.Channel), u.ChatID, r, collapse, time.Time{}))
}

func (e *Engine) outboxItem(channel, chat string, r Reply, collapse string, notBefore time.Time) monitoring.OutboxItem {
	r.Text = TruncateText(r.Text, MaxText)
	payload, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("encode reply: %v", err)) // plain structs always encode
	}
	return monitoring.OutboxItem{Municipality: e.Muni.Code, Channel: channel, ChatID: chat, Payload: payload, CollapseKey: collapse, NotBefore: notBefore}
}

func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
