package survey_test

import (
	"reflect"
	"strings"
	"testing"

	"bmjbt/survey"
)

const yamlForm = `
settings:
  form_id: water
  title: Суу
  version: "2"
  default_language: Kyrgyz (ky)
questions:
  - type: select_one
    name: village
    label: {ky: "Айыл?", ru: "Село?"}
    required: yes
    choices:
      - {name: masy, label: {ky: Масы, ru: Масы}}
      - {name: aral, label: {ky: Арал, ru: Арал}}
  - type: select_one
    name: tap
    list: taps
    label: {ky: "Кран?", ru: "Колонка?"}
    choice_filter: village = ${village}
    choices:
      - {name: school, label: {ky: Мектеп, ru: Школа}, village: masy}
      - {name: bazaar, label: {ky: Базар, ru: Рынок}, village: aral}
  - type: group
    name: details
    label: {ky: Кененирээк, ru: Подробнее}
    relevant: ${village} = 'masy'
    questions:
      - type: integer
        name: household
        label: Канча адам
        relevant: ${tap} != ''
        constraint: . > 0
        constraint_message: {ru: Больше нуля}
      - type: select_multiple
        name: problems
        or_other: true
        label: {ky: "Көйгөйлөр?", ru: "Проблемы?"}
        choices:
          - {name: 1, label: {ky: Суу жок, ru: Нет воды}}
  - type: calculate
    name: double
    calculation: ${household} * 2
`

// The YAML shape reads into the same form as the spreadsheet it mirrors.
func TestReadYAMLIsTheXLSForm(t *testing.T) {
	got, err := survey.ReadYAML(strings.NewReader(yamlForm))
	if err != nil {
		t.Fatal(err)
	}
	s := sheet{
		{"type", "name", "label::Kyrgyz (ky)", "label::Russian (ru)", "required", "relevant", "constraint", "constraint_message::Russian (ru)", "choice_filter", "calculation"},
		{"select_one village", "village", "Айыл?", "Село?", "yes"},
		{"select_one taps", "tap", "Кран?", "Колонка?", nil, nil, nil, nil, "village = ${village}"},
		{"begin group", "details", "Кененирээк", "Подробнее", nil, "${village} = 'masy'"},
		{"integer", "household", "Канча адам", nil, nil, "${tap} != ''", ". > 0", "Больше нуля"},
		{"select_multiple problems or_other", "problems", "Көйгөйлөр?", "Проблемы?"},
		{"end group"},
		{"calculate", "double", nil, nil, nil, nil, nil, nil, nil, "${household} * 2"},
	}
	choices := sheet{
		{"list_name", "name", "label::Kyrgyz (ky)", "label::Russian (ru)", "village"},
		{"village", "masy", "Масы", "Масы"},
		{"village", "aral", "Арал", "Арал"},
		{"taps", "school", "Мектеп", "Школа", "masy"},
		{"taps", "bazaar", "Базар", "Рынок", "aral"},
		{"problems", "1", "Суу жок", "Нет воды"},
	}
	settings := sheet{{"form_id", "form_title", "version", "default_language"}, {"water", "Суу", "2", "Kyrgyz (ky)"}}
	want, err := survey.ReadXLSForm(workbook(t, nil, "survey", s, "choices", choices, "settings", settings))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("YAML\n%+v\nXLSForm\n%+v", got, want)
	}
	if q, _ := got.Question("household"); q.Label["ky"] != "Канча адам" {
		t.Fatalf("a plain label is in the default language: %v", q.Label)
	}
}

