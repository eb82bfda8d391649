package monitoring_test

import (
	"testing"
	"time"

	"bmjbt/monitoring"
)

// Every status against every action. An entry's life is the group's
// practice (DESIGN.md: received → in review → verified or rejected →
// resolved; a duplicate is merged); the one step the Regulation grounds is
// that a resolution follows verification, because the group must re-verify
// what it collected (4.3). Rejected and merged entries are final; only a
// resident saying "not fixed" reopens a resolved one.
func TestActionsFollowTheEntrysLife(t *testing.T) {
	const (
		no       = monitoring.Status("") // refused: the action does not apply
		review   = monitoring.InReview
		verified = monitoring.Verified
		rejected = monitoring.Rejected
		resolved = monitoring.Resolved
		merged   = monitoring.Merged
	)
	// Columns in the order of monitoring.Actions:
	//   take    verify    reject    resolve   merge   reopen
	life := map[monitoring.Status][]monitoring.Status{
		monitoring.Received: {review, verified, rejected, no, merged, no}, // resolve: re-verify first (4.3)
		review:              {no, verified, rejected, no, merged, no},     // take: taken twice, a stale button
		verified:            {no, no, rejected, resolved, merged, no},
		rejected:            {no, no, no, no, no, no},
		resolved:            {no, no, no, no, no, review}, // the resident says it was not fixed
		merged:              {no, no, no, no, no, no},
	}
	if len(life) != len(monitoring.Statuses) {
		t.Fatalf("the table has %d statuses, monitoring.Statuses %d", len(life), len(monitoring.Statuses))
	}
	for _, from := range monitoring.Statuses {
		row, ok := life[from]
		if !ok || len(row) != len(monitoring.Actions) {
			t.Fatalf("no full row for %s", from)
		}
		for i, a := range monitoring.Actions {
			to, ok := monitoring.Next(from, a)
			if want := row[i]; ok != (want != no) || ok && to != want {
				t.Errorf("%s %s → %q, %v; want %q", from, a, to, ok, want)
			}
		}
	}
	if _, ok := monitoring.Next(monitoring.Received, "delete"); ok {
		t.Error("an unknown action applies")
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
