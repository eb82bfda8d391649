package storage_test

import (
	"context"
	"testing"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// An update the engine gave up on goes back in the queue with
// `bmjbt inbox retry`; one that could not be read on arrival does not.
func TestSetAsideUpdatesAreReportedAndRetried(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := storagetest.Municipality(t)
		items := []monitoring.InboxItem{
			{Municipality: m.Code, Channel: "telegram", ExternalID: "m:1:1", ChatID: "1", Payload: []byte(`{"kind":"text"}`)},
			{Municipality: m.Code, Channel: "telegram", ExternalID: "u:7", Payload: []byte(`{}`), SetAside: "a message without a chat"},
			{Municipality: m.Code, Channel: "whatsapp", ExternalID: monitoring.Undecryptable + "wa:1@s.whatsapp.net:X", Payload: []byte(`{}`), SetAside: "could not be decrypted"},
		}
		if n, err := db.PutInbox(ctx, items); err != nil || n != 3 {
			t.Fatalf("stored %d, %v", n, err)
		}
		pending, err := db.PendingInbox(ctx, m.Code, 10)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending %d (%v): the set-aside ones must never reach the engine", len(pending), err)
		}
		// The engine fails the first every try and closes it with the error.
		if err := db.InTx(ctx, func(tx *storage.Tx) error { return tx.MarkHandled(ctx, pending[0].ID, "panic: boom") }); err != nil {
			t.Fatal(err)
		}
		r, err := db.ReportInbox(ctx, m.Code, 10)
		if err != nil {
			t.Fatal(err)
		}
		if r.Stored != 3 || r.Pending != 0 || r.OnArrival != 2 || r.Failed != 1 || r.Undecryptable != 1 || len(r.Latest) != 3 {
			t.Fatalf("report %+v", r)
		}
		for _, s := range r.Latest {
			err := db.Retry(ctx, m.Code, s.ID)
			if s.OnArrival() != (err != nil) {
				t.Fatalf("retry of %+v: %v", s, err)
			}
		}
		if pending, _ := db.PendingInbox(ctx, m.Code, 10); len(pending) != 1 || pending[0].Attempts != 0 {
			t.Fatalf("after retry pending = %+v; want the failed one, fresh", pending)
		}
		if err := db.Retry(ctx, m.Code, 999); monitoring.ErrorCode(err) != monitoring.ENOTFOUND {
			t.Fatalf("retry of no such update: %v", err)
		}
	})
}
