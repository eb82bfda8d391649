package monitoring

import "testing"

// Only those present vote, each once; a decision says what was decided or
// whom it elected, and 3.5 elects the chair, the deputy or the secretary.
func TestMeetingDecisionCheck(t *testing.T) {
	for _, c := range []struct {
		why     string
		d       MeetingDecision
		present int
		ok      bool
	}{
		{"all present counted", MeetingDecision{Text: "x", For: 3, Against: 1}, 4, true},
		{"fewer votes than present", MeetingDecision{Text: "x", For: 2}, 4, true},
		{"one vote too many", MeetingDecision{Text: "x", For: 3, Against: 1, Abstained: 1}, 4, false},
		{"a negative count", MeetingDecision{Text: "x", For: 5, Against: -1}, 4, false},
		{"no text, no election", MeetingDecision{Text: " ", For: 1}, 4, false},
		{"an election without text", MeetingDecision{Elects: Deputy, Elected: 2, For: 4}, 4, true},
		{"an election of nobody", MeetingDecision{Text: "x", Elects: Secretary}, 4, false},
		{"an ordinary member is not elected", MeetingDecision{Text: "x", Elects: Ordinary, Elected: 2}, 4, false},
	} {
		if err := c.d.Check(c.present); (err == nil) != c.ok {
			t.Errorf("%s: Check = %v", c.why, err)
		} else if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("%s: code %q, want invalid", c.why, ErrorCode(err))
		}
	}
	if left := (MeetingDecision{For: 3, Against: 1}).VotesLeft(5); left != 1 {
		t.Errorf("VotesLeft = %d, want 1", left)
	}
}
