package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// Retention deletes the handled inbox and the delivered outbox past the
// cutoff, in chunks, and keeps what is pending, what cards are known by,
// what is younger, and the whole journal.
func TestPruneKeepsTheJournalCardsAndWhatIsPending(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 1, 5, 6, 0, 0, 0, time.UTC)}
		db.Clock = c.Now

		// 100 days ago: 1,203 handled updates (several chunks) and one
		// still pending; replies sent, superseded, failed, pending, and a card.
		var old []monitoring.InboxItem
		for i := range 1204 {
			old = append(old, monitoring.InboxItem{Municipality: muni, Channel: "telegram", ExternalID: fmt.Sprint("old:", i), ChatID: "5", Payload: []byte(`{}`)})
		}
		if _, err := db.PutInbox(ctx, old); err != nil {
			t.Fatal(err)
		}
		rows, err := db.PendingInbox(ctx, muni, 2000)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, 0, len(rows)-1)
		for _, r := range rows[:len(rows)-1] {
			ids = append(ids, r.ID)
		}
		entry := newEntry(t, db, 0, "Көпүрө кулады")
		out := func(text, key string) int64 {
			var id int64
			err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
				if key != "" {
					return tx.Enqueue(ctx, monitoring.OutboxItem{Municipality: muni, Channel: "telegram", ChatID: "5", Payload: []byte(text), CollapseKey: key})
				}
				id, err = tx.EnqueueID(ctx, monitoring.OutboxItem{Municipality: muni, Channel: "telegram", ChatID: "5", Payload: []byte(text)})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		sent, failed, pending, card := out("sent", ""), out("failed", ""), out("pending", ""), out("card", "")
		out("superseded", "k")
		out("replacement", "k")
		err = db.InTx(ctx, func(tx *storage.Tx) error {
			if err := tx.MarkAllHandled(ctx, ids); err != nil {
				return err
			}
			return tx.AddPost(ctx, muni, entry.ID, monitoring.Post{Channel: "telegram", ChatID: "-100", OutboxID: card})
		})
		if err != nil {
			t.Fatal(err)
		}
		var replacement int64
		db.SQL().Get(&replacement, `SELECT id FROM outbox WHERE payload = 'replacement'`)
		err = db.RecordDeliveries(ctx, []monitoring.Delivery{
			{ID: sent, Status: monitoring.OutboxSent, MessageRef: "1"},
			{ID: card, Status: monitoring.OutboxSent, MessageRef: "2"},
			{ID: replacement, Status: monitoring.OutboxSent, MessageRef: "3"},
			{ID: failed, Status: monitoring.OutboxFailed, Error: "403"},
		})
		if err != nil {
			t.Fatal(err)
		}

		// Today: a handled update and a reply, younger than the cutoff.
		c.Add(100 * 24 * time.Hour)
		if _, err := db.PutInbox(ctx, []monitoring.InboxItem{{Municipality: muni, Channel: "telegram", ExternalID: "new", ChatID: "5", Payload: []byte(`{}`)}}); err != nil {
			t.Fatal(err)
		}
		fresh, _ := db.PendingInbox(ctx, muni, 10)
		young := out("young", "")
		err = db.InTx(ctx, func(tx *storage.Tx) error { return tx.MarkAllHandled(ctx, []int64{fresh[len(fresh)-1].ID}) })
		if err == nil {
			err = db.RecordDeliveries(ctx, []monitoring.Delivery{{ID: young, Status: monitoring.OutboxSent, MessageRef: "4"}})
		}
		if err != nil {
			t.Fatal(err)
		}

		inbox, outbox, err := db.Prune(ctx, muni, c.Now().Add(-90*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if inbox != 1203 || outbox != 4 {
			t.Fatalf("pruned %d inbox and %d outbox rows, want 1203 and 4 (sent, failed, superseded, its replacement)", inbox, outbox)
		}
		total, waiting, _ := db.InboxCounts(ctx, muni)
		if total != 2 || waiting != 1 {
			t.Fatalf("inbox after pruning: %d rows, %d pending; want the pending old one and today's", total, waiting)
		}
		var left []string
		db.SQL().Select(&left, `SELECT payload FROM outbox ORDER BY id`)
		if fmt.Sprint(left) != "[pending card young]" {
			t.Fatalf("outbox after pruning = %q", left)
		}
		if due, err := db.DueOutbox(ctx, muni, "telegram", 10); err != nil || len(due) != 1 || due[0].ID != pending {
			t.Fatalf("due after pruning = %+v, %v; want the pending reply", due, err)
		}
		if ref, err := db.MessageRef(ctx, card); err != nil || ref != "2" {
			t.Fatalf("the card's message is %q, %v: the bot could no longer edit it", ref, err)
		}
		if list, err := db.Entries(ctx, muni, monitoring.Filter{}); err != nil || len(list) != 1 {
			t.Fatalf("journal after pruning: %d entries, %v", len(list), err)
		}
		if evs, err := db.EntryEvents(ctx, entry.ID); err != nil || len(evs) == 0 {
			t.Fatalf("the entry's audit after pruning: %d events, %v", len(evs), err)
		}
		// A second run finds nothing more.
		if inbox, outbox, err := db.Prune(ctx, muni, c.Now().Add(-90*24*time.Hour)); err != nil || inbox+outbox != 0 {
			t.Fatalf("second prune: %d, %d, %v", inbox, outbox, err)
		}
	})
}
