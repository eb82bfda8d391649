package bot_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"bmjbt/bot"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// brittle is a channel whose adapter panics on one chat's reply.
type brittle struct {
	mu   sync.Mutex
	sent []string
}

func (b *brittle) Deliver(_ context.Context, _ bot.OutboxKey, chat string, r bot.Reply) (string, error) {
	if chat == "bad" {
		var m *bot.Menu
		_ = m.Options[0] // a reply the adapter cannot build
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, chat)
	return "1", nil
}

// A reply the adapter panics on is refused for good and kept with its
// error; the sender and the other chats go on. Left pending, it would stop
// serve again at every start.
func TestAReplyThatPanicsIsRefusedAndTheRestGoOut(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := storagetest.Municipality(t)
		payload, _ := json.Marshal(bot.Reply{Lang: monitoring.Kyrgyz, Text: "Салам"})
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for _, chat := range []string{"1", "bad", "2"} {
				if err := tx.Enqueue(ctx, monitoring.OutboxItem{Municipality: m.Code, Channel: "telegram", ChatID: chat, Payload: payload}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		tr := &brittle{}
		fast := bot.Limits{Global: rate.Inf, Workers: 4, PerChat: func(string) (rate.Limit, int) { return rate.Inf, 1 }}
		s := bot.NewSender(db, m.Code, "telegram", tr, fast, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError})))
		fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := s.Flush(fctx); err != nil {
			t.Fatal(err)
		}
		var rows []struct {
			Chat   string `db:"chat_id"`
			Status string `db:"status"`
			Error  string `db:"error"`
		}
		if err := db.SQL().Select(&rows, `SELECT chat_id, status, error FROM outbox ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			want := monitoring.OutboxSent
			if r.Chat == "bad" {
				want = monitoring.OutboxFailed
			}
			if r.Status != want || (r.Chat == "bad") != (r.Error != "") {
				t.Fatalf("outbox %+v", rows)
			}
		}
		if len(tr.sent) != 2 {
			t.Fatalf("sent to %v", tr.sent)
		}
	})
}
