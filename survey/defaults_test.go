package survey_test

import (
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/survey"
)

// A default is dynamic by pyxform's rule, evaluated as the response
// starts; a static one is only offered, and a read-only one shows it.
func TestDynamicDefaults(t *testing.T) {
	for def, want := range map[string]bool{
		"today()": true, "${a}": true, "5 * 2": true, "10 div 3": true, "-1": true,
		"3": false, "Масы": false, "2026-10-14": false, "": false,
	} {
		q := &survey.Question{Type: survey.Integer, Default: def}
		if def == "2026-10-14" {
			q.Type = survey.Date
		}
		if got := survey.DynamicDefault(q); got != want {
			t.Errorf("%q dynamic: %v, want %v", def, got, want)
		}
	}
	f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: d}
questions:
  - {type: integer, name: a, label: {ky: A}, default: "3"}
  - {type: date, name: day, label: {ky: Күн}, default: "today()"}
  - {type: text, name: echo, label: {ky: E}, default: "concat('x', ${a})"}
  - {type: integer, name: later, label: {ky: L}, default: "${a} + 1", relevant: "${a} > 0"}
  - {type: text, name: place, label: {ky: P}, default: "Масы", read_only: yes}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := survey.NewRun(f, nil, time.Date(2026, 3, 1, 0, 0, 0, 0, monitoring.Bishkek))
	for name, want := range map[string]string{"a": "", "day": "2026-03-01", "echo": "x", "place": "Масы"} {
		if got := r.Answers[name]; got.Value != want || got.Asked {
			t.Errorf("%s starts as %+v, want %q", name, got, want)
		}
	}
	if _, ok := r.Answers["later"]; ok {
		t.Error("a question not relevant yet has a value")
	}
	a, _ := f.Question("a")
	answer(t, r, a, "4")
	if r.Answers["echo"].Value != "x" || r.Answers["later"].Value != "5" {
		t.Errorf("after a: echo %+v (evaluated once), later %+v (when it became relevant)", r.Answers["echo"], r.Answers["later"])
	}
	if _, err := survey.ReadYAML(strings.NewReader("settings: {form_id: d}\nquestions:\n  - {type: integer, name: a, label: {ky: A}, default: \"${b} + 1\"}\n")); err == nil ||
		!strings.Contains(err.Error(), "${b} refers to no question") {
		t.Errorf("a dynamic default is checked at import: %v", err)
	}
}