// The YAML reader refuses what the XLSForm reader does, naming the
// question, the field and the line; and what is not the YAML shape.
func TestReadYAMLRefuses(t *testing.T) {
	head := "settings: {form_id: f}\nquestions:\n"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"repeat", head + "  - {type: repeat, name: people, label: A}\n", `question "people", field "type" (line 3): repeats are not supported yet`},
		{"media", head + "  - {type: image, name: photo, label: A}\n", `question "photo", field "type" (line 3): "image" questions are not supported yet`},
		{"external", head + "  - {type: select_one_from_file v.csv, name: v, label: A}\n", `question "v", field "type" (line 3): external choices`},
		{"search appearance", head + "  - {type: select_one, name: v, label: V, appearance: \"search('villages')\", choices: [{name: x, label: X}]}\n",
			`question "v", field "appearance" (line 3): external choices (search()) are not supported yet`},
		{"pulldata", head + "  - {type: calculate, name: c, calculation: \"pulldata('a','b','c','d')\"}\n", `question "c", field "calculation" (line 3): pulldata() is not supported yet`},
		{"duplicate", head + "  - {type: text, name: a, label: A}\n  - {type: text, name: a, label: B}\n",
			`question "a", field "name" (line 4): the name "a" is already used (question "a", field "name" (line 3))`},
		{"reference", head + "  - type: text\n    name: a\n    label: A\n    relevant: ${b} = 1\n", `question "a", field "relevant" (line 6): ${b} refers to no question`},
		{"unknown list", head + "  - {type: select_one colours, name: c, label: C}\n", `question "c", field "type" (line 3): list "colours" not found: no question gives its choices`},
		{"list of no question", head + "  - {type: select_one, name: a, label: A, choices: [{name: x, label: X}]}\n  - {type: select_one, name: b, list: l, label: B}\n",
			`question "b", field "type" (line 4): list "l" is not in the choices of any question`},
		{"choices twice", head + "  - {type: select_one, name: a, list: l, label: A, choices: [{name: x, label: X}]}\n  - {type: select_one, name: b, list: l, label: B, choices: [{name: y, label: Y}]}\n",
			`question "b", field "choices" (line 4): the choices of list "l" are already given`},
		{"choice without label", head + "  - type: select_one\n    name: a\n    label: A\n    choices:\n      - name: x\n", `question "a", choice "x" (line 7): choice "x" of list "a" has no label`},
		{"unknown field", head + "  - {type: text, name: a, lable: A}\n", `question "a", field "lable" (line 3): unknown field "lable"`},
		{"label as a list", head + "  - {type: text, name: a, label: [A, B]}\n", `question "a", field "label" (line 3): expected a text, or a text per language`},
		{"list on a text", head + "  - {type: text, name: a, label: A, list: l}\n", `question "a", field "type" (line 3): list: and or_other: are for select_one`},
		{"questions outside a group", head + "  - {type: text, name: a, label: A, questions: []}\n", `question "a", field "questions" (line 3): only a group holds questions`},
		{"or_other with a filter", head + "  - {type: text, name: a, label: A}\n  - {type: select_one, name: b, label: B, or_other: yes, choice_filter: \"${a} = name\", choices: [{name: x, label: X}]}\n",
			`question "b", field "type" (line 4): or_other cannot be used with a choice_filter`},
		{"no form_id", "settings: {title: T}\nquestions:\n  - {type: text, name: a, label: A}\n", `settings (line 1): no form_id`},
		{"unknown setting", "settings: {form_id: f, langauge: ky}\nquestions:\n  - {type: text, name: a, label: A}\n", `settings, field "langauge" (line 1): unknown setting`},
		{"no questions", "settings: {form_id: f}\n", `line 1: no questions:`},
		{"unknown key", "settings: {form_id: f}\nquestion:\n  - {type: text, name: a, label: A}\n", `line 2: unknown key "question"`},
		{"not a list", "settings: {form_id: f}\nquestions: {type: text}\n", `questions (line 2): expected a list of questions`},
		{"not YAML", "settings: [\n", "read YAML form: yaml:"},
		{"empty", "", "read YAML form: the file is empty"},
		{"a list", "- a\n- b\n", "read YAML form: line 1: expected a mapping with settings and questions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := survey.ReadYAML(strings.NewReader(tc.src))
			if err == nil || f != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing\n%s", err, tc.want)
			}
		})
	}
}

// A choice_filter's functions, words, strings and numbers are not taken
// for column names; its columns are.
func TestChoiceFilterNames(t *testing.T) {
	src := `
settings: {form_id: f}
questions:
  - {type: select_one, name: village, label: V, choices: [{name: masy, label: M}]}
  - type: select_one
    name: tap
    label: T
    choice_filter: "village = ${village} and not(name = 'x y') or string-length(label) div 2 >= 1.5 and kind != \"a b\""
    choices:
      - {name: school, label: S, village: masy, kind: public}
`
	f, err := survey.ReadYAML(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := f.Question("tap"); !strings.HasPrefix(q.ChoiceFilter, "village = ${village}") {
		t.Fatalf("filter %q", q.ChoiceFilter)
	}
	if _, err := survey.ReadYAML(strings.NewReader(strings.Replace(src, "kind !=", "kinds !=", 1))); err == nil || !strings.Contains(err.Error(), `names the column "kinds"`) {
		t.Fatalf("unknown column: %v", err)
	}
}
