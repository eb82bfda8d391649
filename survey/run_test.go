package survey_test

import (
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/survey"
)

func templateRun(t *testing.T) *survey.Run {
	t.Helper()
	today := time.Date(2026, 12, 2, 0, 0, 0, 0, monitoring.Bishkek)
	return survey.NewRun(survey.Template(), nil, today)
}

// answer gives the open question an answer and moves on, as the bot does.
func answer(t *testing.T, r *survey.Run, q *survey.Question, raw string) *survey.Question {
	t.Helper()
	p, err := r.Answer(q, raw, "ky")
	if err != nil || p != nil {
		t.Fatalf("%s = %q: %v %v", q.Name, raw, p, err)
	}
	next, _ := r.Next(q.Key())
	return next
}

func names(r *survey.Run, qs []survey.Choice) string {
	var out []string
	for _, c := range qs {
		out = append(out, c.Name)
	}
	return strings.Join(out, " ")
}

// The template walked through as a resident would: skip logic, a choice
// filter, constraints with the form's messages, calculations, a group
// that becomes irrelevant and takes its answers with it.
func TestRunFollowsTheFormsRules(t *testing.T) {
	r := templateRun(t)
	q, ok := r.Next("")
	if !ok || q.Name != "intro" {
		t.Fatalf("first question %v", q)
	}
	q = answer(t, r, q, "")
	if q.Name != "consent" {
		t.Fatalf("after the note: %s", q.Name)
	}
	if p, _ := r.Answer(q, "", "ky"); p == nil || p.Kind != "required" {
		t.Fatalf("a required question left blank: %v", p)
	}
	q = answer(t, r, q, "OK")
	q = answer(t, r, q, "kyzyl_tuu")
	if q.Name != "water_point" || names(r, r.Options(q)) != "bazaar" {
		t.Fatalf("taps of Kyzyl-Tuu: %s %s", q.Name, names(r, r.Options(q)))
	}
	if _, err := r.Answer(q, "school", "ky"); err == nil {
		t.Fatal("a tap of another village was taken")
	}
	q = answer(t, r, q, "bazaar")
	// Back to the village: a tap of Kyzyl-Tuu no longer passes the filter
	// for Масы, so its answer goes.
	village, _ := r.Form.Question("village")
	if _, err := r.Answer(village, "masy", "ky"); err != nil {
		t.Fatal(err)
	}
	if _, kept := r.Answers["water_point"]; kept {
		t.Fatal("a tap of another village kept after the village changed")
	}
	if _, err := r.Answer(village, "kyzyl_tuu", "ky"); err != nil {
		t.Fatal(err)
	}
	wp, _ := r.Form.Question("water_point")
	answer(t, r, wp, "bazaar")
	for _, bad := range []struct{ raw, kind string }{{"көп", "type"}, {"0", "constraint"}, {"31", "constraint"}} {
		p, err := r.Answer(q, bad.raw, "ru")
		if err != nil || p == nil || p.Kind != bad.kind {
			t.Fatalf("household %q: %v %v, want %s", bad.raw, p, err, bad.kind)
		}
		if bad.kind == "constraint" && p.Message != "Введите число от 1 до 30." {
			t.Fatalf("the form's message: %q", p.Message)
		}
	}
	if v, ok := survey.Normalize(q, "10\u00a0000"); !ok || v != "10000" {
		t.Fatalf("«10 000» read as %q, %v", v, ok)
	}
	q = answer(t, r, q, " 5. ")
	if r.Answers["household"].Value != "5" {
		t.Fatalf("household kept as %q", r.Answers["household"].Value)
	}
	q = answer(t, r, q, "7,5") // a decimal comma
	if r.Answers["water_hours"].Value != "7.5" {
		t.Fatalf("hours kept as %q", r.Answers["water_hours"].Value)
	}
	if p, _ := r.Answer(q, "none cuts", "ky"); p == nil || p.Kind != "constraint" {
		t.Fatalf("'none' with another problem: %v", p)
	}
	q = answer(t, r, q, "cuts other")
	if q.Name != "problems_other" {
		t.Fatalf("or_other asks for the other answer: %s", q.Name)
	}
	q = answer(t, r, q, "Баасы кымбат")
	if q.Name != "since" {
		t.Fatalf("the group's first question: %s", q.Name)
	}
	if p, _ := r.Answer(q, "03.12.2026", "ky"); p == nil || p.Kind != "constraint" {
		t.Fatalf("a day to come: %v", p)
	}
	if p, _ := r.Answer(q, "31.02.2026", "ky"); p == nil || p.Kind != "type" {
		t.Fatalf("a day that does not exist: %v", p)
	}
	q = answer(t, r, q, "14.10.2026")
	if r.Answers["since"].Value != "2026-10-14" || r.Shown("since", "ky") != "14.10.2026" {
		t.Fatalf("date kept %q shown %q", r.Answers["since"].Value, r.Shown("since", "ky"))
	}
	q = answer(t, r, q, "yes")
	if r.Answers["problem_count"].Value != "2" {
		t.Fatalf("calculated count %q", r.Answers["problem_count"].Value)
	}
	if q.Name != "satisfaction" {
		t.Fatalf("after the group: %s", q.Name)
	}
	// Back to the problems: "none" now makes the group irrelevant, and its
	// answers (and the other answer) are cleared.
	prev, _ := r.Before("satisfaction")
	if prev.Name != "reported" {
		t.Fatalf("before satisfaction: %s", prev.Name)
	}
	problems, _ := r.Form.Question("problems")
	if next := answer(t, r, problems, "none"); next.Name != "satisfaction" {
		t.Fatalf("with no problem, next is %s", next.Name)
	}
	for _, gone := range []string{"since", "reported", "problems_other"} {
		if _, ok := r.Answers[gone]; ok {
			t.Errorf("%s kept after it became irrelevant", gone)
		}
	}
	if r.Answers["problem_count"].Value != "1" {
		t.Fatalf("recalculated count %q", r.Answers["problem_count"].Value)
	}
	q = answer(t, r, q, "4")
	q = answer(t, r, q, "") // the comment, skipped
	if q.Name != "thanks" {
		t.Fatalf("last: %s", q.Name)
	}
	if _, more := r.Next("thanks"); more {
		t.Fatal("the run goes on after its last question")
	}
	if a := r.Answers["comment"]; !a.Asked || a.Value != "" {
		t.Fatalf("a skipped question: %+v", a)
	}
	if r.Shown("satisfaction", "ru") != "4 — Скорее устраивает" {
		t.Fatalf("shown %q", r.Shown("satisfaction", "ru"))
	}
}

