package monitoring_test

import (
	"testing"
	"time"

	"bmjbt/monitoring"
)

// Undo is the group's practice, not the Regulation's: the member who made a
// change may take it back within UndoWindow, before residents hear of it.
func TestCanUndo(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	mine := monitoring.Event{ID: 7, EntryID: 3, MemberID: 5, At: at, From: monitoring.Received, To: monitoring.InReview, Reason: ""}
	with := func(f func(*monitoring.Event)) monitoring.Event { ev := mine; f(&ev); return ev }
	for _, tc := range []struct {
		name   string
		ev     monitoring.Event
		member int64
		now    time.Time
		code   string
	}{
		{"own change at once", mine, 5, at, ""},
		{"own change at the end of the window", mine, 5, at.Add(monitoring.UndoWindow), ""},
		{"own change a second too late", mine, 5, at.Add(monitoring.UndoWindow + time.Second), monitoring.ECONFLICT},
		{"another member's change", mine, 6, at, monitoring.EUNAUTHORIZED},
		{"another member's change, too late as well", mine, 6, at.Add(time.Hour), monitoring.EUNAUTHORIZED},
		{"the resident's reopening", with(func(ev *monitoring.Event) { ev.MemberID = 0 }), 5, at, monitoring.EUNAUTHORIZED},
		{"by nobody, claimed by nobody", with(func(ev *monitoring.Event) { ev.MemberID = 0 }), 0, at, monitoring.EUNAUTHORIZED},
		{"undone already", with(func(ev *monitoring.Event) { ev.Undone = true }), 5, at, monitoring.ECONFLICT},
		{"an undo", with(func(ev *monitoring.Event) { ev.Reason = monitoring.UndoReason(6) }), 5, at, monitoring.ECONFLICT},
		{"no such change", monitoring.Event{}, 5, at, monitoring.ENOTFOUND},
	} {
		if got := monitoring.ErrorCode(monitoring.CanUndo(tc.ev, tc.member, tc.now)); got != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, got, tc.code)
		}
	}
}

func TestRevertRestoresTheEntry(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	later := at.Add(time.Minute)
	for _, tc := range []struct {
		name    string
		e       monitoring.Entry
		ev      monitoring.Event
		latest  int64
		want    monitoring.Entry
		wantErr string
	}{
		{
			name: "a take goes back to nobody's",
			e:    monitoring.Entry{ID: 3, Status: monitoring.InReview, TakenBy: 5},
			ev:   monitoring.Event{ID: 7, EntryID: 3, From: monitoring.Received, To: monitoring.InReview}, latest: 7,
			want: monitoring.Entry{ID: 3, Status: monitoring.Received, UpdatedAt: later},
		},
		{
			name: "a verification keeps who took it",
			e:    monitoring.Entry{ID: 3, Status: monitoring.Verified, TakenBy: 5},
			ev:   monitoring.Event{ID: 8, EntryID: 3, From: monitoring.InReview, To: monitoring.Verified}, latest: 8,
			want: monitoring.Entry{ID: 3, Status: monitoring.InReview, TakenBy: 5, UpdatedAt: later},
		},
		{
			name: "a merge lets go of the other entry",
			e:    monitoring.Entry{ID: 3, Status: monitoring.Merged, TakenBy: 5, MergedInto: 2},
			ev:   monitoring.Event{ID: 9, EntryID: 3, From: monitoring.InReview, To: monitoring.Merged}, latest: 9,
			want: monitoring.Entry{ID: 3, Status: monitoring.InReview, TakenBy: 5, UpdatedAt: later},
		},
		{
			name: "something changed since",
			e:    monitoring.Entry{ID: 3, Status: monitoring.Verified, TakenBy: 5},
			ev:   monitoring.Event{ID: 7, EntryID: 3, From: monitoring.Received, To: monitoring.InReview}, latest: 8,
			wantErr: monitoring.ECONFLICT,
		},
		{
			name: "the status is not where the change left it",
			e:    monitoring.Entry{ID: 3, Status: monitoring.Received},
			ev:   monitoring.Event{ID: 7, EntryID: 3, From: monitoring.Received, To: monitoring.InReview}, latest: 7,
			wantErr: monitoring.ECONFLICT,
		},
		{
			name: "a change of another entry",
			e:    monitoring.Entry{ID: 4, Status: monitoring.InReview},
			ev:   monitoring.Event{ID: 7, EntryID: 3, From: monitoring.Received, To: monitoring.InReview}, latest: 7,
			wantErr: monitoring.ECONFLICT,
		},
	} {
		got, err := tc.e.Revert(tc.ev, tc.latest, later)
		if code := monitoring.ErrorCode(err); code != tc.wantErr {
			t.Errorf("%s: code %q, want %q", tc.name, code, tc.wantErr)
			continue
		}
		if err == nil && !equalEntries(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// equalEntries compares the fields a status change touches.
func equalEntries(a, b monitoring.Entry) bool {
	return a.ID == b.ID && a.Status == b.Status && a.TakenBy == b.TakenBy && a.MergedInto == b.MergedInto &&
		a.Feedback == b.Feedback && a.UpdatedAt.Equal(b.UpdatedAt)
}
