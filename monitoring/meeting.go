package monitoring

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// A meeting (отурум) of the group: the Regulation has the group meet
// (3.4 counts missed meetings), elect its officers (3.5), and keep minutes
// that the secretary drafts (3.7) and the chair signs (3.6). It sets no
// quorum for a meeting, so none is checked here.
type Meeting struct {
	ID           int64
	Municipality string
	// Number is the minutes' number, per year: «ПРОТОКОЛ № 4/2026».
	Number MinutesNumber
	HeldAt time.Time
	// Place is where it was held; "" is "in the chat".
	Place      string
	Agenda     []string
	Attendance []Attendee
	Decisions  []MeetingDecision
	RecordedBy int64
	Signed     *Signature
}

// Present counts the members who attended.
func (mt Meeting) Present() int {
	n := 0
	for _, a := range mt.Attendance {
		if a.Presence == Present {
			n++
		}
	}
	return n
}

// MinutesNumber numbers minutes per year: 4/2026.
type MinutesNumber struct{ Year, Seq int }

func (n MinutesNumber) String() string { return fmt.Sprintf("%d/%d", n.Seq, n.Year) }

// ParseMinutesNumber reads "4/2026", or the meeting's id alone.
func ParseMinutesNumber(s string) (MinutesNumber, bool) {
	var n MinutesNumber
	if _, err := fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "№")), "%d/%d", &n.Seq, &n.Year); err != nil || n.Seq < 1 || n.Year < 2000 {
		return MinutesNumber{}, false
	}
	return n, true
}

// Presence is how a member attended a meeting.
type Presence string

const (
	Present Presence = "present"
	Absent  Presence = "absent"
	// Excused is absent with a reason; 3.4 counts it as a missed meeting
	// too («отурумдарына үч жолу катышпаса» names no reason), and the
	// minutes show the reason.
	Excused Presence = "excused"
)

// Next is the presence a tap moves to: present → absent → excused → present.
func (p Presence) Next() Presence {
	switch p {
	case Present:
		return Absent
	case Absent:
		return Excused
	}
	return Present
}

// Attendee is one member's attendance at a meeting.
type Attendee struct {
	MemberID int64
	Name     string
	Role     Role
	Presence Presence
	Reason   string
}

// MeetingDecision is a decision taken at a meeting, with its vote. An
// election (3.5) names the role and the member elected.
type MeetingDecision struct {
	Text                    string
	For, Against, Abstained int
	Elects                  Role
	Elected                 int64
	ElectedName             string
}

// VotesLeft is how many of the members present the decision's vote has not
// counted yet: only those at the meeting vote, each once.
func (d MeetingDecision) VotesLeft(present int) int {
	return present - d.For - d.Against - d.Abstained
}

// Check refuses a decision the minutes could not carry: a vote that is not
// a count, or counts more votes than members present; no text and no
// election; an election (3.5) of anything but the chair, the deputy or the
// secretary, or of nobody.
func (d MeetingDecision) Check(present int) error {
	if d.For < 0 || d.Against < 0 || d.Abstained < 0 {
		return Errorf(EINVALID, "votes are counts: 0 or more")
	}
	if d.VotesLeft(present) < 0 {
		return Errorf(EINVALID, "%d votes counted, but %d members were present", d.For+d.Against+d.Abstained, present)
	}
	if strings.TrimSpace(d.Text) == "" && d.Elects == "" {
		return Errorf(EINVALID, "a decision needs its text: what the meeting decided")
	}
	if d.Elects != "" && (!d.Elects.Unique() || d.Elected == 0) {
		return Errorf(EINVALID, "the meeting elects a chair, a deputy or a secretary (Regulation 3.5), and names the member elected")
	}
	return nil
}

// Signature is who signed a document and in what capacity.
type Signature struct {
	MemberID int64
	Name     string
	// Acting is the deputy signing during a recorded absence of the chair
	// (3.6): «Төраганын милдетин аткаруучу».
	Acting bool
	At     time.Time
	// InChat is a signature given in the chat; otherwise the clerk records
	// one given on paper.
	InChat bool
}

// ChairAbsence is a recorded absence of the chair, from one day to another
// (both included), during which the deputy signs (3.6).
type ChairAbsence struct {
	ID         int64
	From, To   time.Time // days, at midnight in Bishkek
	RecordedBy int64
	RecordedAt time.Time
}

// Covers reports whether the absence includes the moment at.
func (a ChairAbsence) Covers(at time.Time) bool {
	return !at.Before(a.From) && at.Before(a.To.AddDate(0, 0, 1))
}

// CheckAbsence refuses an absence that ends before it starts.
func (a ChairAbsence) CheckAbsence() error {
	if a.To.Before(a.From) {
		return Errorf(EINVALID, "the absence ends (%s) before it starts (%s)", Day(a.To), Day(a.From))
	}
	return nil
}

// SignAs decides whether m may sign the group's documents at at (3.6): the
// chair signs; the deputy signs as acting chair only within a recorded
// absence of the chair; nobody else signs.
func SignAs(m Member, absences []ChairAbsence, at time.Time) (Signature, error) {
	if !m.Active() {
		return Signature{}, Errorf(EUNAUTHORIZED, "%s is no longer in the group", m.Name)
	}
	sig := Signature{MemberID: m.ID, Name: m.Name, At: at}
	switch m.Role {
	case Chair:
		return sig, nil
	case Deputy:
		for _, a := range absences {
			if a.Covers(at) {
				sig.Acting = true
				return sig, nil
			}
		}
		return Signature{}, Errorf(EUNAUTHORIZED, "the deputy signs only during a recorded absence of the chair (Regulation 3.6)")
	}
	return Signature{}, Errorf(EUNAUTHORIZED, "the chair signs the minutes, or the deputy during the chair's absence (Regulation 3.6)")
}

// MayRecordMeeting reports whether the member may record a meeting: the
// chair, the deputy or the secretary, who keeps the minutes (3.7).
func (m Member) MayRecordMeeting() bool {
	return m.Active() && (m.Role == Chair || m.Role == Deputy || m.Role == Secretary)
}

// AbsenceLimit is how many missed meetings let the group remove a member
// early (3.4: «үч жолу катышпаса»). Removal is never automatic: 3.4 says
// "may".
const AbsenceLimit = 3

// Absences counts a member's missed meetings from since (the start of
// their term): in total, and in a row up to the latest meeting. Meetings
// come in any order; those the member was not listed at do not count.
func Absences(meetings []Meeting, memberID int64, since time.Time) (total, inARow int, missed []Meeting) {
	ordered := slices.Clone(meetings)
	slices.SortStableFunc(ordered, func(a, b Meeting) int { return a.HeldAt.Compare(b.HeldAt) })
	for _, mt := range ordered {
		if mt.HeldAt.Before(since) {
			continue
		}
		for _, a := range mt.Attendance {
			if a.MemberID != memberID {
				continue
			}
			if a.Presence == Present {
				inARow = 0
			} else {
				total++
				inARow++
				missed = append(missed, mt)
			}
		}
	}
	return total, inARow, missed
}

// CheckAbsenceRemoval refuses a removal for absence (3.4) with fewer than
// three missed meetings recorded, unless an override note says why.
func CheckAbsenceRemoval(missed int, override string) error {
	if missed >= AbsenceLimit || strings.TrimSpace(override) != "" {
		return nil
	}
	return Errorf(ECONFLICT, "%d missed meetings are recorded; Regulation 3.4 allows removal for absence after %d. Record the meetings, or give --override \"why\" (kept in the audit)",
		missed, AbsenceLimit)
}
