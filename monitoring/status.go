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

// CheckMerge says whether e may be merged into into as a duplicate of the
// same problem: not into itself, not into another municipality's entry, not
// into an entry that is itself merged (its residents would hear of no
// outcome), and only into an open entry: a new report of a fixed outage is a
// new problem. Merging is the group's practice; the Regulation has no rule
// on it.
func CheckMerge(e, into Entry) error {
	switch {
	case into.ID == e.ID:
		return Errorf(EINVALID, "an entry cannot be merged into itself")
	case into.Municipality != e.Municipality:
		return Errorf(ENOTFOUND, "entry %s not found", into.Number)
	case into.Status == Merged:
		return Errorf(EINVALID, "entry %s is itself merged into another", into.Number)
	case !into.Status.Open():
		return Errorf(EINVALID, "entry %s is closed (%s); only an open entry takes duplicates", into.Number, into.Status)
	}
	return nil
}

// Apply returns e after action a, taken at now by member by (0 for the
// resident or the system). An action that does not fit e's status now (two
// members pressing at once, an old button) is refused with ECONFLICT. A
// merge needs the entry e duplicates: into, nil when it is not in the journal.
func (e Entry) Apply(a Action, by int64, into *Entry, now time.Time) (Entry, error) {
	to, ok := Next(e.Status, a)
	if !ok {
		return e, Errorf(ECONFLICT, "entry %s is %s; %s does not apply", e.Number, e.Status, a)
	}
	out := e
	out.Status, out.UpdatedAt, out.MergedInto = to, now, 0
	if a == Merge {
		if into == nil {
			return e, Errorf(ENOTFOUND, "the entry to merge into is not in the journal")
		}
		if err := CheckMerge(e, *into); err != nil {
			return e, err
		}
		out.MergedInto = into.ID
	}
	// The member who takes an entry holds it; one who acts on an entry
	// nobody took holds it from then on.
	if by != 0 && (a == Take || e.TakenBy == 0) {
		out.TakenBy = by
	}
	if a == Reopen {
		out.Feedback = "" // asked again after the next resolution
	}
	return out, nil
}

// NeedsReason reports whether the action must say why (a rejection) or what
// was done (a resolution) or which entry it duplicates (a merge).
func NeedsReason(a Action) bool { return a == Reject || a == Resolve || a == Merge }

// Open reports whether an entry still waits for the group.
func (s Status) Open() bool { return s == Received || s == InReview || s == Verified }

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
