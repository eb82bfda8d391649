package documents

import (
	"math"
	"strconv"
	"strings"

	"bmjbt/catalog"
	"bmjbt/survey"
)

// summary is what the XLSX's second sheet and the PDF report: the counts
// of every complete response, and each village's apart.
type summary struct {
	all *survey.Results
	// online is how many complete responses came from residents answering
	// in a chat (the invited); field the people members met in person or in
	// focus groups.
	online, field int
	villages      []villageResults // the config's order, then codes it lacks
	satisfaction  bool             // the form asks survey.Satisfaction as a rating
}

type villageResults struct {
	name string
	res  *survey.Results
}

// collect keeps the complete responses (the only ones counted) while a
// raw table streams them.
func collect(into *[]survey.Response, r survey.Response) {
	if r.Complete() {
		*into = append(*into, r)
	}
}

func (s SurveyResults) summarize(t *rawTable, responses []survey.Response) summary {
	keyed := make([]survey.Response, len(responses))
	for i, r := range responses {
		keyed[i] = t.inUnion(r)
	}
	responses = keyed
	sum := summary{all: survey.Count(t.form, responses)}
	sum.all.Invited = s.Invited
	var codes []string
	seen := map[string]bool{}
	for _, v := range s.Muni.Villages {
		codes, seen[v.Code] = append(codes, v.Code), true
	}
	for _, r := range responses {
		if r.ResidentID != 0 {
			sum.online++
		} else {
			sum.field += max(r.GroupSize, 1)
		}
		if r.Village != "" && !seen[r.Village] {
			codes, seen[r.Village] = append(codes, r.Village), true
		}
	}
	by := survey.ByVillage(t.form, responses, codes)
	for _, code := range codes {
		res, ok := by[code]
		if !ok {
			continue
		}
		name := code
		if v, ok := s.Muni.Village(code); ok {
			name = v.Name.In(s.Lang)
		}
		sum.villages = append(sum.villages, villageResults{name: name, res: res})
	}
	for _, qr := range sum.all.Questions {
		if qr.Question.Name == survey.Satisfaction && qr.Question.Type == survey.SelectOne && len(t.form.Options(qr.Question)) >= 2 {
			sum.satisfaction = true
		}
	}
	return sum
}

// groupLines say, when groups were recorded in field mode, how many
// answers the counts stand on, a group asked together being one answer,
// not one per participant (Regulation 5.6); then the focus groups (8–12
// people) and the other group discussions apart, with their participants.
// count writes a count (public's "<5" where the public reads it).
func (s SurveyResults) groupLines(sum summary, count func(int) string) []string {
	all := sum.all
	if all.Groups == 0 {
		return nil
	}
	lines := []string{s.t("results.sources", catalog.Args{"Count": count(all.Complete)})}
	if all.FocusGroups > 0 {
		lines = append(lines, s.t("results.focus_groups", catalog.Args{"Count": count(all.FocusGroups), "People": count(all.FocusPeople)}))
	}
	if all.Discussions > 0 {
		lines = append(lines, s.t("results.discussions", catalog.Args{"Count": count(all.Discussions), "People": count(all.DiscussionPeople)}))
	}
	return lines
}

// question finds a question's count in results by key (a village's
// results hold the same questions in the same order).
func question(r *survey.Results, name string) *survey.QuestionResult {
	for i := range r.Questions {
		if r.Questions[i].Question.Key() == name {
			return &r.Questions[i]
		}
	}
	return nil
}

// optionCount is a choice's count in a question's result (0 when nobody
// answered it there).
func optionCount(qr *survey.QuestionResult, choice string) (int, float64) {
	if qr == nil {
		return 0, 0
	}
	for _, o := range qr.Options {
		if o.Choice.Name == choice {
			return o.Count, o.Percent
		}
	}
	return 0, 0
}

// decimal writes a number as the documents do: a decimal comma, one
// digit after it unless whole.
func decimal(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return thousands(int(x))
	}
	return strings.Replace(strconv.FormatFloat(x, 'f', 1, 64), ".", ",", 1)
}

// thousands writes a count with a no-break space between thousands
// ("5 000"), as GLOSSARY.md asks.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00A0')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// percent writes a share as "45%" (whole percents read best in a table).
func percent(p float64) string { return strconv.Itoa(int(math.Round(p))) + "%" }

// public is a count as the PDF shows it: under 5 "<5" (survey.Public).
func public(n int) string {
	if s := survey.Public(n); s == "<5" {
		return s
	}
	return thousands(n)
}

// minPublic is the fewest answers a share is shown for in the PDF: below
// it a percentage would tell the few apart.
const minPublic = 5
