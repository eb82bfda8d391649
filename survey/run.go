package survey

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"bmjbt/monitoring"
	"bmjbt/survey/expr"
)

// Run is one respondent's way through a form, by ODK's rules: questions
// in order, one at a time; a question whose relevant is false is skipped
// and its answer cleared; calculations follow the answers; an answer is
// checked against its type, required and constraint before it counts.
// It holds no chat and no storage: the bot asks, Run decides.
type Run struct {
	Form    *Form
	Answers map[string]Answer
	// Today is the day today() reads (midnight in Asia/Bishkek), Now the
	// instant now() reads.
	Today, Now time.Time
	// Lang is the respondent's language, for jr:choice-name().
	Lang  string
	exprs map[string]*expr.Expr
}

// NewRun starts or resumes a run over answers given so far.
func NewRun(f *Form, answers map[string]Answer, today time.Time) *Run {
	if answers == nil {
		answers = map[string]Answer{}
	}
	r := &Run{Form: f, Answers: answers, Today: today, Now: today, exprs: map[string]*expr.Expr{}}
	r.Refresh()
	return r
}

// parsed is an expression of the form, parsed once. The form was checked
// at import, so a failure here means a form kept by an older version: it
// counts as no expression (always relevant, no constraint).
func (r *Run) parsed(src string) *expr.Expr {
	if src == "" {
		return nil
	}
	if e, ok := r.exprs[src]; ok {
		return e
	}
	e, err := expr.Parse(src)
	if err != nil {
		e = nil
	}
	r.exprs[src] = e
	return e
}

// env is what an expression sees: the answers, the value being checked
// (.) and, in a choice_filter, the choice's row.
type env struct {
	r       *Run
	current string
	row     *Choice
}

func (e env) Lookup(name string) (string, bool) {
	a, ok := e.r.Answers[name]
	return a.Value, ok && a.Value != ""
}
func (e env) Current() string  { return e.current }
func (e env) Today() time.Time { return e.r.Today }
func (e env) Now() time.Time   { return e.r.Now }

// ChoiceLabel is a choice's label in the respondent's language, for
// jr:choice-name(); "" for a value the question does not offer.
func (e env) ChoiceLabel(question, value string) string {
	q, ok := e.r.Form.Question(question)
	if !ok {
		return ""
	}
	for _, c := range e.r.Form.Options(q) {
		if c.Name == value {
			return c.Label.In(e.r.Lang)
		}
	}
	return ""
}
func (e env) Column(n string) string {
	if e.row == nil {
		return ""
	}
	switch n {
	case "name":
		return e.row.Name
	case "label":
		return e.row.Label.In("")
	}
	return e.row.Extra[n]
}

// Required says whether q must be answered, as the answers stand: yes in
// its required column, or a condition there that holds.
func (r *Run) Required(q *Question) bool {
	if q.Required {
		return true
	}
	e := r.parsed(q.RequiredIf)
	return e != nil && e.Bool(env{r: r, current: r.Answers[q.Key()].Value})
}

// Relevant says whether a question is asked, as the answers stand.
func (r *Run) Relevant(q *Question) bool {
	e := r.parsed(q.Relevant)
	return e == nil || e.Bool(env{r: r, current: r.Answers[q.Key()].Value})
}

// Refresh brings the answers in line with relevance and calculations, in
// form order: what became irrelevant is cleared, calculations computed.
// (One pass suffices: an expression may only look back, as the form
// reads, and pyxform's forms do in practice.)
func (r *Run) Refresh() {
	for i := range r.Form.Questions {
		q := &r.Form.Questions[i]
		if !r.Relevant(q) {
			delete(r.Answers, q.Key())
			continue
		}
		r.startValue(q)
		if a, ok := r.Answers[q.Key()]; ok && q.ChoiceFilter != "" && a.Value != "" {
			// A choice that no longer passes the filter (an earlier answer
			// changed after "back") is no answer any more.
			var kept []string
			for _, v := range strings.Fields(a.Value) {
				if r.offers(q, v) {
					kept = append(kept, v)
				}
			}
			if len(kept) == 0 {
				delete(r.Answers, q.Key())
			} else {
				a.Value = strings.Join(kept, " ")
				r.Answers[q.Key()] = a
			}
		}
		if computed(q) {
			v := ""
			if e := r.parsed(q.Calculation); e != nil {
				// The stored value is the current one: once() keeps it.
				v = e.String(env{r: r, current: r.Answers[q.Key()].Value})
			}
			r.Answers[q.Key()] = Answer{Value: v}
		}
	}
}

// Next is the question to ask after the one named ("" for the first), or
// false when the run is at its end.
func (r *Run) Next(after string) (*Question, bool) {
	started := after == ""
	for i := range r.Form.Questions {
		q := &r.Form.Questions[i]
		if !started {
			started = q.Key() == after
			continue
		}
		if asked(q) && r.Relevant(q) {
			return q, true
		}
	}
	return nil, false
}

