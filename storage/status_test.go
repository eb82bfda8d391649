package storage_test

import (
	"context"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// apply runs tx.Apply in a transaction of its own, committed even when the
// change is refused, as the bot commits its refusal reply.
func apply(t *testing.T, db *storage.DB, id int64, c monitoring.Change) (monitoring.Entry, monitoring.Event, error) {
	t.Helper()
	var (
		e   monitoring.Entry
		ev  monitoring.Event
		err error
	)
	if txErr := db.InTx(context.Background(), func(tx *storage.Tx) error {
		e, ev, err = tx.Apply(context.Background(), muni, id, c)
		return nil
	}); txErr != nil {
		t.Fatal(txErr)
	}
	return e, ev, err
}

func undo(t *testing.T, db *storage.DB, eventID int64, m monitoring.Member) (monitoring.Entry, monitoring.Event, error) {
	t.Helper()
	var (
		e   monitoring.Entry
		ev  monitoring.Event
		err error
	)
	if txErr := db.InTx(context.Background(), func(tx *storage.Tx) error {
		e, ev, err = tx.Undo(context.Background(), muni, eventID, m.ID, "member")
		return nil
	}); txErr != nil {
		t.Fatal(txErr)
	}
	return e, ev, err
}

// entryNow reads an entry back as the journal holds it.
func entryNow(t *testing.T, db *storage.DB, id int64) monitoring.Entry {
	t.Helper()
	var e monitoring.Entry
	if err := db.InTx(context.Background(), func(tx *storage.Tx) (err error) {
		e, err = tx.EntryByID(context.Background(), muni, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return e
}

func auditRows(t *testing.T, db *storage.DB, id int64) int {
	t.Helper()
	events, err := db.EntryEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}

func TestStaleActionChangesNothing(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		a := join(t, db, monitoring.Ordinary, "Айгүл", "a")
		b := join(t, db, monitoring.Ordinary, "Бакыт", "b")
		e := newEntry(t, db, 0, "water")
		if _, _, err := apply(t, db, e.ID, monitoring.Change{Action: monitoring.Take, Actor: "member", MemberID: a.ID}); err != nil {
			t.Fatal(err)
		}
		// b pressed Take on the same card a moment later.
		got, _, err := apply(t, db, e.ID, monitoring.Change{Action: monitoring.Take, Actor: "member", MemberID: b.ID})
		if monitoring.ErrorCode(err) != monitoring.ECONFLICT || got.Status != monitoring.InReview {
			t.Fatalf("second take: %v, entry %s; want a conflict naming the entry in review", err, got.Status)
		}
		if now := entryNow(t, db, e.ID); now.TakenBy != a.ID || auditRows(t, db, e.ID) != 2 {
			t.Fatalf("after a refused take: taken by %d, %d audit rows; want %d and 2", now.TakenBy, auditRows(t, db, e.ID), a.ID)
		}
		// Resolving before verifying is refused too (4.3).
		if _, _, err := apply(t, db, e.ID, monitoring.Change{Action: monitoring.Resolve, Actor: "member", MemberID: a.ID, Reason: "fixed"}); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("resolve unverified: %v; want a conflict", err)
		}
	})
}

func TestMergeOnlyIntoAnOpenEntry(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		m := join(t, db, monitoring.Ordinary, "Айгүл", "a")
		dup := newEntry(t, db, 0, "no water again")
		fixed := newEntry(t, db, 0, "no water")
		for _, a := range []monitoring.Action{monitoring.Verify, monitoring.Resolve} {
			if _, _, err := apply(t, db, fixed.ID, monitoring.Change{Action: a, Actor: "member", MemberID: m.ID, Reason: "pump repaired"}); err != nil {
				t.Fatal(err)
			}
		}
		open := newEntry(t, db, 0, "no water in Aral")
		merged := newEntry(t, db, 0, "same")
		if _, _, err := apply(t, db, merged.ID, monitoring.Change{Action: monitoring.Merge, Actor: "member", MemberID: m.ID, Into: open.ID}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			into int64
			code string
		}{
			{"into a resolved entry", fixed.ID, monitoring.EINVALID},
			{"into itself", dup.ID, monitoring.EINVALID},
			{"into a merged entry", merged.ID, monitoring.EINVALID},
			{"into no entry", 999999, monitoring.ENOTFOUND},
		} {
			_, _, err := apply(t, db, dup.ID, monitoring.Change{Action: monitoring.Merge, Actor: "member", MemberID: m.ID, Into: tc.into})
			if monitoring.ErrorCode(err) != tc.code {
				t.Errorf("merge %s: %v; want %s", tc.name, err, tc.code)
			}
		}
		if now := entryNow(t, db, dup.ID); now.Status != monitoring.Received || now.MergedInto != 0 || auditRows(t, db, dup.ID) != 1 {
			t.Fatalf("after refused merges: %s into %d, %d audit rows; want received, untouched", now.Status, now.MergedInto, auditRows(t, db, dup.ID))
		}
		got, _, err := apply(t, db, dup.ID, monitoring.Change{Action: monitoring.Merge, Actor: "member", MemberID: m.ID, Into: open.ID})
		if err != nil || got.Status != monitoring.Merged || got.MergedInto != open.ID {
			t.Fatalf("merge into an open entry: %+v, %v", got, err)
		}
		var dups []monitoring.Entry
		if err := db.InTx(context.Background(), func(tx *storage.Tx) (err error) {
			dups, err = tx.Merged(context.Background(), open.ID)
			return err
		}); err != nil || len(dups) != 2 {
			t.Fatalf("entries merged into the open one: %d, %v; want 2", len(dups), err)
		}
	})
}

