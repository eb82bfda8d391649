package monitoring

import "time"

// Action is what a member (or the resident, or the system) does to an entry.
type Action string

const (
	Take    Action = "take"    // received → in review
	Verify  Action = "verify"  // the facts are checked on site (4.3) → verified
	Reject  Action = "reject"  // → rejected, with a reason
	Resolve Action = "resolve" // verified → resolved, with what was done
	Merge   Action = "merge"   // a duplicate of another entry → merged
	Reopen  Action = "reopen"  // the resident says it was not fixed → in review
)

// MemberActions are the buttons an entry card may show, in order.
var MemberActions = []Action{Take, Verify, Reject, Resolve, Merge}

// Actions lists every action: a member's, and the resident's reopening.
var Actions = []Action{Take, Verify, Reject, Resolve, Merge, Reopen}

// Next says where an action leads from a status; ok is false when the
// action does not apply there (a stale button, for instance).
func Next(from Status, a Action) (to Status, ok bool) {
	switch a {
	case Take:
		return InReview, from == Received
	case Verify:
		return Verified, from == Received || from == InReview
	case Reject:
		return Rejected, from == Received || from == InReview || from == Verified
	case Resolve:
		// Re-verified facts first (4.3), then the resolution.
		return Resolved, from == Verified
	case Merge:
		return Merged, from == Received || from == InReview || from == Verified
	case Reopen:
		return InReview, from == Resolved
	}
	return "", false
}

// NeedsReason reports whether the action must say why (a rejection) or what
// was done (a resolution) or which entry it duplicates (a merge).
func NeedsReason(a Action) bool { return a == Reject || a == Resolve || a == Merge }

// Open reports whether an entry still waits for the group.
func (s Status) Open() bool { return s == Received || s == InReview || s == Verified }

// UndoWindow is how long the member who changed a status may undo it.
// Residents hear of a change only once the window has passed, so an undone
// mistake never reaches them.
const UndoWindow = 10 * time.Minute

// TakeWithin is how long a new entry may wait before someone takes it.
const TakeWithin = 3 * 24 * time.Hour

// Overdue reports why an entry needs attention at now: not taken within
// TakeWithin, or still open past the response deadline.
func (e Entry) Overdue(now time.Time, responseDays int) (late bool, why string) {
	if !e.Status.Open() {
		return false, ""
	}
	if now.Sub(e.CreatedAt) > time.Duration(responseDays)*24*time.Hour {
		return true, "deadline"
	}
	if e.Status == Received && now.Sub(e.CreatedAt) > TakeWithin {
		return true, "untaken"
	}
	return false, ""
}

// Feedback is a resident's answer to "Was it fixed?".
type Feedback string

const (
	Fixed    Feedback = "yes"
	Partly   Feedback = "partly"
	NotFixed Feedback = "no"
)
