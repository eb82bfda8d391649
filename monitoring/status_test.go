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

// Merging duplicates is the group's practice (DESIGN.md), not the
// Regulation's: a duplicate joins an open entry of the same journal, whose
// outcome its resident then hears.
func TestCheckMerge(t *testing.T) {
	dup := monitoring.Entry{ID: 1, Municipality: "sadyrbaev", Number: monitoring.Number{Year: 2026, Seq: 1}, Status: monitoring.Received}
	target := func(id int64, s monitoring.Status) monitoring.Entry {
		return monitoring.Entry{ID: id, Municipality: "sadyrbaev", Number: monitoring.Number{Year: 2026, Seq: int(id)}, Status: s}
	}
	elsewhere := target(2, monitoring.Received)
	elsewhere.Municipality = "other"
	for _, tc := range []struct {
		name string
		into monitoring.Entry
		code string
	}{
		{"into a received entry", target(2, monitoring.Received), ""},
		{"into an entry in review", target(2, monitoring.InReview), ""},
		{"into a verified entry", target(2, monitoring.Verified), ""},
		{"into itself", dup, monitoring.EINVALID},
		{"into a merged entry", target(2, monitoring.Merged), monitoring.EINVALID},
		{"into a resolved entry", target(2, monitoring.Resolved), monitoring.EINVALID},
		{"into a rejected entry", target(2, monitoring.Rejected), monitoring.EINVALID},
		{"into another municipality's entry", elsewhere, monitoring.ENOTFOUND},
	} {
		if got := monitoring.ErrorCode(monitoring.CheckMerge(dup, tc.into)); got != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, got, tc.code)
		}
	}
}

func TestApplyDecidesWhatAChangeWrites(t *testing.T) {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	entry := func(s monitoring.Status, takenBy int64) monitoring.Entry {
		return monitoring.Entry{ID: 1, Municipality: "sadyrbaev", Status: s, TakenBy: takenBy}
	}
	open := monitoring.Entry{ID: 2, Municipality: "sadyrbaev", Status: monitoring.InReview}
	closed := monitoring.Entry{ID: 2, Municipality: "sadyrbaev", Status: monitoring.Resolved}
	answered := entry(monitoring.Resolved, 5)
	answered.Feedback = monitoring.NotFixed
	for _, tc := range []struct {
		name string
		e    monitoring.Entry
		a    monitoring.Action
		by   int64
		into *monitoring.Entry
		want monitoring.Entry
		code string
	}{
		{"a take holds the entry", entry(monitoring.Received, 0), monitoring.Take, 5, nil,
			monitoring.Entry{ID: 1, Status: monitoring.InReview, TakenBy: 5}, ""},
		{"a verification keeps who took it", entry(monitoring.InReview, 5), monitoring.Verify, 6, nil,
			monitoring.Entry{ID: 1, Status: monitoring.Verified, TakenBy: 5}, ""},
		{"a verification of an untaken entry holds it", entry(monitoring.Received, 0), monitoring.Verify, 6, nil,
			monitoring.Entry{ID: 1, Status: monitoring.Verified, TakenBy: 6}, ""},
		{"a merge names the other entry", entry(monitoring.InReview, 5), monitoring.Merge, 5, &open,
			monitoring.Entry{ID: 1, Status: monitoring.Merged, TakenBy: 5, MergedInto: 2}, ""},
		{"a reopening asks for feedback again", answered, monitoring.Reopen, 0, nil,
			monitoring.Entry{ID: 1, Status: monitoring.InReview, TakenBy: 5}, ""},
		{"a stale button", entry(monitoring.InReview, 5), monitoring.Take, 6, nil, monitoring.Entry{}, monitoring.ECONFLICT},
		{"a stale merge", entry(monitoring.Resolved, 5), monitoring.Merge, 5, &open, monitoring.Entry{}, monitoring.ECONFLICT},
		{"a merge into a closed entry", entry(monitoring.InReview, 5), monitoring.Merge, 5, &closed, monitoring.Entry{}, monitoring.EINVALID},
		{"a merge into no entry", entry(monitoring.InReview, 5), monitoring.Merge, 5, nil, monitoring.Entry{}, monitoring.ENOTFOUND},
	} {
		got, err := tc.e.Apply(tc.a, tc.by, tc.into, now)
		if code := monitoring.ErrorCode(err); code != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, code, tc.code)
			continue
		}
		if err != nil {
			if got.Status != tc.e.Status {
				t.Errorf("%s: a refused change moved the entry to %s", tc.name, got.Status)
			}
			continue
		}
		tc.want.UpdatedAt = now
		if !equalEntries(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