// Labels show earlier answers where the form refers to them.
func TestRunTextShowsAnswers(t *testing.T) {
	r := templateRun(t)
	village, _ := r.Form.Question("village")
	if _, err := r.Answer(village, "masy", "ky"); err != nil {
		t.Fatal(err)
	}
	if got := r.Text(survey.Translations{"ky": "${village} айылында", "ru": "В селе ${village}"}, "ru"); got != "В селе Масы" {
		t.Fatalf("%q", got)
	}
}

// once() keeps a calculation's first value; jr:choice-name() shows a
// choice's label in the respondent's language.
func TestRunCalculationsKeepOnceAndNameChoices(t *testing.T) {
	f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: t, title: T}
questions:
  - {type: note, name: intro, label: {ky: Салам, ru: Здравствуйте}}
  - type: select_one
    name: village
    label: {ky: "Айыл?", ru: "Село?"}
    choices:
      - {name: masy, label: {ky: Масы, ru: Масы}}
      - {name: aral, label: {ky: Арал, ru: Арал}}
  - {type: calculate, name: first, calculation: "once(${village})"}
  - {type: calculate, name: place, calculation: "jr:choice-name(${village}, '${village}')"}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := survey.NewRun(f, nil, time.Date(2026, 12, 2, 0, 0, 0, 0, monitoring.Bishkek))
	r.Lang = "ru"
	q, _ := f.Question("village")
	if p, err := r.Answer(q, "aral", "ru"); p != nil || err != nil {
		t.Fatal(p, err)
	}
	if r.Answers["first"].Value != "aral" || r.Answers["place"].Value != "Арал" {
		t.Fatalf("first %q, place %q", r.Answers["first"].Value, r.Answers["place"].Value)
	}
	if _, err := r.Answer(q, "masy", "ru"); err != nil {
		t.Fatal(err)
	}
	if r.Answers["first"].Value != "aral" || r.Answers["place"].Value != "Масы" {
		t.Fatalf("after a change: first %q (once keeps it), place %q", r.Answers["first"].Value, r.Answers["place"].Value)
	}
}

