package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// A campaign's recipients go into the outbox a chunk at a time, each once,
// even with two feeders at once; interactive replies come out first, and a
// chat that has both keeps its own order.
func TestCampaignIsQueuedInChunksBehindInteractiveReplies(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC)}
		db.Clock = c.Now
		var to []string
		for i := range 1200 {
			to = append(to, fmt.Sprint(10000+i))
		}
		to = append(to, "10000", "10001") // repeats are dropped
		id, err := db.CreateCampaign(ctx, muni, "telegram", "survey", to, []byte(`{"text":"Сурамжылоо"}`))
		if err != nil {
			t.Fatal(err)
		}
		feed := func() int {
			t.Helper()
			n, err := db.FeedCampaigns(ctx, muni, 500, 500)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Two feeders at once queue one chunk between them.
		var wg sync.WaitGroup
		var mu sync.Mutex
		fed := 0
		for range 2 {
			wg.Go(func() {
				n := feed()
				mu.Lock()
				fed += n
				mu.Unlock()
			})
		}
		wg.Wait()
		if fed != 500 {
			t.Fatalf("two feeders queued %d rows, want one chunk of 500", fed)
		}
		if n := feed(); n != 0 {
			t.Fatalf("queued %d more while 500 wait, want none", n)
		}

		// A resident's reply written now goes first; so does recipient 10003's
		// campaign message, which comes before the reply written to that chat.
		err = db.InTx(ctx, func(tx *storage.Tx) error {
			return tx.EnqueueAll(ctx, []monitoring.OutboxItem{
				{Municipality: muni, Channel: "telegram", ChatID: "77", Payload: []byte("reply")},
				{Municipality: muni, Channel: "telegram", ChatID: "10003", Payload: []byte("answer")},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		due, err := db.DueOutbox(ctx, muni, "telegram", 100)
		if err != nil || len(due) != 100 {
			t.Fatalf("due: %d rows, %v", len(due), err)
		}
		head := []string{due[0].ChatID + ":" + string(due[0].Payload), due[1].ChatID + ":" + string(due[1].Payload), due[2].ChatID + ":" + string(due[2].Payload)}
		if fmt.Sprint(head) != `[10003:{"text":"Сурамжылоо"} 77:reply 10003:answer]` || due[3].ChatID != "10000" {
			t.Fatalf("due starts %q then %s; want 10003's campaign message, the reply to 77, 10003's answer, then the campaign", head, due[3].ChatID)
		}

		// Delivering 100 leaves 400 waiting: the next chunk goes in.
		var ds []monitoring.Delivery
		for _, r := range due[3:] {
			ds = append(ds, monitoring.Delivery{ID: r.ID, Status: monitoring.OutboxSent, MessageRef: "1"})
		}
		if err := db.RecordDeliveries(ctx, ds); err != nil {
			t.Fatal(err)
		}
		if n := feed(); n != 500 {
			t.Fatalf("queued %d after deliveries, want the next 500", n)
		}
		if n := feed(); n != 0 {
			t.Fatalf("queued %d more, want none", n)
		}
		for { // the sender's part: deliver what is due, feed when it runs low
			rows, err := db.DueOutbox(ctx, muni, "telegram", 500)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				if feed() == 0 {
					break
				}
				continue
			}
			var ds []monitoring.Delivery
			for _, r := range rows {
				ds = append(ds, monitoring.Delivery{ID: r.ID, Status: monitoring.OutboxSent})
			}
			if err := db.RecordDeliveries(ctx, ds); err != nil {
				t.Fatal(err)
			}
		}
		p, err := db.CampaignProgress(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Done() || p.Recipients != 1200 || p.Sent != 1200 || p.Failed != 0 {
			t.Fatalf("progress = %+v, want all 1200 recipients sent", p)
		}
		var chats, distinct int
		db.SQL().Get(&chats, `SELECT COUNT(*) FROM outbox WHERE campaign_id IS NOT NULL`)
		db.SQL().Get(&distinct, `SELECT COUNT(DISTINCT chat_id) FROM outbox WHERE campaign_id IS NOT NULL`)
		if chats != 1200 || distinct != 1200 {
			t.Fatalf("%d campaign rows to %d chats, want 1200 each", chats, distinct)
		}
		if n, _ := db.OutboxDepth(ctx, muni); n != 0 {
			t.Fatalf("outbox depth %d at the end", n)
		}
	})
}
