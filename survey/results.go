package survey

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Results are a survey's answers counted as the group reports them
// (KoBoToolbox's summary, U-Report's "N responded out of M polled"): per
// question how many were asked and answered, per option how many chose it,
// for numbers their mean and spread. A group asked together (a focus
// group, 5.6, or another group discussion) is one source: its answers
// count once, as one response's; only People counts everyone it stands
// for (a focus group of 9 counts 9 there).
type Results struct {
	Form      *Form
	Invited   int // residents invited (0 when unknown)
	Responses int // responses begun
	Complete  int // responses finished: the sources the counts stand on
	People    int // people the complete responses stand for
	Groups    int // complete responses of a group rather than one person
	// FocusGroups and Discussions split Groups by kind (KindOf their
	// size), with the people who took part in each kind.
	FocusGroups, FocusPeople      int
	Discussions, DiscussionPeople int
	Questions                     []QuestionResult
}

// QuestionResult is one question's count.
type QuestionResult struct {
	Question *Question
	// Asked is how many people were asked it (it was relevant), Answered
	// how many gave an answer.
	Asked, Answered int
	Options         []OptionCount // selects, in the form's order ("other" last)
	Numbers         *Numbers      // integer and decimal questions, and 1–5 scales
}

// OptionCount is how many chose one option; Percent is of those who answered.
type OptionCount struct {
	Choice  Choice
	Count   int
	Percent float64
}

// Numbers describe numeric answers: their mean, least and greatest, and
// for whole numbers from 1 to 10 (a scale) how many gave each.
type Numbers struct {
	Mean, Min, Max float64
	Scale          map[int]int
}

// Count tallies complete responses to a form (responses to another
// version of the same survey count by question name).
func Count(f *Form, responses []Response) *Results {
	r := &Results{Form: f, Responses: len(responses)}
	for i := range f.Questions {
		q := &f.Questions[i]
		if q.Type == Note || q.Type == Calculate {
			continue
		}
		r.Questions = append(r.Questions, QuestionResult{Question: q})
	}
	for _, resp := range responses {
		if !resp.Complete() {
			continue
		}
		weight := 1
		r.Complete++
		r.People += max(resp.GroupSize, 1)
		switch KindOf(resp.GroupSize) {
		case FocusGroup:
			r.Groups++
			r.FocusGroups++
			r.FocusPeople += resp.GroupSize
		case Discussion:
			r.Groups++
			r.Discussions++
			r.DiscussionPeople += resp.GroupSize
		}
		for i := range r.Questions {
			r.Questions[i].add(f, resp.Answers, weight)
		}
	}
	for i := range r.Questions {
		r.Questions[i].finish()
	}
	return r
}

func (qr *QuestionResult) add(f *Form, answers map[string]Answer, weight int) {
	a, ok := answers[qr.Question.Key()]
	if !ok || !a.Asked {
		return // not relevant to this respondent
	}
	qr.Asked += weight
	if a.Value == "" {
		return
	}
	qr.Answered += weight
	switch qr.Question.Type {
	case SelectOne, SelectMultiple:
		if qr.Options == nil {
			for _, c := range f.Options(qr.Question) {
				qr.Options = append(qr.Options, OptionCount{Choice: c})
			}
		}
		for _, v := range strings.Fields(a.Value) {
			for i := range qr.Options {
				if qr.Options[i].Choice.Name == v {
					qr.Options[i].Count += weight
				}
			}
		}
		if scale(qr.Question, f) {
			n, _ := strconv.Atoi(a.Value)
			qr.number(float64(n), weight)
		}
	case Integer, Decimal, Range:
		if x, err := strconv.ParseFloat(a.Value, 64); err == nil {
			qr.number(x, weight)
		}
	}
}

func (qr *QuestionResult) number(x float64, weight int) {
	s := qr.Numbers
	if s == nil {
		s = &Numbers{Min: math.Inf(1), Max: math.Inf(-1), Scale: map[int]int{}}
		qr.Numbers = s
	}
	// Mean holds the running sum until finish.
	s.Mean += x * float64(weight)
	s.Min, s.Max = min(s.Min, x), max(s.Max, x)
	if x == math.Trunc(x) && x >= 1 && x <= 10 {
		s.Scale[int(x)] += weight
	}
}

func (qr *QuestionResult) finish() {
	if qr.Options == nil && (qr.Question.Type == SelectOne || qr.Question.Type == SelectMultiple) {
		qr.Options = []OptionCount{} // asked of nobody yet: no counts
	}
	for i := range qr.Options {
		if qr.Answered > 0 {
			qr.Options[i].Percent = 100 * float64(qr.Options[i].Count) / float64(qr.Answered)
		}
	}
	if s := qr.Numbers; s != nil {
		n := 0
		for _, c := range s.Scale {
			n += c
		}
		if qr.Question.Type == Integer || qr.Question.Type == Decimal || qr.Question.Type == Range {
			n = qr.Answered
		}
		if n > 0 {
			s.Mean /= float64(n)
		}
	}
}

// scale reports whether a select's choices are the numbers 1… (a rating,
// as the report card's satisfaction 1–5), so a mean means something.
func scale(q *Question, f *Form) bool {
	if q.Type != SelectOne {
		return false
	}
	opts := f.Options(q)
	if len(opts) < 3 {
		return false
	}
	for i, c := range opts {
		if c.Name != strconv.Itoa(i+1) {
			return false
		}
	}
	return true
}

// ByVillage counts each village's responses apart, in the order given
// (the config's), leaving out villages with none.
func ByVillage(f *Form, responses []Response, villages []string) map[string]*Results {
	groups := map[string][]Response{}
	for _, r := range responses {
		groups[r.Village] = append(groups[r.Village], r)
	}
	out := map[string]*Results{}
	for _, v := range villages {
		if len(groups[v]) > 0 {
			out[v] = Count(f, groups[v])
		}
	}
	return out
}

// SatisfactionIndex is a rating's mean as 0–100 (1 is 0, 5 is 100), so
// rounds of the same report card compare; false when nobody answered.
func (r *Results) SatisfactionIndex(name string) (float64, bool) {
	for _, qr := range r.Questions {
		if qr.Question.Key() != name || qr.Numbers == nil || qr.Answered == 0 {
			continue
		}
		opts := r.Form.Options(qr.Question)
		top := float64(len(opts))
		if top < 2 {
			return 0, false
		}
		return 100 * (qr.Numbers.Mean - 1) / (top - 1), true
	}
	return 0, false
}

// Public is a count as shown in anything meant for the public: under 5
// (and above 0) it reads "<5", so a village's few respondents cannot be
// told apart.
func Public(n int) string {
	if n > 0 && n < 5 {
		return "<5"
	}
	return strconv.Itoa(n)
}

// Order sorts a question's options by count, most chosen first, "other"
// last, ties in the form's order: how a summary reads best.
func (qr *QuestionResult) Order() []OptionCount {
	out := slices.Clone(qr.Options)
	slices.SortStableFunc(out, func(a, b OptionCount) int {
		if (a.Choice.Name == "other") != (b.Choice.Name == "other") {
			if a.Choice.Name == "other" {
				return 1
			}
			return -1
		}
		return b.Count - a.Count
	})
	return out
}

// Number writes a number as the council's documents do: rounded to
// digits after the point, with a decimal comma, no trailing zeros
// («12,5», «4»).
func Number(x float64, digits int) string {
	p := math.Pow(10, float64(digits))
	return strings.Replace(strconv.FormatFloat(math.Round(x*p)/p, 'f', -1, 64), ".", ",", 1)
}