// asked reports whether a question is put to the respondent: not a
// calculation, nor a value without a label (one a trigger sets), nor a
// select shown only as a header (appearance "label": KoBo's rating and
// question-matrix headers).
func asked(q *Question) bool {
	return q.Type != Calculate && len(q.Label) > 0 && !(q.Appearance == "label" && (q.Type == SelectOne || q.Type == SelectMultiple))
}

// Problem is why an answer does not count, in the respondent's language.
type Problem struct {
	// Kind is "type", "required" or "constraint"; Message is the form's own
	// message for it, "" when the form has none (the caller says its own).
	Kind    string
	Message string
}

func (p *Problem) Error() string { return p.Kind + ": " + p.Message }

// Answer checks an answer to q and, if it counts, keeps it (normalised:
// numbers with a dot, dates as YYYY-MM-DD, choices by name) and refreshes
// what depends on it. raw is "" for a skipped question.
func (r *Run) Answer(q *Question, raw, lang string) (*Problem, error) {
	v, ok := Normalize(q, raw)
	if !ok {
		return &Problem{Kind: "type"}, nil
	}
	// The candidate stands in the answers while it is checked: ODK reads
	// ${n} in n's own constraint (or required) as the value being given.
	was, had := r.Answers[q.Key()]
	r.Answers[q.Key()] = Answer{Value: v, Asked: true}
	required := r.Required(q)
	c := r.parsed(q.Constraint)
	fits := v == "" || c == nil || c.Bool(env{r: r, current: v}) // not checked on a blank answer (ODK)
	if had {
		r.Answers[q.Key()] = was
	} else {
		delete(r.Answers, q.Key())
	}
	if v == "" && required {
		return &Problem{Kind: "required", Message: q.RequiredMessage.In(lang)}, nil
	}
	if !fits {
		return &Problem{Kind: "constraint", Message: q.ConstraintMessage.In(lang)}, nil
	}
	if q.Type == SelectOne || q.Type == SelectMultiple {
		for _, name := range strings.Fields(v) {
			if !r.offers(q, name) {
				return nil, fmt.Errorf("question %s has no choice %q", q.Name, name)
			}
		}
	}
	changed := r.Answers[q.Key()].Value != v
	r.Answers[q.Key()] = Answer{Value: v, Asked: true}
	r.Refresh()
	if changed {
		r.fire(q.Name)
		r.Refresh()
	}
	return nil, nil
}

// Normalize reads a typed answer as its question's type expects; false
// when it is not one ("abc" for a number, "31.02.2026" for a date).
func Normalize(q *Question, raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", true
	}
	switch q.Type {
	case Integer:
		s := strings.TrimSuffix(digitGroups.Replace(raw), ".")
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "", false
		}
		return strconv.FormatInt(n, 10), true
	case Decimal:
		s := strings.ReplaceAll(digitGroups.Replace(raw), ",", ".")
		if strings.ContainsFunc(s, func(c rune) bool { return !strings.ContainsRune("0123456789.-+eE", c) }) {
			return "", false // "nan", "inf", "0x1p3": numbers to Go, not to a resident
		}
		f, err := strconv.ParseFloat(strings.TrimSuffix(s, "."), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", false
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	case Date:
		d, ok := ReadDate(raw)
		if !ok {
			return "", false
		}
		return d.Format("2006-01-02"), true
	case Time:
		h, m, ok := readClock(raw)
		if !ok {
			return "", false
		}
		return fmt.Sprintf("%02d:%02d:00.000+06:00", h, m), true
	case DateTime:
		day, clock, found := strings.Cut(strings.Join(strings.Fields(raw), " "), " ")
		d, ok := ReadDate(day)
		h, m, ok2 := readClock(clock)
		if !found || !ok || !ok2 {
			return "", false
		}
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, monitoring.Bishkek).Format("2006-01-02T15:04:05.000-07:00"), true
	case SelectMultiple:
		return strings.Join(strings.Fields(raw), " "), true
	case Geopoint:
		return ReadPoint(raw)
	case Range:
		n, ok := Normalize(&Question{Type: Decimal}, raw)
		if !ok || !slices.Contains(q.Steps(), n) {
			return "", false // not one of the range's numbers
		}
		return n, true
	}
	return raw, true
}

// readClock reads a time of day as people type it: "14:30", "14.30",
// "9:05".
func readClock(s string) (h, m int, ok bool) {
	hs, ms, found := strings.Cut(strings.ReplaceAll(strings.TrimSpace(s), ".", ":"), ":")
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if !found || err1 != nil || err2 != nil || len(ms) != 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

// digitGroups drops the spaces people put between thousands («10 000»,
// also the no-break ones phones insert).
var digitGroups = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "")

