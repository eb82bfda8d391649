package monitoring

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Decision is a council decision (токтом) as the council numbers it:
// "12/5" is the fifth decision of the twelfth session.
type Decision struct {
	Number string
	Date   time.Time // a calendar day, at midnight in Bishkek
}

var decisionNumber = regexp.MustCompile(`^[0-9]{1,3}/[0-9]{1,3}$`)

// ParseDecision reads a decision's number ("12/5", "№ 12/5") and its date
// as people write it ("2025-10-14", "14.10.2025").
func ParseDecision(number, date string) (Decision, error) {
	n := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(number), "№"))
	if !decisionNumber.MatchString(n) {
		return Decision{}, Errorf(EINVALID, "decision number %q: write it as the council does, session/decision, e.g. 12/5", number)
	}
	d, ok := ParseDay(date)
	if !ok {
		return Decision{}, Errorf(EINVALID, "decision date %q: write it as 2025-10-14 or 14.10.2025", date)
	}
	return Decision{Number: n, Date: d}, nil
}

// ParseDay reads a calendar day as YYYY-MM-DD or DD.MM.YYYY, at midnight in
// Bishkek.
func ParseDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if t, err := time.ParseInLocation(layout, s, Bishkek); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Day is t's calendar day in Bishkek, as YYYY-MM-DD: how calendar dates are
// stored.
func Day(t time.Time) string { return t.In(Bishkek).Format("2006-01-02") }

// Nominator is who put a member forward (3.3: the community, council
// deputies, local non-governmental organisations).
type Nominator string

const (
	ByCommunity Nominator = "community"
	ByDeputies  Nominator = "deputies"
	ByNGO       Nominator = "ngo"
)

// ParseNominator accepts "" (not recorded) or one of 3.3's nominators.
func ParseNominator(s string) (Nominator, error) {
	n := Nominator(strings.TrimSpace(s))
	if n == "" || slices.Contains([]Nominator{ByCommunity, ByDeputies, ByNGO}, n) {
		return n, nil
	}
	return "", Errorf(EINVALID, "nominated by %q: one of community, deputies, ngo (Regulation 3.3)", s)
}

// Approval is what the council decided about a member (3.4): the decision
// that approved them and the end of their term.
type Approval struct {
	Decision Decision
	// TermEnds is the last day of the term the council set; zero when the
	// decision set none.
	TermEnds time.Time
	// At is when the approval was recorded here: the member counts from then.
	At time.Time
}

// MinTerm is the shortest term 3.4 allows: at least one year.
const MinTerm = 1

// CheckTerm refuses a term shorter than 3.4's year, counted from the
// decision's date.
func (a Approval) CheckTerm() error {
	if a.TermEnds.IsZero() {
		return nil
	}
	if a.TermEnds.Before(a.Decision.Date.AddDate(MinTerm, 0, -1)) {
		return Errorf(EINVALID, "a term ending %s is shorter than a year from the decision of %s: Regulation 3.4 sets at least one year",
			Day(a.TermEnds), Day(a.Decision.Date))
	}
	return nil
}

// TermReminderDays is how long before a term ends the chair is reminded.
const TermReminderDays = 30

// Counted reports whether the member counts for 3.4 at now: in the group,
// approved by the council, and within their term. Only counted members
// sign acts and vote.
func (m Member) Counted(now time.Time) bool {
	return m.Approval != nil && !m.Approval.At.After(now) &&
		(m.Removed == nil || m.Removed.At.After(now)) && !m.TermOver(now)
}

// TermOver reports whether the member's term has ended by now: the last
// day of the term is still within it.
func (m Member) TermOver(now time.Time) bool {
	return m.Approval != nil && !m.Approval.TermEnds.IsZero() && !now.Before(m.Approval.TermEnds.AddDate(0, 0, 1))
}

// TermStart is where a member's term, and their missed meetings (3.4),
// count from: the council's decision, or joining while it is awaited.
func (m Member) TermStart() time.Time {
	if m.Approval != nil {
		return m.Approval.Decision.Date
	}
	return m.JoinedAt
}

// CountMembers is how many members count for 3.4 at now.
func CountMembers(ms []Member, now time.Time) int {
	n := 0
	for _, m := range ms {
		if m.Counted(now) {
			n++
		}
	}
	return n
}

// Collective refuses a collective decision (an act becoming final, a vote on
// the plan) while the approved membership is outside 3.4's bound.
func Collective(ms []Member, now time.Time) error {
	if n := CountMembers(ms, now); !GroupSizeFits(n) {
		return Errorf(ECONFLICT, "the group has %d members approved by the council; Regulation 3.4 requires %d to %d for a collective decision", n, MinMembers, MaxMembers)
	}
	return nil
}

// OutsideSince is when the approved membership last fell outside 3.4's
// bound, if it is outside at now and was ever within it. It is read from
// the members' own dates (approved, removed, term over), so every process
// finds the same moment, and the group is told once per fall.
func OutsideSince(ms []Member, now time.Time) (time.Time, bool) {
	var moments []time.Time
	for _, m := range ms {
		if m.Approval == nil {
			continue
		}
		moments = append(moments, m.Approval.At)
		if m.Removed != nil {
			moments = append(moments, m.Removed.At)
		}
		if !m.Approval.TermEnds.IsZero() {
			moments = append(moments, m.Approval.TermEnds.AddDate(0, 0, 1))
		}
	}
	slices.SortFunc(moments, func(a, b time.Time) int { return a.Compare(b) })
	var since time.Time
	fitted, outside := false, false
	for _, t := range moments {
		if t.After(now) {
			break
		}
		fits := GroupSizeFits(CountMembers(ms, t))
		switch {
		case fits:
			fitted, outside = true, false
		case fitted && !outside:
			since, outside = t, true
		}
	}
	return since, outside
}

// Dissolution is the council's decision to dissolve the group (9): its
// acts, votes and surveys stop; everything it recorded stays readable.
type Dissolution struct {
	Decision   Decision
	RecordedAt time.Time
}