// KoBo's metadata rows are kept and filled with nothing personal: start
// and today when a response begins, end when it is finished, deviceid as
// the channel, username only for a member in field mode.
func TestMetadataIsFilledWithoutPersonalData(t *testing.T) {
	f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: m, title: M}
questions:
  - {type: start, name: start}
  - {type: end, name: end}
  - {type: today, name: today}
  - {type: deviceid, name: deviceid}
  - {type: username, name: username}
  - {type: phonenumber, name: phonenumber}
  - {type: note, name: intro, label: {ky: Салам, ru: Привет}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Meta) != 6 || f.Meta[0] != (survey.Meta{Type: "start", Name: "start"}) {
		t.Fatalf("meta %+v", f.Meta)
	}
	a := map[string]survey.Answer{}
	begin := time.Date(2026, 12, 2, 18, 30, 0, 0, time.UTC) // 00:30 on the 3rd in Bishkek
	f.FillMeta(a, begin, "whatsapp", "", false)
	f.FillMeta(a, begin.Add(10*time.Minute), "", "", true)
	want := map[string]string{"start": "2026-12-03T00:30:00.000+06:00", "end": "2026-12-03T00:40:00.000+06:00", "today": "2026-12-03",
		"deviceid": "bmjbt:whatsapp", "username": "", "phonenumber": ""}
	for k, v := range want {
		if a[k].Value != v {
			t.Errorf("%s = %q, want %q", k, a[k].Value, v)
		}
	}
	field := map[string]survey.Answer{}
	f.FillMeta(field, begin, "field", "А. Осмонова", false)
	if field["username"].Value != "А. Осмонова" || field["deviceid"].Value != "bmjbt:field" {
		t.Errorf("field mode: %+v", field)
	}
}

// required may be a condition (KoBo's custom logic): a blank answer is
// refused only while it holds.
func TestRequiredAsACondition(t *testing.T) {
	f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: r, title: R}
questions:
  - {type: note, name: intro, label: {ky: "Салам", ru: "Привет"}}
  - {type: integer, name: n, label: {ky: "N", ru: "N"}}
  - {type: text, name: why, label: {ky: "Эмне үчүн?", ru: "Почему?"}, required: "${n} > 3", required_message: {ru: "Объясните, пожалуйста."}}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := survey.NewRun(f, nil, time.Now())
	n, _ := f.Question("n")
	why, _ := f.Question("why")
	if _, err := r.Answer(n, "2", "ru"); err != nil {
		t.Fatal(err)
	}
	if p, _ := r.Answer(why, "", "ru"); p != nil || r.Required(why) {
		t.Fatalf("with n = 2 the question is optional: %v", p)
	}
	if _, err := r.Answer(n, "5", "ru"); err != nil {
		t.Fatal(err)
	}
	if p, _ := r.Answer(why, "", "ru"); p == nil || p.Kind != "required" || p.Message != "Объясните, пожалуйста." {
		t.Fatalf("with n = 5 a blank answer: %v", p)
	}
}

