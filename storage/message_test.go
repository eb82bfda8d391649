package storage_test

import (
	"bmjbt/monitoring"

	"context"
	"testing"
	"time"

	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

func TestInboxDropsRedeliveries(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		batch := []monitoring.InboxItem{
			{Municipality: muni, Channel: "telegram", ExternalID: "m:1:1", ChatID: "1", Payload: []byte(`{"text":"a"}`)},
			{Municipality: muni, Channel: "telegram", ExternalID: "m:1:2", ChatID: "1", Payload: []byte(`{"text":"b"}`)},
		}
		if n, err := db.PutInbox(ctx, batch); err != nil || n != 2 {
			t.Fatalf("first delivery stored %d, %v; want 2", n, err)
		}
		if n, err := db.PutInbox(ctx, batch); err != nil || n != 0 {
			t.Fatalf("redelivery stored %d, %v; want 0", n, err)
		}
		rows, err := db.PendingInbox(ctx, muni, 10)
		if err != nil || len(rows) != 2 || string(rows[1].Payload) != `{"text":"b"}` {
			t.Fatalf("pending = %+v, %v", rows, err)
		}
		if err := db.InTx(ctx, func(tx *storage.Tx) error { return tx.MarkHandled(ctx, rows[0].ID, "") }); err != nil {
			t.Fatal(err)
		}
		rows, _ = db.PendingInbox(ctx, muni, 10)
		if len(rows) != 1 || rows[0].ExternalID != "m:1:2" {
			t.Fatalf("after handling the first, pending = %+v", rows)
		}
	})
}

func TestOutboxKeepsChatOrderAndCollapses(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)
		db.Clock = func() time.Time { return now }
		put := func(chat, text, key string) {
			err := db.InTx(ctx, func(tx *storage.Tx) error {
				return tx.Enqueue(ctx, monitoring.OutboxItem{Municipality: muni, Channel: "telegram", ChatID: chat, Payload: []byte(text), CollapseKey: key})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		put("a", "a1", "")
		put("a", "a2", "ack")
		put("b", "b1", "")
		put("a", "a3", "ack") // replaces a2, which was never tried
		due, err := db.DueOutbox(ctx, muni, "telegram", 10)
		if err != nil || len(due) != 3 || string(due[0].Payload) != "a1" || string(due[1].Payload) != "b1" || string(due[2].Payload) != "a3" {
			t.Fatalf("due = %+v, %v; want a1, b1, a3 (a2 collapsed into a3)", due, err)
		}
		// a1 must wait a minute; nothing else of chat a may overtake it.
		err = db.RecordDeliveries(ctx, []monitoring.Delivery{
			{ID: due[0].ID, Status: monitoring.OutboxPending, RetryAt: now.Add(time.Minute), Error: "429"},
			{ID: due[1].ID, Status: monitoring.OutboxSent, MessageRef: "77"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if due, _ = db.DueOutbox(ctx, muni, "telegram", 10); len(due) != 0 {
			t.Fatalf("due while a1 waits = %+v, want none", due)
		}
		now = now.Add(time.Minute)
		due, _ = db.DueOutbox(ctx, muni, "telegram", 10)
		if len(due) != 2 || string(due[0].Payload) != "a1" || due[0].Attempts != 1 {
			t.Fatalf("due after the wait = %+v, want a1 on its second attempt, then a3", due)
		}
		db.RecordDeliveries(ctx, []monitoring.Delivery{{ID: due[0].ID, Status: monitoring.OutboxFailed, Error: "403 blocked"}})
		due, _ = db.DueOutbox(ctx, muni, "telegram", 10)
		if len(due) != 1 || string(due[0].Payload) != "a3" {
			t.Fatalf("due after a1 failed for good = %+v, want a3 (a2 collapsed into it)", due)
		}
		if n, _ := db.OutboxDepth(ctx, muni); n != 1 {
			t.Fatalf("outbox depth = %d, want 1", n)
		}
	})
}
