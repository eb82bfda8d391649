package survey

import (
	"fmt"
	"strings"
	"time"
)

// A group met in person and asked together (Regulation 5.6 names "фокус
// топтогу талкуулоо", a discussion of 8–12 carefully chosen people) is one
// source: its answers are the group's, recorded by a member in field mode,
// and count once in results, however many took part. Who took part is not
// kept, only how many.

// GroupKind tells a focus group from any other group discussion.
type GroupKind string

const (
	// FocusGroup is a group of FocusMin to FocusMax people (5.6).
	FocusGroup GroupKind = "focus_group"
	// Discussion is a group of any other size (2 or more): the Regulation's
	// focus group has 8–12 people, so a smaller or larger one is recorded
	// for what it was, a group discussion.
	Discussion GroupKind = "discussion"
)

// The size of a focus group, Regulation 5.6.
const (
	FocusMin = 8
	FocusMax = 12
	// GroupMin is the fewest people a group record stands for; one person
	// is a questionnaire.
	GroupMin = 2
	// GroupMax bounds a typed number of participants (a village assembly
	// asked at once is already far beyond a discussion).
	GroupMax = 100
)

// KindOf is what a group of n people is recorded as. Below GroupMin it
// is no group at all ("").
func KindOf(n int) GroupKind {
	switch {
	case n >= FocusMin && n <= FocusMax:
		return FocusGroup
	case n >= GroupMin:
		return Discussion
	}
	return ""
}

// Gathering is the record of a group asked together: when and where it
// met, on what topic, who moderated it (a member, or a name typed when
// someone else did), how many took part, and the recorder's notes. It is
// attached to the one response holding the group's answers.
type Gathering struct {
	ID          int64
	SurveyID    int64
	ResponseID  int64
	Kind        GroupKind
	HeldOn      string // YYYY-MM-DD, Asia/Bishkek
	Place       string
	Topic       string
	ModeratorID int64  // a member of the group, 0 otherwise
	Moderator   string // the moderator's name as shown (a member's name too)
	People      int
	Notes       string
	RecordedBy  int64 // the member who recorded it
	CreatedAt   time.Time
	// Complete is whether the group's answers were recorded to the end
	// (only then does it count in results).
	Complete bool
	Village  string
}

// Check refuses a record that cannot be kept: a group of fewer than
// GroupMin people, a kind that does not match its size, a missing day,
// place or topic.
func (g Gathering) Check() error {
	if g.People < GroupMin || g.People > GroupMax {
		return fmt.Errorf("a group has %d to %d people, not %d", GroupMin, GroupMax, g.People)
	}
	if g.Kind != KindOf(g.People) {
		return fmt.Errorf("a group of %d is a %s, not a %s", g.People, KindOf(g.People), g.Kind)
	}
	if _, err := time.Parse("2006-01-02", g.HeldOn); err != nil {
		return fmt.Errorf("the day a group met, %q: %w", g.HeldOn, err)
	}
	if strings.TrimSpace(g.Place) == "" || strings.TrimSpace(g.Topic) == "" {
		return fmt.Errorf("a group's place and topic are required")
	}
	return nil
}
