package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"bmjbt/catalog"
	"bmjbt/metrics"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

// Engine takes updates from the inbox in arrival order and handles each in
// its own savepoint of a batch transaction: the conversation state, the
// journal change and every reply commit together, or not at all. Batching
// many updates into one commit is what lets it keep up with a busy inbox
// without giving up "stored before acknowledged".
type Engine struct {
	DB      *storage.DB
	Muni    *monitoring.Municipality
	Catalog *catalog.Catalog
	Log     *slog.Logger
	Metrics *metrics.Metrics // optional

	// Batch is how many updates share one commit (default 100).
	Batch int
	// Committed, when set, is called after each committed batch so senders
	// wake up at once instead of at their next poll.
	Committed func()

	wake chan struct{}
}

// NewEngine returns an engine for one municipality.
func NewEngine(db *storage.DB, m *monitoring.Municipality, log *slog.Logger) *Engine {
	return &Engine{DB: db, Muni: m, Catalog: catalog.Default(), Log: log, Batch: 100, wake: make(chan struct{}, 1)}
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
	for ctx.Err() == nil {
		rows, err := e.DB.PendingInbox(work, e.Muni.Code, e.batch())
		if err != nil {
			return total, err
		}
		if len(rows) == 0 {
			return total, nil
		}
		results := make([]string, len(rows))
		err = e.DB.InTx(work, func(tx *storage.Tx) error {
			for i, row := range rows {
				res, err := e.handleRow(work, tx, row)
				if err != nil {
					return err
				}
				results[i] = res
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(rows)
		now := time.Now()
		for i, row := range rows {
			if e.Metrics != nil {
				e.Metrics.Handled.WithLabelValues(row.Channel, results[i]).Inc()
				e.Metrics.Latency.WithLabelValues(row.Channel).Observe(now.Sub(row.ReceivedAt).Seconds())
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

// handleRow handles one inbox row in a savepoint. If handling fails, its
// changes are undone, the resident gets an apology, and the row is closed
// with the error kept for the operator: a bad update never blocks the rest.
// Only a database failure of the batch itself is returned.
func (e *Engine) handleRow(ctx context.Context, tx *storage.Tx, row storage.InboxRow) (string, error) {
	var u Update
	herr := tx.Savepoint(ctx, func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		if err := json.Unmarshal(row.Payload, &u); err != nil {
			return fmt.Errorf("decode update: %w", err)
		}
		if err := e.handle(ctx, tx, &u); err != nil {
			return err
		}
		return tx.MarkHandled(ctx, row.ID, "")
	})
	if herr == nil {
		return "ok", nil
	}
	e.Log.Error("engine: update failed; closing it with an apology", "inbox_id", row.ID, "channel", row.Channel, "err", herr)
	err := tx.Savepoint(ctx, func() error {
		if u.ChatKind == Private && u.ChatID != "" {
			lang := monitoring.DefaultLang
			if r, err := tx.Resident(ctx, e.Muni.Code, u.Channel, u.UserID, u.ChatID); err == nil && r.Lang != "" {
				lang = r.Lang
			}
			reply := Reply{Lang: lang, Text: e.Catalog.T(lang, "error.internal", nil)}
			if err := e.enqueue(ctx, tx, &u, reply, ""); err != nil {
				return err
			}
		}
		return tx.MarkHandled(ctx, row.ID, truncateBytes(herr.Error(), 2000))
	})
	// If even closing the row fails, the transaction itself is broken:
	// the batch is retried later and nothing is lost.
	return "failed", err
}

// enqueue puts a reply to u's chat in the outbox. collapse, when set, lets a
// newer reply with the same key replace this one while it is still unsent.
func (e *Engine) enqueue(ctx context.Context, tx *storage.Tx, u *Update, r Reply, collapse string) error {
	r.Text = TruncateText(r.Text, MaxText)
	payload, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode reply: %w", err)
	}
	return tx.Enqueue(ctx, storage.OutboxItem{Municipality: e.Muni.Code, Channel: string(u.Channel), ChatID: u.ChatID, Payload: payload, CollapseKey: collapse})
}

func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
