package monitoring

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, ok := ParseDay(s)
	if !ok {
		panic(s)
	}
	return t
}

func TestParseDecisionAsTheCouncilWritesIt(t *testing.T) {
	for _, c := range []struct {
		number, date string
		want         string
		ok           bool
	}{
		{"12/5", "2025-10-14", "12/5 2025-10-14", true},
		{"№ 12/5", "14.10.2025", "12/5 2025-10-14", true},
		{"13/4", "1.2.2026", "13/4 2026-02-01", true},
		{"12-5", "2025-10-14", "", false},
		{"12/5", "14 октября", "", false},
		{"", "2025-10-14", "", false},
	} {
		d, err := ParseDecision(c.number, c.date)
		if (err == nil) != c.ok {
			t.Errorf("ParseDecision(%q, %q) = %v; want ok=%v", c.number, c.date, err, c.ok)
			continue
		}
		if c.ok && d.Number+" "+Day(d.Date) != c.want {
			t.Errorf("ParseDecision(%q, %q) = %s %s; want %s", c.number, c.date, d.Number, Day(d.Date), c.want)
		}
	}
}

// 3.4: the council sets a term of at least one year.
func TestTermOfAtLeastAYear(t *testing.T) {
	dec := Decision{Number: "12/5", Date: day("2025-10-14")}
	for ends, ok := range map[string]bool{"2026-10-13": true, "2027-10-14": true, "2026-06-30": false, "2026-10-12": false} {
		err := Approval{Decision: dec, TermEnds: day(ends)}.CheckTerm()
		if (err == nil) != ok {
			t.Errorf("a term ending %s: %v; want ok=%v", ends, err, ok)
		}
	}
	if err := (Approval{Decision: dec}).CheckTerm(); err != nil {
		t.Errorf("no term set: %v", err)
	}
}

// approved makes a member approved at a moment, with a term to its last day.
func approved(id int64, at, ends string) Member {
	a := &Approval{Decision: Decision{Number: "12/5", Date: day("2025-10-14")}, At: day(at)}
	if ends != "" {
		a.TermEnds = day(ends)
	}
	return Member{ID: id, Approval: a}
}

func TestOnlyApprovedMembersWithinTheirTermCount(t *testing.T) {
	now := day("2026-03-01")
	waiting := Member{ID: 1}
	in := approved(2, "2025-10-20", "2026-10-14")
	over := approved(3, "2025-10-20", "2026-02-28")
	removed := approved(4, "2025-10-20", "")
	removed.Removed = &Removal{At: day("2026-01-10"), Reason: Health}
	got := CountMembers([]Member{waiting, in, over, removed}, now)
	if got != 1 {
		t.Fatalf("counted %d; want 1 (awaiting approval, term over and removed do not count)", got)
	}
	if !over.Counted(day("2026-02-28").Add(23*time.Hour)) || over.Counted(day("2026-03-01")) {
		t.Fatal("the last day of a term is still within it, the day after is not")
	}
}

func TestOutsideSinceIsTheMomentTheGroupFell(t *testing.T) {
	five := func() []Member {
		var ms []Member
		for i := range 5 {
			ms = append(ms, approved(int64(i+1), "2025-10-20", ""))
		}
		return ms
	}
	// Never within 5–11: nothing to tell (a group being formed).
	if _, out := OutsideSince([]Member{approved(1, "2025-10-20", ""), {ID: 2}}, day("2026-01-01")); out {
		t.Fatal("a group that never had five approved members was said to have fallen outside")
	}
	// Within: nothing.
	if _, out := OutsideSince(five(), day("2026-01-01")); out {
		t.Fatal("five approved members are within 3.4")
	}
	// One removed: outside since the removal.
	ms := five()
	ms[2].Removed = &Removal{At: day("2026-02-03"), Reason: OwnRequest}
	since, out := OutsideSince(ms, day("2026-03-01"))
	if !out || !since.Equal(day("2026-02-03")) {
		t.Fatalf("outside since %v, %v; want the removal on 2026-02-03", since, out)
	}
	// Before the removal it was within.
	if _, out := OutsideSince(ms, day("2026-02-02")); out {
		t.Fatal("outside before the removal")
	}
	// A replacement approved later brings it back.
	ms = append(ms, approved(6, "2026-02-20", ""))
	if _, out := OutsideSince(ms, day("2026-03-01")); out {
		t.Fatal("still outside after the replacement's approval")
	}
	// A term running out is a fall too: the day after its last day.
	ms = five()
	ms[0].Approval.TermEnds = day("2026-10-14")
	since, out = OutsideSince(ms, day("2026-11-01"))
	if !out || !since.Equal(day("2026-10-15")) {
		t.Fatalf("outside since %v, %v; want 2026-10-15, the day after the term", since, out)
	}
	if err := Collective(ms, day("2026-11-01")); ErrorCode(err) != ECONFLICT {
		t.Fatalf("a collective decision with four approved members: %v; want refused citing 3.4", err)
	}
	if err := Collective(ms, day("2026-10-01")); err != nil {
		t.Fatalf("a collective decision with five: %v", err)
	}
}
