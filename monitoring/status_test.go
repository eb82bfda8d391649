package monitoring_test

import (
	"testing"
	"time"

	"bmjbt/monitoring"
)

func TestActionsFollowTheEntrysLife(t *testing.T) {
	for _, tc := range []struct {
		from monitoring.Status
		a    monitoring.Action
		to   monitoring.Status
		ok   bool
	}{
		{monitoring.Received, monitoring.Take, monitoring.InReview, true},
		{monitoring.InReview, monitoring.Take, "", false}, // taken twice: a stale button
		{monitoring.InReview, monitoring.Verify, monitoring.Verified, true},
		{monitoring.Received, monitoring.Resolve, "", false}, // re-verify first (4.3)
		{monitoring.InReview, monitoring.Resolve, "", false},
		{monitoring.Verified, monitoring.Resolve, monitoring.Resolved, true},
		{monitoring.Verified, monitoring.Reject, monitoring.Rejected, true},
		{monitoring.Rejected, monitoring.Verify, "", false},
		{monitoring.Resolved, monitoring.Reopen, monitoring.InReview, true},
		{monitoring.Merged, monitoring.Merge, "", false},
	} {
		to, ok := monitoring.Next(tc.from, tc.a)
		if ok != tc.ok || ok && to != tc.to {
			t.Errorf("%s %s → %s, %v; want %s, %v", tc.from, tc.a, to, ok, tc.to, tc.ok)
		}
	}
}

func TestOverdueEntries(t *testing.T) {
	created := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	e := monitoring.Entry{Status: monitoring.Received, CreatedAt: created}
	if late, _ := e.Overdue(created.Add(71*time.Hour), 14); late {
		t.Error("late before 3 days")
	}
	if late, why := e.Overdue(created.Add(73*time.Hour), 14); !late || why != "untaken" {
		t.Errorf("after 3 days untaken: %v %s", late, why)
	}
	e.Status = monitoring.InReview
	if late, _ := e.Overdue(created.Add(73*time.Hour), 14); late {
		t.Error("a taken entry flagged before its deadline")
	}
	if late, why := e.Overdue(created.Add(15*24*time.Hour), 14); !late || why != "deadline" {
		t.Errorf("past the deadline: %v %s", late, why)
	}
	e.Status = monitoring.Resolved
	if late, _ := e.Overdue(created.Add(30*24*time.Hour), 14); late {
		t.Error("a resolved entry flagged")
	}
}

func TestGroupSizeQuorum(t *testing.T) { // 3.4: 5 to 11 members
	for n, want := range map[int]bool{4: false, 5: true, 11: true, 12: false} {
		if monitoring.Quorum(n) != want {
			t.Errorf("Quorum(%d) = %v", n, !want)
		}
	}
}

// 6.1: ten days from the request; reminders at 09:00 Bishkek, two days
// before the last day and on the day after it.
func TestRequestDeadlineAndReminders(t *testing.T) {
	asked := time.Date(2026, 11, 24, 20, 30, 0, 0, time.UTC) // 25 November, 02:30 in Bishkek
	d := monitoring.DeadlineFor(asked)
	if got := d.In(monitoring.Bishkek).Format("2006-01-02 15:04:05"); got != "2026-12-05 23:59:59" {
		t.Fatalf("deadline = %s, want the end of 5 December (ten days after 25 November)", got)
	}
	if got := monitoring.RemindAt(d).In(monitoring.Bishkek).Format("2006-01-02 15:04"); got != "2026-12-03 09:00" {
		t.Fatalf("reminder at %s", got)
	}
	if got := monitoring.OverdueAt(d).In(monitoring.Bishkek).Format("2006-01-02 15:04"); got != "2026-12-06 09:00" {
		t.Fatalf("overdue notice at %s", got)
	}
	r := monitoring.Request{Deadline: d}
	if r.Overdue(d) || !r.Overdue(d.Add(time.Second)) {
		t.Fatal("overdue only after the last second of the last day")
	}
}