func TestUndoByTheSameMemberWithinTheWindow(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
		db.Clock = c.Now
		a := join(t, db, monitoring.Ordinary, "Айгүл", "a")
		b := join(t, db, monitoring.Ordinary, "Бакыт", "b")
		e := newEntry(t, db, 0, "water")
		_, take, err := apply(t, db, e.ID, monitoring.Change{Action: monitoring.Take, Actor: "member", MemberID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		// Someone else may not undo a's change; the refusal names the entry.
		if _, ev, err := undo(t, db, take.ID, b); monitoring.ErrorCode(err) != monitoring.EUNAUTHORIZED || ev.EntryID != e.ID {
			t.Fatalf("undo by another member: %v, entry %d; want unauthorized on %d", err, ev.EntryID, e.ID)
		}
		if _, _, err := undo(t, db, 999999, a); monitoring.ErrorCode(err) != monitoring.ENOTFOUND {
			t.Fatalf("undo of no change: %v; want not found", err)
		}
		c.Add(monitoring.UndoWindow)
		back, _, err := undo(t, db, take.ID, a)
		if err != nil || back.Status != monitoring.Received || back.TakenBy != 0 {
			t.Fatalf("undo at the end of the window: %s taken by %d, %v; want received, nobody's", back.Status, back.TakenBy, err)
		}
		if now := entryNow(t, db, e.ID); now.Status != monitoring.Received || now.TakenBy != 0 {
			t.Fatalf("journal after undo: %s taken by %d", now.Status, now.TakenBy)
		}
		events, err := db.EntryEvents(context.Background(), e.ID)
		if err != nil || len(events) != 3 || !events[1].Undone || events[2].To != monitoring.Received || !events[2].IsUndo() {
			t.Fatalf("audit after undo = %+v, %v; want the change marked undone and an undo row", events, err)
		}
		if _, _, err := undo(t, db, take.ID, a); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("undo twice: %v; want a conflict", err)
		}
		if _, _, err := undo(t, db, events[2].ID, a); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("undo of the undo: %v; want a conflict", err)
		}
	})
}

func TestUndoRefusedTooLateOrAfterAnotherChange(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
		db.Clock = c.Now
		a := join(t, db, monitoring.Ordinary, "Айгүл", "a")
		b := join(t, db, monitoring.Ordinary, "Бакыт", "b")
		late := newEntry(t, db, 0, "roads")
		_, take, err := apply(t, db, late.ID, monitoring.Change{Action: monitoring.Take, Actor: "member", MemberID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		c.Add(monitoring.UndoWindow + time.Second)
		if _, _, err := undo(t, db, take.ID, a); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("undo too late: %v; want a conflict", err)
		}
		if now := entryNow(t, db, late.ID); now.Status != monitoring.InReview || now.TakenBy != a.ID {
			t.Fatalf("after a late undo: %s taken by %d; want in review by %d", now.Status, now.TakenBy, a.ID)
		}

		changed := newEntry(t, db, 0, "light")
		_, take, err = apply(t, db, changed.ID, monitoring.Change{Action: monitoring.Take, Actor: "member", MemberID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := apply(t, db, changed.ID, monitoring.Change{Action: monitoring.Verify, Actor: "member", MemberID: b.ID}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := undo(t, db, take.ID, a); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("undo after another change: %v; want a conflict", err)
		}
		if now := entryNow(t, db, changed.ID); now.Status != monitoring.Verified || auditRows(t, db, changed.ID) != 3 {
			t.Fatalf("after a refused undo: %s, %d audit rows; want verified, 3", now.Status, auditRows(t, db, changed.ID))
		}
	})
}
