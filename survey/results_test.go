package survey_test

import (
	"math"
	"testing"
	"time"

	"bmjbt/survey"
)

func response(village string, group int, complete bool, answers map[string]string) survey.Response {
	r := survey.Response{Village: village, GroupSize: group, Answers: map[string]survey.Answer{}}
	for k, v := range answers {
		r.Answers[k] = survey.Answer{Value: v, Asked: true}
	}
	if complete {
		r.CompletedAt = time.Now()
	}
	return r
}

func result(t *testing.T, r *survey.Results, name string) survey.QuestionResult {
	t.Helper()
	for _, q := range r.Questions {
		if q.Question.Name == name {
			return q
		}
	}
	t.Fatalf("no result for %s", name)
	return survey.QuestionResult{}
}

// Counts as the group reports them: asked and answered per question (a
// skipped question is asked, not answered; an irrelevant one not asked),
// options with percentages of those who answered, the mean of a 1–5
// scale and of numbers, a focus group counted as one source, unfinished
// responses left out, villages apart, and the satisfaction index.
func TestResultsCountAsTheGroupReports(t *testing.T) {
	f := survey.Template()
	responses := []survey.Response{
		response("masy", 1, true, map[string]string{"problems": "cuts dirty", "satisfaction": "2", "household": "4", "comment": ""}),
		response("masy", 1, true, map[string]string{"problems": "none", "satisfaction": "4", "household": "6"}),
		response("kyzyl-tuu", 8, true, map[string]string{"problems": "cuts", "satisfaction": "1"}), // a focus group of 8
		response("masy", 1, false, map[string]string{"problems": "far", "satisfaction": "5"}),      // unfinished
	}
	r := survey.Count(f, responses)
	if r.Responses != 4 || r.Complete != 3 || r.People != 10 || r.Groups != 1 {
		t.Fatalf("responses %d, complete %d, people %d, groups %d", r.Responses, r.Complete, r.People, r.Groups)
	}
	p := result(t, r, "problems")
	if p.Asked != 3 || p.Answered != 3 {
		t.Fatalf("problems asked %d answered %d", p.Asked, p.Answered)
	}
	counts := map[string]int{}
	for _, o := range p.Options {
		counts[o.Choice.Name] = o.Count
	}
	if counts["cuts"] != 2 || counts["dirty"] != 1 || counts["none"] != 1 || counts["far"] != 0 {
		t.Fatalf("problem counts %v", counts)
	}
	if o := p.Order()[0]; o.Choice.Name != "cuts" || math.Abs(o.Percent-200.0/3) > 1e-9 {
		t.Fatalf("most chosen %+v", o)
	}
	if last := p.Order()[len(p.Order())-1]; last.Choice.Name != "other" {
		t.Fatalf("'other' not last: %+v", last)
	}
	s := result(t, r, "satisfaction")
	if s.Numbers == nil || math.Abs(s.Numbers.Mean-(2+4+1)/3.0) > 1e-9 || s.Numbers.Scale[1] != 1 {
		t.Fatalf("satisfaction %+v", s.Numbers)
	}
	if idx, ok := r.SatisfactionIndex("satisfaction"); !ok || math.Abs(idx-100*(7.0/3-1)/4) > 1e-9 {
		t.Fatalf("satisfaction index %v %v, want 33.3", idx, ok)
	}
	h := result(t, r, "household")
	if h.Asked != 2 || h.Numbers.Mean != 5 || h.Numbers.Min != 4 || h.Numbers.Max != 6 {
		t.Fatalf("household %+v %+v", h, h.Numbers)
	}
	c := result(t, r, "comment")
	if c.Asked != 1 || c.Answered != 0 {
		t.Fatalf("a skipped comment: asked %d answered %d", c.Asked, c.Answered)
	}
	by := survey.ByVillage(f, responses, []string{"masy", "kyzyl-tuu", "aral"})
	if len(by) != 2 || by["masy"].Complete != 2 || by["kyzyl-tuu"].People != 8 {
		t.Fatalf("by village: %d villages", len(by))
	}
	if idx, _ := by["masy"].SatisfactionIndex("satisfaction"); idx != 50 {
		t.Fatalf("Масы's index %v, want 50", idx)
	}
	for n, want := range map[int]string{0: "0", 1: "<5", 4: "<5", 5: "5", 12: "12"} {
		if got := survey.Public(n); got != want {
			t.Errorf("Public(%d) = %q, want %q", n, got, want)
		}
	}
}

// A focus group is 8–12 people (Regulation 5.6); a group of any other
// size is recorded as a group discussion. Each is one source: its answer
// counts once in a question's count and share, whatever its size.
func TestGroupsCountOnceByKind(t *testing.T) {
	for n, want := range map[int]survey.GroupKind{0: "", 1: "", 2: survey.Discussion, 7: survey.Discussion, 8: survey.FocusGroup,
		12: survey.FocusGroup, 13: survey.Discussion, 100: survey.Discussion} {
		if got := survey.KindOf(n); got != want {
			t.Errorf("KindOf(%d) = %q, want %q", n, got, want)
		}
	}
	f := survey.Template()
	r := survey.Count(f, []survey.Response{
		response("masy", 1, true, map[string]string{"satisfaction": "5"}),
		response("masy", 10, true, map[string]string{"satisfaction": "1"}), // a focus group
		response("masy", 12, true, map[string]string{"satisfaction": "1"}), // a focus group
		response("masy", 5, true, map[string]string{"satisfaction": "3"}),  // a group discussion
		response("masy", 30, true, map[string]string{"satisfaction": "3"}), // a group discussion
		response("masy", 9, false, map[string]string{"satisfaction": "3"}), // unfinished: not counted
	})
	if r.Complete != 5 || r.Groups != 4 || r.FocusGroups != 2 || r.FocusPeople != 22 || r.Discussions != 2 || r.DiscussionPeople != 35 || r.People != 58 {
		t.Fatalf("complete %d, groups %d, focus %d (%d people), discussions %d (%d people), people %d",
			r.Complete, r.Groups, r.FocusGroups, r.FocusPeople, r.Discussions, r.DiscussionPeople, r.People)
	}
	s := result(t, r, "satisfaction")
	if s.Answered != 5 || math.Abs(s.Numbers.Mean-13.0/5) > 1e-9 {
		t.Fatalf("satisfaction answered %d, mean %v: each group is one answer", s.Answered, s.Numbers.Mean)
	}
	g := survey.Gathering{Kind: survey.FocusGroup, People: 9, HeldOn: "2026-03-01", Place: "Мектеп", Topic: "Суу"}
	if err := g.Check(); err != nil {
		t.Fatal(err)
	}
	g.People = 7
	if err := g.Check(); err == nil {
		t.Fatal("a focus group of 7 was kept as a focus group")
	}
}
