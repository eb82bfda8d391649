package survey_test

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"bmjbt/survey"
)

// The report card asks the five things of Regulation 5.6 in both
// languages, naming the service, and satisfaction on a 1–5 scale.
func TestReportCard(t *testing.T) {
	f := survey.ReportCard("Drinking water", map[string]string{"ky": "Ичүүчү суу", "ru": "Питьевая вода"})
	if f.ID != "report_card_drinking_water" || f.DefaultLanguage != "ky" || !slices.Equal(f.Languages, []string{"ky", "ru"}) || !strings.Contains(f.Title, "Ичүүчү суу") {
		t.Fatalf("settings: %q %q %q %v", f.ID, f.Title, f.DefaultLanguage, f.Languages)
	}
	var names []string
	for _, q := range f.Questions {
		names = append(names, q.Name)
		for _, lang := range []string{"ky", "ru"} {
			if q.Label[lang] == "" {
				t.Errorf("%s has no %s label", q.Name, lang)
			}
		}
	}
	if want := []string{"intro", "availability", "quality", survey.Satisfaction, "main_problem", "main_problem_other", "suggestion"}; !slices.Equal(names, want) {
		t.Fatalf("questions %v, want %v", names, want)
	}
	if q, _ := f.Question("availability"); !strings.Contains(q.Label["ky"], "«Ичүүчү суу»") || !strings.Contains(q.Label["ru"], "«Питьевая вода»") || !q.Required {
		t.Fatalf("availability: %+v", q)
	}
	sat, _ := f.Question(survey.Satisfaction)
	var scale []string
	for _, c := range f.Options(sat) {
		scale = append(scale, c.Name)
	}
	if sat.Type != survey.SelectOne || !slices.Equal(scale, []string{"1", "2", "3", "4", "5"}) {
		t.Fatalf("satisfaction %s %v", sat.Type, scale)
	}
	problem, _ := f.Question("main_problem")
	if opts := f.Options(problem); !problem.OrOther || opts[len(opts)-1].Name != "other" || opts[len(opts)-1].Label["ky"] != "Башка" {
		t.Fatalf("main problem: %+v %+v", problem, opts)
	}
	if q, _ := f.Question("suggestion"); q.Type != survey.Text || q.Required {
		t.Fatalf("suggestion: %+v", q)
	}
	// A service with no Russian name still reads in Russian, in Kyrgyz.
	f = survey.ReportCard("roads", map[string]string{"ky": "Жолдор"})
	if q, _ := f.Question("quality"); !strings.Contains(q.Label["ru"], "«Жолдор»") {
		t.Fatalf("fallback name: %q", q.Label["ru"])
	}
	// And a name that looks like a reference is not one.
	f = survey.ReportCard("x", map[string]string{"ky": "${quality}"})
	if q, _ := f.Question("quality"); strings.Contains(q.Label["ky"], "${") {
		t.Fatalf("a reference in a label: %q", q.Label["ky"])
	}
}

// `bmjbt survey new --report-card` writes it to edit and import back.
func TestReportCardImportsBack(t *testing.T) {
	f := survey.ReportCard("water", map[string]string{"ky": "Ичүүчү суу", "ru": "Питьевая вода"})
	if back := roundTrip(t, f); !reflect.DeepEqual(f, back) {
		t.Fatalf("read back differs:\n%+v\n%+v", f, back)
	}
}

// The template imports, shows every question type, and reads back the
// same from its spreadsheet.
func TestTemplate(t *testing.T) {
	f := survey.Template()
	types := map[survey.QuestionType]bool{}
	for _, q := range f.Questions {
		types[q.Type] = true
		if q.Type != survey.Calculate && (q.Label["ky"] == "" || q.Label["ru"] == "") {
			t.Errorf("%s lacks a Kyrgyz or Russian label: %v", q.Name, q.Label)
		}
	}
	for _, want := range []survey.QuestionType{survey.SelectOne, survey.SelectMultiple, survey.Integer, survey.Decimal,
		survey.Text, survey.Note, survey.Date, survey.Calculate, survey.Acknowledge} {
		if !types[want] {
			t.Errorf("no %s question", want)
		}
	}
	if len(f.Groups) == 0 {
		t.Error("no group")
	}
	if back := roundTrip(t, f); !reflect.DeepEqual(f, back) {
		t.Fatalf("read back differs:\n%+v\n%+v", f, back)
	}
	if again, err := survey.ReadYAML(bytes.NewReader(survey.TemplateYAML())); err != nil || !reflect.DeepEqual(f, again) {
		t.Fatalf("TemplateYAML: %v", err)
	}
}

// A survey opens with its introduction in both languages; the template
// and the report card have one, a form without one is not opened.
func TestIntroductionComesFirst(t *testing.T) {
	if err := survey.Template().Introduction(); err != nil {
		t.Fatalf("template: %v", err)
	}
	if err := survey.ReportCard("water", map[string]string{"ky": "Ичүүчү суу", "ru": "Питьевая вода"}).Introduction(); err != nil {
		t.Fatalf("report card: %v", err)
	}
	f := survey.Template()
	f.Questions = f.Questions[1:] // the note removed
	if err := f.Introduction(); err == nil || !strings.Contains(err.Error(), "introduction") {
		t.Fatalf("a form without an introduction: %v", err)
	}
	g := survey.Template()
	delete(g.Questions[0].Label, "ru")
	if err := g.Introduction(); err == nil {
		t.Fatal("an introduction in Kyrgyz only was taken")
	}
}
