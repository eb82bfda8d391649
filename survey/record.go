package survey

import (
	"fmt"

	"math/rand/v2"
	"time"

	"bmjbt/monitoring"
)

// State is where a survey stands. A survey is drafted, opened (residents
// invited and answering), paused (nobody new is asked; answers in hand
// still count) and closed for good.
type State string

const (
	Draft  State = "draft"
	Open   State = "open"
	Paused State = "paused"
	Closed State = "closed"
)

// Move checks that a survey may go from s to next: a closed survey stays
// closed (its results are what the group reports), and a draft is opened
// before it can pause.
func (s State) Move(next State) error {
	ok := false
	switch s {
	case Draft:
		ok = next == Open || next == Closed
	case Open:
		ok = next == Paused || next == Closed
	case Paused:
		ok = next == Open || next == Closed
	}
	if !ok {
		return fmt.Errorf("a %s survey cannot be %s", s, next)
	}
	return nil
}

// Sampling is a survey's sampling guide (Regulation 5.6): how respondents
// are chosen, who they are, where, and how many are planned.
type Sampling struct {
	Method      string   // e.g. "all subscribers", "random sample"
	TargetGroup string   // e.g. "households using drinking water"
	Villages    []string // village codes; none means every village
	Planned     int      // planned number of respondents
}

// Record is a survey as the group keeps it: its form's id and title, its
// state, sampling guide and dates (YYYY-MM-DD in Asia/Bishkek, "" unset).
type Record struct {
	ID           int64
	Municipality string
	FormID       string
	Title        string
	State        State
	Sampling     Sampling
	StartsOn     string
	EndsOn       string
	CreatedAt    time.Time
	// Object is what the survey monitors (2.3): a service code,
	// "project:CODE" or "provider:CODE"; "" when it names none.
	Object string
	// NoticeWaiver is why it was launched without a notice to the object's
	// stakeholders beforehand (5.2), printed in its results.
	NoticeWaiver string
}

// Version is one import of a survey's form; responses keep theirs.
type Version struct {
	ID         int64
	SurveyID   int64
	Version    string
	Form       []byte // the form as JSON
	ImportedAt time.Time
}

// Answer is one question's answer in a response. Asked tells a question
// skipped (asked, left blank) from one never asked (not relevant).
type Answer struct {
	Value string `json:"v"`
	Asked bool   `json:"asked"`
}

// Response is one person's answers to a survey (or, in field mode, a
// member's record of people met in person: GroupSize of them).
type Response struct {
	ID          int64
	SurveyID    int64
	VersionID   int64
	ResidentID  int64 // 0 in field mode
	MemberID    int64 // the member who recorded it in field mode
	GroupSize   int
	Channel     string
	Village     string
	UUID        string
	Answers     map[string]Answer
	StartedAt   time.Time
	CompletedAt time.Time // zero while in progress
}

// Complete reports whether the respondent reached the end.
func (r Response) Complete() bool { return !r.CompletedAt.IsZero() }

// Subscriber is a resident who agreed to be asked, with their village.
type Subscriber struct {
	monitoring.Resident
	Village string
}

// Invitation is one message of a survey's launch or reminder: the same
// words to every resident of one channel who reads one language.
type Invitation struct {
	Channel   string
	Payload   []byte // the reply, in the residents' language
	Residents []Subscriber
}

// Sample picks n of ids at random (all of them when n is 0 or not
// smaller), keeping their order: a random sample of the planned size.
func Sample(ids []int64, n int, r *rand.Rand) []int64 {
	if n <= 0 || n >= len(ids) {
		return ids
	}
	picked := make(map[int]bool, n)
	for _, i := range r.Perm(len(ids))[:n] {
		picked[i] = true
	}
	out := make([]int64, 0, n)
	for i, id := range ids {
		if picked[i] {
			out = append(out, id)
		}
	}
	return out
}

// Pick is a random sample of n subscribers (all when n is 0 or not
// smaller), in the order they first wrote.
func Pick(subs []Subscriber, n int, r *rand.Rand) []Subscriber {
	ids := make([]int64, len(subs))
	byID := make(map[int64]Subscriber, len(subs))
	for i, s := range subs {
		ids[i], byID[s.ID] = s.ID, s
	}
	picked := Sample(ids, n, r)
	out := make([]Subscriber, len(picked))
	for i, id := range picked {
		out[i] = byID[id]
	}
	return out
}
