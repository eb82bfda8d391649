package monitoring

import (
	"fmt"
	"time"
)

// NoticeKind is what a communication to stakeholders is about (8): the
// notice before monitoring (5.2, 8.2), an event that changes results
// (8.3), or a conflict of interest (8.4).
type NoticeKind string

const (
	NoticeBefore   NoticeKind = "before"
	NoticeChange   NoticeKind = "change"
	NoticeConflict NoticeKind = "conflict"
)

// ParseNoticeKind accepts before, change or conflict.
func ParseNoticeKind(s string) (NoticeKind, error) {
	switch k := NoticeKind(s); k {
	case NoticeBefore, NoticeChange, NoticeConflict:
		return k, nil
	}
	return "", Errorf(EINVALID, "kind %q: one of before (5.2, 8.2), change (8.3), conflict (8.4)", s)
}

// Notice is a communication to an object's stakeholders, its own record.
// A notice before monitoring says what 8.2 asks: the procedure, methods,
// aims and tasks; the others carry their content in Text.
type Notice struct {
	ID           int64
	Municipality string
	Kind         NoticeKind
	Number       NoticeNumber // before-monitoring notices are letters, numbered per year
	Object       string       // an object reference (see ObjectRef)
	PlanItem     string       // the plan's item, once the plan exists
	Recipients   string
	Procedure    string
	Methods      string
	Aims         string
	Tasks        string
	Text         string
	SentOn       time.Time // a day
	How          string    // letter, in person, the chat…
	RecordedBy   int64
	RecordedAt   time.Time
}

// NoticeNumber numbers notices per year: 2/2026.
type NoticeNumber struct{ Year, Seq int }

func (n NoticeNumber) String() string { return fmt.Sprintf("%d/%d", n.Seq, n.Year) }

// CheckNotice refuses a notice that lacks what its kind needs.
func (n Notice) CheckNotice() error {
	switch {
	case n.Object == "":
		return Errorf(EINVALID, "the notice names no object: give --object (a service code, project:CODE or provider:CODE)")
	case n.Recipients == "":
		return Errorf(EINVALID, "the notice names no recipients: give --to")
	case n.SentOn.IsZero():
		return Errorf(EINVALID, "the notice has no date: give --sent")
	case n.Kind == NoticeBefore && (n.Procedure == "" || n.Methods == "" || n.Aims == "" || n.Tasks == ""):
		return Errorf(EINVALID, "a notice before monitoring tells the procedure, methods, aims and tasks (Regulation 8): give --procedure, --methods, --aims and --tasks")
	case n.Kind != NoticeBefore && n.Text == "":
		return Errorf(EINVALID, "say what was communicated: give --text")
	}
	return nil
}

// NoticeGiven finds a notice before monitoring of object dated on or
// before day: what a launch on the object needs (5.2).
func NoticeGiven(notices []Notice, object string, day time.Time) (Notice, bool) {
	for _, n := range notices {
		if n.Kind == NoticeBefore && n.Object == object && !n.SentOn.After(day) {
			return n, true
		}
	}
	return Notice{}, false
}

// NoticeRequired reports whether the object is a project paid for by the
// local budget or the community's contributions, which 5.2 names: its
// stakeholders are told before it is monitored. Any launch on an object
// checks for a notice; these are the ones shown as needing it.
func (m *Municipality) NoticeRequired(ref string) bool {
	kind, code := SplitRef(ref)
	if kind != ObjectProject {
		return false
	}
	p, ok := m.Project(code)
	return ok && p.Funding.NoticeRequired()
}

// CheckLaunchNotice refuses a launch on an object without a notice before
// monitoring dated on or before day, unless a reason was recorded (5.2).
func CheckLaunchNotice(object, waiver string, notices []Notice, day time.Time) error {
	if object == "" || waiver != "" {
		return nil
	}
	if _, ok := NoticeGiven(notices, object, day); ok {
		return nil
	}
	return Errorf(ECONFLICT, "no notice to the stakeholders of %s is recorded on or before %s (Regulation 5.2, 8): record it with `bmjbt notice new --object %s …`, or launch with --without-notice \"why\" (printed in the results)",
		object, Day(day), object)
}
