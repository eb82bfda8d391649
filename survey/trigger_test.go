package survey_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/survey"
)

// A trigger sets a question to its calculation when the named answer
// changes, and only then (pyxform's test_trigger forms, as ODK runs
// them); read_only shows a value and is not answered.
func TestTriggerAndReadOnly(t *testing.T) {
	f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: t}
questions:
  - {type: note, name: intro, label: {ky: "Салам", ru: "Привет"}}
  - {type: integer, name: people, label: {ky: "Канча адам?", ru: "Сколько человек?"}}
  - {type: integer, name: first, calculation: "${people} * 2", trigger: "${people}"}
  - {type: integer, name: guess, label: {ky: "Канча литр?", ru: "Сколько литров?"}, calculation: "${people} * 10", trigger: "${people}"}
  - {type: text, name: total, label: {ky: "Бардыгы", ru: "Всего"}, calculation: "concat(${people}, ' адам')", read_only: yes}
  - {type: text, name: comment, label: {ky: "Дагы?", ru: "Ещё?"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := survey.NewRun(f, nil, time.Date(2026, 12, 2, 0, 0, 0, 0, monitoring.Bishkek))
	q, _ := r.Next("")
	q = answer(t, r, q, "")
	if q.Name != "people" {
		t.Fatalf("after the note: %s", q.Name)
	}
	q = answer(t, r, q, "3")
	if q.Name != "guess" { // first has no label: a hidden value
		t.Fatalf("after people: %s", q.Name)
	}
	if r.Answers["first"].Value != "6" || r.Answers["guess"].Value != "30" || r.Answers["guess"].Asked {
		t.Fatalf("set by the trigger: %+v %+v", r.Answers["first"], r.Answers["guess"])
	}
	q = answer(t, r, q, "25")
	if q.Name != "total" || !q.Display() || r.Answers["total"].Value != "3 адам" {
		t.Fatalf("the read-only question: %s %v %+v", q.Name, q.Display(), r.Answers["total"])
	}
	// An answer that does not change leaves what the trigger set alone.
	p, _ := f.Question("people")
	answer(t, r, p, "3")
	if r.Answers["guess"].Value != "25" {
		t.Fatalf("a repeated answer fired the trigger: %+v", r.Answers["guess"])
	}
	answer(t, r, p, "4")
	if r.Answers["first"].Value != "8" || r.Answers["guess"].Value != "40" || r.Answers["total"].Value != "4 адам" {
		t.Fatalf("a changed answer: %+v %+v %+v", r.Answers["first"], r.Answers["guess"], r.Answers["total"])
	}
	// Other answers do not recompute a triggered value.
	c, _ := f.Question("comment")
	answer(t, r, c, "жок")
	if r.Answers["first"].Value != "8" {
		t.Fatalf("recomputed without its trigger: %+v", r.Answers["first"])
	}
}

// A trigger must name a question the respondent answers, as one ${name}.
func TestTriggerRefused(t *testing.T) {
	for src, want := range map[string]string{
		`{type: dateTime, name: b, calculation: "now()", trigger: "${a}"}`:                     `${a} refers to no question`,
		`{type: dateTime, name: b, calculation: "now()", trigger: "6"}`:                        `only a reference to another question`,
		`{type: dateTime, name: b, calculation: "now()", trigger: "${c}"}`:                     `${c} is not answered by the respondent`,
		`{type: text, name: b, label: {ky: B}, calculation: "1", read_only: "${c} > 1"}`:       `conditions in read_only are not supported yet`,
		`{type: dateTime, name: b, calculation: "now()", trigger: "${intro}"}`:                 `${intro} is not answered by the respondent`,
		`{type: dateTime, name: b, label: {ky: B}, calculation: "now()", trigger: "${c} + 1"}`: `only a reference`,
	} {
		_, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: t}
questions:
  - {type: note, name: intro, label: {ky: "Салам"}}
  - {type: calculate, name: c, calculation: "5 + 4"}
  - ` + src + "\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
	}
}

// A form with a place, a trigger and a read-only value is written to an
// XLSForm and read back the same.
func TestTriggerAndReadOnlyRoundTrip(t *testing.T) {
	f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: t}
questions:
  - {type: geopoint, name: pit, label: {ky: "Кайда?"}}
  - {type: dateTime, name: seen, label: {ky: "Качан?"}, calculation: "now()", trigger: "${pit}"}
  - {type: text, name: total, label: {ky: "Бардыгы"}, calculation: "${pit}", read_only: yes}
`))
	if err != nil {
		t.Fatal(err)
	}
	back := roundTrip(t, f)
	if !reflect.DeepEqual(f.Questions, back.Questions) {
		t.Fatalf("read back differs:\n%+v\n%+v", f.Questions, back.Questions)
	}
}
