package survey_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/survey"
)

// Issue 13: the same name in two groups is two questions, as pyxform
// allows: their answers are kept by group path, a ${name} that could mean
// either is refused where it is written, and or_other in a group follows
// its own select.
func TestTheSameNameInTwoGroups(t *testing.T) {
	_, err := readSurvey(t,
		[]any{"begin group", "water", "Суу"},
		[]any{"select_one yes_no", "ok", "Суу жакшыбы?"},
		[]any{"text", "comment", "Суу жөнүндө"},
		[]any{"end group"},
		[]any{"begin group", "roads", "Жолдор"},
		[]any{"select_one yes_no", "ok", "Жол жакшыбы?"},
		[]any{"text", "comment", "Жол жөнүндө", "${ok} = 'no'"},
		[]any{"end group"},
		[]any{"text", "other_note", "Дагы?"},
	)
	if err == nil || !strings.Contains(err.Error(), `survey sheet, row 8, column D "relevant": ${ok} is ambiguous: water/ok and roads/ok have that name`) {
		t.Fatalf("an ambiguous ${ok}: %v", err)
	}

	f, err := readSurvey(t,
		[]any{"begin group", "water", "Суу"},
		[]any{"select_multiple yes_no or_other", "ok", "Суу жакшыбы?"},
		[]any{"text", "comment", "Суу жөнүндө"},
		[]any{"end group"},
		[]any{"begin group", "roads", "Жолдор"},
		[]any{"select_multiple yes_no or_other", "ok", "Жол жакшыбы?"},
		[]any{"text", "comment", "Жол жөнүндө"},
		[]any{"end group"},
		[]any{"integer", "n", "Канча?"},
	)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, q := range f.Questions {
		keys = append(keys, q.Key())
	}
	if got := strings.Join(keys, " "); got != "water/ok water/ok_other water/comment roads/ok roads/ok_other roads/comment n" {
		t.Fatalf("keys: %s", got)
	}
	if got, want := keysOf(roundTrip(t, f)), keysOf(f); got != want {
		t.Fatalf("written and read back:\n%s\nwant\n%s", got, want)
	}
	r := survey.NewRun(f, nil, time.Date(2026, 12, 2, 0, 0, 0, 0, monitoring.Bishkek))
	q, _ := r.Next("")
	q = answer(t, r, q, "other") // water/ok
	if q.Key() != "water/ok_other" {
		t.Fatalf("after water/ok = other: %s", q.Key())
	}
	q = answer(t, r, q, "Түтүк эски")
	q = answer(t, r, q, "Суу жок")
	q = answer(t, r, q, "yes") // roads/ok: its own _other is not asked
	if q.Key() != "roads/comment" {
		t.Fatalf("after roads/ok = yes: %s", q.Key())
	}
	answer(t, r, q, "Жол жаман")
	want := map[string]string{"water/ok": "other", "water/ok_other": "Түтүк эски", "water/comment": "Суу жок", "roads/ok": "yes", "roads/comment": "Жол жаман"}
	for k, v := range want {
		if r.Answers[k].Value != v {
			t.Errorf("%s = %q, want %q", k, r.Answers[k].Value, v)
		}
	}
	if _, ok := r.Answers["comment"]; ok {
		t.Error("an answer kept under the bare name")
	}

	// Siblings still differ, in any case, as pyxform has them.
	_, err = readSurvey(t, []any{"text", "Age", "A"}, []any{"integer", "age", "B"})
	if err == nil || !strings.Contains(err.Error(), `row 3, column B "name": the name "age" is already used (survey sheet, row 2, column B "name")`) {
		t.Fatalf("siblings Age and age: %v", err)
	}
	_, err = readSurvey(t, []any{"begin group", "water", "Суу"}, []any{"text", "a", "A"}, []any{"text", "a", "B"}, []any{"end group"})
	if err == nil || !strings.Contains(err.Error(), `row 4, column B "name": the name "a" is already used (survey sheet, row 3, column B "name")`) {
		t.Fatalf("siblings with one name: %v", err)
	}
}

// A form whose names are all unique keeps answers by name, groups or not,
// as before group paths: responses stored then, and forms kept then
// (without paths), read the same.
func TestUniqueNamesKeepTheirKeys(t *testing.T) {
	f, err := readSurvey(t,
		[]any{"begin group", "water", "Суу"},
		[]any{"text", "comment", "Суу жөнүндө"},
		[]any{"end group"},
	)
	if err != nil {
		t.Fatal(err)
	}
	q := &f.Questions[0]
	if q.Key() != "comment" || f.PathOf(q) != "water/comment" {
		t.Fatalf("key %q, path %q", q.Key(), f.PathOf(q))
	}
	// A form as an older bmjbt kept it: no path, no shared mark.
	var old survey.Form
	if err := json.Unmarshal([]byte(`{"id":"w","title":"W","languages":["ky"],"groups":[{"name":"water","label":{"ky":"Суу"}}],
		"questions":[{"type":"text","name":"comment","group":"water","label":{"ky":"Суу жөнүндө"}}]}`), &old); err != nil {
		t.Fatal(err)
	}
	oq := &old.Questions[0]
	if oq.Key() != "comment" || old.PathOf(oq) != "water/comment" {
		t.Fatalf("old form: key %q, path %q", oq.Key(), old.PathOf(oq))
	}
	r := survey.NewRun(&old, map[string]survey.Answer{"comment": {Value: "Жакшы", Asked: true}}, time.Now())
	if r.Shown("comment", "ky") != "Жакшы" {
		t.Fatalf("an old answer: %q", r.Shown("comment", "ky"))
	}
}

// Metadata rows keep where they stood, through a form written back too:
// exports put their columns there.
func TestMetadataKeepsItsPlace(t *testing.T) {
	f, err := readSurvey(t,
		[]any{"start", "start"},
		[]any{"text", "a", "A"},
		[]any{"begin group", "g", "G"},
		[]any{"text", "b", "B"},
		[]any{"end group"},
		[]any{"end", "end"},
		[]any{"text", "c", "C"},
		[]any{"today", "today"},
	)
	if err != nil {
		t.Fatal(err)
	}
	want := "start@0 end@2 today@3"
	if got := metaAt(f); got != want {
		t.Fatalf("metadata %s, want %s", got, want)
	}
	if got := metaAt(roundTrip(t, f)); got != want {
		t.Fatalf("written back: %s, want %s", got, want)
	}
}

func metaAt(f *survey.Form) string {
	var out []string
	for _, m := range f.Meta {
		out = append(out, m.Name+"@"+strconv.Itoa(m.At))
	}
	return strings.Join(out, " ")
}