// ReadDate reads a day as people in Kyrgyzstan write it: "14.10.2025",
// "14/10/2025", "14-10-2025" or "2025-10-14"; a day that does not exist is
// no date.
func ReadDate(text string) (time.Time, bool) {
	text = strings.TrimSuffix(strings.TrimSpace(text), ".")
	for _, layout := range []string{"2.1.2006", "2/1/2006", "2-1-2006", "2006-01-02"} {
		if d, err := time.ParseInLocation(layout, text, monitoring.Bishkek); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// Options are the choices q offers as the answers stand (its
// choice_filter applied).
func (r *Run) Options(q *Question) []Choice {
	all := r.Form.Options(q)
	f := r.parsed(q.ChoiceFilter)
	if f == nil {
		return all
	}
	var out []Choice
	for i := range all {
		if f.Bool(env{r: r, row: &all[i]}) {
			out = append(out, all[i])
		}
	}
	return out
}

func (r *Run) offers(q *Question, name string) bool {
	for _, c := range r.Options(q) {
		if c.Name == name {
			return true
		}
	}
	return false
}

// Text is a label or hint with its ${name} references replaced by the
// answers (a choice by its label), as ODK shows them.
func (r *Run) Text(t Translations, lang string) string {
	s := plainMarkup(t.In(lang))
	if !strings.Contains(s, "${") {
		return s
	}
	return refPattern.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.TrimSpace(m[2 : len(m)-1])
		return r.Shown(name, lang)
	})
}

var (
	htmlTag  = regexp.MustCompile(`</?[a-zA-Z][^<>]*>`)
	emphasis = regexp.MustCompile(`(^|[^\p{L}\p{N}_*])(\*\*|__|\*|_)(\S(?:.*?\S)?)(\*\*|__|\*|_)($|[^\p{L}\p{N}_*])`)
	heading  = regexp.MustCompile(`(?m)^#{1,6}\s+`)
	link     = regexp.MustCompile(`\[([^\]]+)\]\(([^)]+)\)`)
)

// plainMarkup reads ODK's Markdown and HTML in a label as plain text (a
// chat shows them as typed): tags dropped, emphasis and heading marks
// removed, a link as "text (address)".
func plainMarkup(s string) string {
	if !strings.ContainsAny(s, "<*_#[") {
		return s
	}
	s = htmlTag.ReplaceAllString(s, "")
	s = link.ReplaceAllString(s, "$1 ($2)")
	s = heading.ReplaceAllString(s, "")
	return emphasis.ReplaceAllStringFunc(s, func(m string) string {
		g := emphasis.FindStringSubmatch(m)
		if g[2] != g[4] {
			return m
		}
		return g[1] + g[3] + g[5]
	})
}

// Shown is an answer as the respondent reads it: a choice's label, several
// joined by commas, a date as 14.10.2025.
func (r *Run) Shown(name, lang string) string {
	a := r.Answers[name]
	q, ok := r.Form.Question(name)
	if !ok || a.Value == "" {
		return a.Value
	}
	switch q.Type {
	case SelectOne, SelectMultiple:
		var labels []string
		for _, v := range strings.Fields(a.Value) {
			label := v
			for _, c := range r.Form.Options(q) {
				if c.Name == v {
					label = plainMarkup(c.Label.In(lang)) // a chat shows a choice as plain text
				}
			}
			labels = append(labels, label)
		}
		return strings.Join(labels, ", ")
	case Date:
		if d, err := time.Parse("2006-01-02", a.Value); err == nil {
			return d.Format("02.01.2006")
		}
	case Decimal:
		return strings.Replace(a.Value, ".", ",", 1) // a decimal comma, as people write it
	case Time:
		if len(a.Value) >= 5 {
			return a.Value[:5]
		}
	case DateTime:
		if d, err := time.Parse("2006-01-02T15:04:05.000-07:00", a.Value); err == nil {
			return d.In(monitoring.Bishkek).Format("02.01.2006 15:04")
		}
	case Geopoint:
		return shownPoint(a.Value)
	}
	return a.Value
}

// Before is the question asked before q in this run (for "back"): the
// last relevant question before it that was asked; false at the first.
func (r *Run) Before(q string) (*Question, bool) {
	var prev *Question
	for i := range r.Form.Questions {
		c := &r.Form.Questions[i]
		if c.Key() == q {
			return prev, prev != nil
		}
		if asked(c) && r.Relevant(c) {
			prev = c
		}
	}
	return nil, false
}

// FillMeta fills the form's metadata rows in answers, as ODK would but
// with nothing that identifies a resident: start and today when a
// response begins, end when it is finished, deviceid as "bmjbt:<channel>",
// username as the member who recorded it in field mode ("" otherwise).
// Phone numbers, e-mails and device serials stay empty.
func (f *Form) FillMeta(answers map[string]Answer, at time.Time, channel, member string, finished bool) {
	at = at.In(monitoring.Bishkek)
	for _, m := range f.Meta {
		if finished != (m.Type == "end") {
			continue // at the end only "end"; at the start all but it
		}
		v, set := "", true
		switch m.Type {
		case "start":
			set = answers[m.Name].Value == ""
			v = at.Format("2006-01-02T15:04:05.000-07:00")
		case "end":
			v = at.Format("2006-01-02T15:04:05.000-07:00")
		case "today":
			set = answers[m.Name].Value == ""
			v = at.Format("2006-01-02")
		case "deviceid":
			v = "bmjbt:" + channel
		case "username":
			v = member
		}
		if set {
			answers[m.Name] = Answer{Value: v}
		}
	}
}