// ODK's Markdown and HTML in labels read as plain text in a chat.
func TestLabelsLoseTheirMarkup(t *testing.T) {
	r := templateRun(t)
	for in, want := range map[string]string{
		"**Маанилүү**: суу *таза* беле?":                   "Маанилүү: суу таза беле?",
		"# Суу\n<span style=\"color:red\">Эскертүү</span>": "Суу\nЭскертүү",
		"Кененирээк: [сайт](https://example.kg)":           "Кененирээк: сайт (https://example.kg)",
		"snake_case_name калат":                            "snake_case_name калат",
	} {
		if got := r.Text(survey.Translations{"ky": in}, "ky"); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

// A constraint may name its own question (${n} for .), as ODK reads it;
// what Go reads as a number but a resident never writes is no number.
func TestConstraintOnItselfAndOddNumbers(t *testing.T) {
	f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: c, title: C}
questions:
  - {type: note, name: intro, label: {ky: "Салам", ru: "Привет"}}
  - {type: integer, name: n, label: {ky: "N", ru: "N"}, constraint: "${n} >= 1 and ${n} <= 30"}
  - {type: decimal, name: x, label: {ky: "X", ru: "X"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := survey.NewRun(f, nil, time.Now())
	n, _ := f.Question("n")
	if p, err := r.Answer(n, "5", "ru"); p != nil || err != nil || r.Answers["n"].Value != "5" {
		t.Fatalf("5 for n in 1–30: %v %v", p, err)
	}
	if p, _ := r.Answer(n, "50", "ru"); p == nil || p.Kind != "constraint" || r.Answers["n"].Value != "5" {
		t.Fatalf("50 for n: %v, n kept as %q", p, r.Answers["n"].Value)
	}
	x, _ := f.Question("x")
	for _, odd := range []string{"nan", "inf", "Infinity", "0x1p3", "1e400"} {
		if v, ok := survey.Normalize(x, odd); ok {
			t.Errorf("%q read as the number %q", odd, v)
		}
	}
	if v, ok := survey.Normalize(x, "-2,5"); !ok || v != "-2.5" {
		t.Errorf("-2,5 read as %q %v", v, ok)
	}
}

// A range takes the numbers of its steps only; parameters that make no
// range are refused at import.
func TestRangeQuestions(t *testing.T) {
	f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: g, title: G}
questions:
  - {type: note, name: intro, label: {ky: "Салам", ru: "Привет"}}
  - {type: range, name: r, label: {ky: "R", ru: "R"}, parameters: "start=0 end=1 step=0.25"}
`))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := f.Question("r")
	if got := strings.Join(r.Steps(), " "); got != "0 0.25 0.5 0.75 1" {
		t.Fatalf("steps %q", got)
	}
	for raw, want := range map[string]string{"0,5": "0.5", "1": "1", "0.3": "", "2": ""} {
		v, ok := survey.Normalize(r, raw)
		if ok != (want != "") || v != want {
			t.Errorf("%q → %q %v, want %q", raw, v, ok, want)
		}
	}
	_, err = survey.ReadYAML(strings.NewReader(`
settings: {form_id: g, title: G}
questions:
  - {type: range, name: r, label: {ky: "R", ru: "R"}, parameters: "start=5 end=1"}
`))
	if err == nil || !strings.Contains(err.Error(), "cannot be asked") {
		t.Fatalf("a range from 5 to 1: %v", err)
	}
}

// Times and moments typed as people write them, kept as ODK keeps them.
func TestTimeAndDateTime(t *testing.T) {
	tm := &survey.Question{Type: survey.Time}
	dt := &survey.Question{Type: survey.DateTime}
	for _, c := range []struct {
		q       *survey.Question
		raw     string
		want    string
		wantsOK bool
	}{
		{tm, "14:30", "14:30:00.000+06:00", true},
		{tm, "9.05", "09:05:00.000+06:00", true},
		{tm, "25:00", "", false},
		{tm, "14:3", "", false},
		{dt, "14.10.2026 14:30", "2026-10-14T14:30:00.000+06:00", true},
		{dt, "2026-10-14  9:05", "2026-10-14T09:05:00.000+06:00", true},
		{dt, "14.10.2026", "", false},
	} {
		got, ok := survey.Normalize(c.q, c.raw)
		if ok != c.wantsOK || got != c.want {
			t.Errorf("%s %q → %q %v, want %q", c.q.Type, c.raw, got, ok, c.want)
		}
	}
}
