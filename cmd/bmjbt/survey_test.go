package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// surveyCLI runs the binary's commands against one database.
type surveyCLI struct {
	t   *testing.T
	env map[string]string
}

func newSurveyCLI(t *testing.T, dialect string) surveyCLI {
	return surveyCLI{t: t, env: map[string]string{"DATABASE_URL": storagetest.URL(t, dialect)}}
}

// ok runs a command that must succeed and gives what it printed.
func (c surveyCLI) ok(args ...string) string {
	c.t.Helper()
	var out, errs syncBuffer
	if code := run(context.Background(), args, envOf(c.env), nil, &out, &errs); code != 0 {
		c.t.Fatalf("%v: exit %d: %s", args, code, errs.String())
	}
	return out.String()
}

// fails runs a command that must fail and gives what it said on stderr.
func (c surveyCLI) fails(args ...string) string {
	c.t.Helper()
	var out, errs syncBuffer
	if code := run(context.Background(), args, envOf(c.env), nil, &out, &errs); code == 0 {
		c.t.Fatalf("%v succeeded; want an error. It printed:\n%s", args, out.String())
	}
	return errs.String()
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// writeXLSX writes a workbook of the sheets given (name, rows, name,
// rows…) as a form designer's spreadsheet would be.
func writeXLSX(t *testing.T, path string, sheets ...any) {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i := 0; i < len(sheets); i += 2 {
		name := sheets[i].(string)
		if i == 0 {
			if err := x.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := x.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[i+1].([][]any) {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := x.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

var (
	waterChoices = [][]any{
		{"list_name", "name", "label::Kyrgyz (ky)", "label::Russian (ru)"},
		{"yes_no", "yes", "Ооба", "Да"},
		{"yes_no", "no", "Жок", "Нет"},
	}
	waterHeader = []any{"type", "name", "label::Kyrgyz (ky)", "label::Russian (ru)", "required", "relevant"}
)

// waterForm is a small XLSForm: a select, a question shown only after a
// "yes", and a free text; title as given.
func waterForm(t *testing.T, path, title string) {
	writeXLSX(t, path,
		"survey", [][]any{waterHeader,
			{"note", "intro", "Саламатсызбы! Бул суу тууралуу кыска сурамжылоо.", "Здравствуйте! Это короткий опрос о воде."},
			{"select_one yes_no", "uses_water", "Суу түтүгүн колдоносузбу?", "Пользуетесь водопроводом?", "yes"},
			{"integer", "hours", "Суу күнүнө канча саат келет?", "Сколько часов в день есть вода?", "", "${uses_water} = 'yes'"},
			{"text", "comment", "Дагы эмне айтасыз?", "Что ещё скажете?"},
		},
		"choices", waterChoices,
		"settings", [][]any{{"form_id", "form_title", "version"}, {"water_2026", title, "1"}})
}

// A form is imported whole or not at all: problems come one a line with
// their sheet, row and column, and nothing is stored; a good form becomes
// a draft, then a new version of the same survey, and list and show say
// what the operator needs (responses counted, questions in ky or ru).
func TestSurveyImport(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			dir := t.TempDir()

			broken := filepath.Join(dir, "broken.xlsx")
			writeXLSX(t, broken,
				"survey", [][]any{waterHeader,
					{"select_one yes_no", "uses_water", "Суу түтүгүн колдоносузбу?"},
					{"image", "photo", "Сүрөт"},
					{"select_one taps", "tap", "Кайсы кран?"},
				},
				"choices", waterChoices,
				"settings", [][]any{{"form_id", "form_title"}, {"broken", "Бузук"}})
			errs := c.fails("survey", "import", broken)
			mustContain(t, "import of a broken form", errs, "broken.xlsx is not imported (nothing was stored)",
				"\n  survey sheet, row 3, column A \"type\": \"image\" questions are not supported yet",
				"\n  survey sheet, row 4, column A \"type\"")
			if !strings.Contains(errs, "taps") {
				t.Errorf("the missing list is not named:\n%s", errs)
			}
			badYAML := filepath.Join(dir, "broken.yaml")
			if err := os.WriteFile(badYAML, []byte("settings:\n  form_id: broken\nquestions:\n  - type: integer\n    name: n\n    label: Сан\n    relevant: ${zz} > 1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			mustContain(t, "import of a broken YAML form", c.fails("survey", "import", badYAML),
				"broken.yaml is not imported", "\n  question \"n\", field \"relevant\" (line 7): ${zz} refers to no question")
			mustContain(t, "survey list after refused imports", c.ok("survey", "list"), "No surveys yet")

			mustContain(t, "import of a CSV", c.fails("survey", "import", filepath.Join(dir, "form.csv")), "give an XLSForm (.xlsx) or a YAML form (.yaml, .yml)")
			mustContain(t, "import of a missing file", c.fails("survey", "import", filepath.Join(dir, "nowhere.xlsx")), "nowhere.xlsx")

			good := filepath.Join(dir, "water.xlsx")
			waterForm(t, good, "Суу 2026")
			mustContain(t, "import", c.ok("survey", "import", good),
				"Survey 1 imported as a new survey, in draft: Суу 2026 (form water_2026, version 1, 4 questions)", "bmjbt survey set 1")

			seedResponses(t, c.env["DATABASE_URL"], 1)
			list := c.ok("survey", "list")
			if !regexp.MustCompile(`(?m)^1\s+draft\s+Суу 2026\s+2\s+1\s+—\s+—\s+\d{4}-\d\d-\d\d$`).MatchString(list) {
				t.Errorf("survey list does not show survey 1 as a draft with 2 responses begun, 1 complete:\n%s", list)
			}

			show := c.ok("survey", "show", "1")
			mustContain(t, "survey show", show, "Survey 1: Суу 2026", "Form:          water_2026", "State:         draft",
				"Responses:     2 begun, 1 complete", "Method:        not set", "Villages:      all villages",
				"1. intro  (note)", "2. uses_water  (select_one yes_no, required)", "Суу түтүгүн колдоносузбу?", "- yes: Ооба",
				"3. hours  (integer)", "relevant: ${uses_water} = 'yes'", "4. comment  (text)")
			mustContain(t, "survey show --lang ru", c.ok("survey", "show", "1", "--lang", "ru"), "Пользуетесь водопроводом?", "- no: Нет")
			mustContain(t, "survey show --lang en", c.fails("survey", "show", "1", "--lang", "en"), "use ky or ru")
			mustContain(t, "survey show 7", c.fails("survey", "show", "7"), "no survey 7")

			// The same form id again: a new version of survey 1, with its new title.
			waterForm(t, good, "Ичүүчү суу 2026")
			mustContain(t, "import of a new version", c.ok("survey", "import", good),
				"Survey 1 has a new version: Ичүүчү суу 2026", "stays a draft")
			show = c.ok("survey", "show", "1")
			mustContain(t, "survey show after a new version", show, "Survey 1: Ичүүчү суу 2026")
			if n := strings.Count(show, "(imported 20"); n != 2 {
				t.Errorf("survey show lists %d versions, want 2:\n%s", n, show)
			}
			if strings.Contains(c.ok("survey", "list"), "\n2 ") {
				t.Errorf("a new version made a second survey:\n%s", c.ok("survey", "list"))
			}
		})
	}
}

// seedResponses begins two responses to a survey (as field mode would)
// and completes one.
func seedResponses(t *testing.T, url string, surveyID int64) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := db.LatestVersion(ctx, surveyID)
	if err != nil {
		t.Fatal(err)
	}
	m := storagetest.Municipality(t)
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		for i := range 2 {
			r := survey.Response{SurveyID: surveyID, VersionID: v.ID, Channel: "field", GroupSize: 1}
			if err := tx.StartResponse(ctx, m.Code, &r); err != nil {
				return err
			}
			if i == 0 {
				if err := tx.SaveAnswers(ctx, r.ID, map[string]survey.Answer{"uses_water": {Value: "no", Asked: true}}, true); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The starting forms and the report card are written to edit, never over
// a file that is there, and import back as they are written.
func TestSurveyTemplateAndReportCard(t *testing.T) {
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			dir := t.TempDir()
			t.Chdir(dir)

			mustContain(t, "survey template", c.ok("survey", "template"), "Wrote survey-template.xlsx")
			if _, err := os.Stat(filepath.Join(dir, "survey-template.xlsx")); err != nil {
				t.Fatalf("no default file: %v", err)
			}
			mustContain(t, "survey template over an existing file", c.fails("survey", "template"), "survey-template.xlsx exists", "--force")
			c.ok("survey", "template", "--force")
			mustContain(t, "import of the template", c.ok("survey", "import", "survey-template.xlsx"),
				"Survey 1 imported as a new survey, in draft", "form example_survey")

			mustContain(t, "survey template --yaml", c.ok("survey", "template", "--yaml"), "Wrote survey-template.yaml")
			yml, err := os.ReadFile(filepath.Join(dir, "survey-template.yaml"))
			if err != nil || !strings.Contains(string(yml), "form_id: example_survey") {
				t.Fatalf("survey-template.yaml: %v\n%s", err, yml)
			}
			mustContain(t, "import of the YAML template", c.ok("survey", "import", "survey-template.yaml"), "Survey 1 has a new version")

			// The report card as is: a draft at once.
			mustContain(t, "survey new --report-card water", c.ok("survey", "new", "--report-card", "water"),
				"Survey 2 imported as a new survey, in draft", "form report_card_water", "7 questions")
			mustContain(t, "survey show of a report card", c.ok("survey", "show", "2", "--lang", "ru"),
				"Насколько вас устраивает услуга «Питьевая вода»?", "satisfaction  (select_one satisfaction, required)",
				"main_problem  (select_one main_problem or_other, required)", "relevant: selected(${main_problem}, 'other')")

			// To edit: written as an XLSForm, the title changed in a
			// spreadsheet, imported back as the same survey's new version.
			card := filepath.Join(dir, "card.xlsx")
			mustContain(t, "survey new --out", c.ok("survey", "new", "--report-card", "roads", "--out", card),
				"Wrote "+card, "report card for roads", "form report_card_roads")
			mustContain(t, "survey new --out over a file", c.fails("survey", "new", "--report-card", "roads", "--out", card), "exists")
			x, err := excelize.OpenFile(card)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := x.GetRows("settings")
			col := -1
			if err == nil && len(rows) == 2 {
				col = slices.Index(rows[0], "form_title")
			}
			if col < 0 {
				t.Fatalf("settings sheet: %q %v", rows, err)
			}
			cell, _ := excelize.CoordinatesToCellName(col+1, 2)
			if err := x.SetCellStr("settings", cell, "Жолдор 2026"); err != nil {
				t.Fatal(err)
			}
			if err := x.Save(); err != nil {
				t.Fatal(err)
			}
			x.Close()
			mustContain(t, "import of the edited card", c.ok("survey", "import", card),
				"Survey 3 imported as a new survey, in draft: Жолдор 2026 (form report_card_roads")
			mustContain(t, "survey show of the edited card", c.ok("survey", "show", "3"), "«Жолдор» кызматынын сапатын кандай баалайсыз?")

			mustContain(t, "an unknown service", c.fails("survey", "new", "--report-card", "gas"),
				"gas is not a service in the config", "water, irrigation, roads")
			mustContain(t, "no service", c.fails("survey", "new"), "--report-card water")
		})
	}
}

// The sampling guide and dates are recorded and shown, bad values are
// refused with what to give, and the state moves as State.Move allows,
// a refused move saying what can be done instead.
func TestSurveySetAndStates(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			dir := t.TempDir()
			form := filepath.Join(dir, "water.xlsx")
			waterForm(t, form, "Суу 2026")
			c.ok("survey", "import", form)

			set := c.ok("survey", "set", "1", "--method", "random sample", "--target-group", "households using the water supply",
				"--villages", "masy, kyzyl-tuu", "--planned", "120", "--starts", "2026-12-05", "--ends", "2026-12-20")
			mustContain(t, "survey set", set, "Survey 1: sampling guide and dates recorded.", "Method:        random sample",
				"Target group:  households using the water supply", "Villages:      Масы, Кызыл-Туу", "Planned:       120",
				"Starts:        2026-12-05", "Ends:          2026-12-20")
			c.ok("survey", "set", "1", "--planned", "80")
			show := c.ok("survey", "show", "1")
			mustContain(t, "survey show after a second set", show, "Planned:       80", "Method:        random sample", "Villages:      Масы, Кызыл-Туу")
			if !regexp.MustCompile(`(?m)^1\s+draft\s+Суу 2026\s+0\s+0\s+2026-12-05\s+2026-12-20\s`).MatchString(c.ok("survey", "list")) {
				t.Errorf("survey list does not show the dates:\n%s", c.ok("survey", "list"))
			}

			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--villages", "masy,paris"}, "paris is not a village in the config. Villages: masy, "},
				{[]string{"--ends", "2026-12-01"}, "end (2026-12-01) before it starts (2026-12-05)"},
				{[]string{"--starts", "05.12.2026"}, "YYYY-MM-DD"},
				{[]string{"--planned", "-3"}, "0 or more"},
				{nil, "Nothing to set"},
			} {
				mustContain(t, strings.Join(tc.args, " "), c.fails(append([]string{"survey", "set", "1"}, tc.args...)...), tc.want)
			}
			mustContain(t, "set on no survey", c.fails("survey", "set", "9", "--planned", "1"), "no survey 9")
			mustContain(t, "set on a word", c.fails("survey", "set", "first", "--planned", "1"), "give the number `bmjbt survey list` shows")
			mustContain(t, "survey show after refused sets", c.ok("survey", "show", "1"), "Planned:       80", "Ends:          2026-12-20")

			mustContain(t, "pause a draft", c.fails("survey", "pause", "1"),
				"Survey 1 is a draft", "From here: `bmjbt survey open 1`, `bmjbt survey close 1`.")
			opened := c.ok("survey", "open", "1")
			mustContain(t, "open", opened, "Survey 1 (Суу 2026) is open")
			if strings.Contains(opened, "sampling guide is incomplete") {
				t.Errorf("a survey with its guide recorded is told it lacks one:\n%s", opened)
			}
			mustContain(t, "open an open survey", c.fails("survey", "open", "1"), "already open", "`bmjbt survey pause 1`")
			mustContain(t, "pause", c.ok("survey", "pause", "1"), "is paused")
			mustContain(t, "survey show of a paused survey", c.ok("survey", "show", "1"), "State:         paused")
			mustContain(t, "open again", c.ok("survey", "open", "1"), "is open")
			mustContain(t, "close", c.ok("survey", "close", "1"), "is closed for good")
			mustContain(t, "open a closed survey", c.fails("survey", "open", "1"), "closed and stays closed", "new form_id")
			mustContain(t, "a new version of a closed survey", c.fails("survey", "import", form), "closed", "new form_id")
			if !regexp.MustCompile(`(?m)^1\s+closed\s`).MatchString(c.ok("survey", "list")) {
				t.Errorf("survey list:\n%s", c.ok("survey", "list"))
			}

			// Opened without a sampling guide: allowed, with a reminder of 5.6.
			c.ok("survey", "new", "--report-card", "water")
			mustContain(t, "open without a guide", c.ok("survey", "open", "2"), "is open", "sampling guide is incomplete", "survey set 2")
		})
	}
}
