package telegram_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/documents"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
	"bmjbt/survey/surveytest"
)

var update = flag.Bool("update", false, "rewrite the golden exports of survey/testdata/kobo (review them before committing)")

// Issue 13: each form of the folder of real forms, imported from its
// XLSForm as KoBoToolbox downloads it, launched, and answered end to end
// by its respondents through the Telegram fake (residents in their
// language, members in field mode); then its exports, KoBo's "XML values"
// CSV and XLSX and the labels CSV with groups, are compared column by
// column with the golden files beside the form (go test -update rewrites
// them).
func TestKoBoFormsEndToEnd(t *testing.T) {
	t.Parallel()
	for _, fx := range surveytest.Fixtures(t) {
		t.Run(fx.Name, func(t *testing.T) {
			t.Parallel()
			// What the database adds to a form (its answers as JSON, group
			// paths among them, and metadata) is in these two; the others
			// are about reading and asking, the same on either, and run on
			// SQLite alone to keep the suite within its minutes.
			dialects := []string{storage.SQLite}
			if fx.Name == "default" || fx.Name == "groups" {
				dialects = storagetest.Dialects
			}
			for _, d := range dialects {
				t.Run(d, func(t *testing.T) { askKoBoForm(t, storagetest.Open(t, d), fx) })
			}
		})
	}
}

func askKoBoForm(t *testing.T, db *storage.DB, fx surveytest.Fixture) {
	ctx := context.Background()
	f, err := survey.ReadXLSForm(fx.XLSX(t))
	if err != nil {
		t.Fatal(err)
	}
	s := run(t, db)
	type who struct {
		u      *telegramtest.User
		member bool
	}
	var people []who
	for i, r := range fx.Respondents {
		id := int64(4100 + i)
		if r.Member != "" {
			people = append(people, who{s.member(t, id, monitoring.Secretary, r.Member), true})
			continue
		}
		lang, button, first, agreed := "ky", "Кыргызча", "Көйгөй кайсы айылда?", "Макулдугуңуз сакталды"
		if r.Lang == "ru" {
			lang, button, first, agreed = "ru", "Русский", "В каком селе", "Ваше согласие сохранено"
		}
		u := subscribe(t, s, id, lang, button, first)
		u.Expect(t, agreed)
		people = append(people, who{u, false})
	}
	rec := launchForm(t, s, f)
	for i, r := range fx.Respondents {
		u := people[i].u
		if !people[i].member {
			u.Expect(t, map[string]string{"ru": "проводит опрос «", "ky": "сурамжылоосун өткөрүп жатат"}[r.Lang])
		}
		for _, st := range r.Steps {
			switch {
			case st.Expect != "":
				u.Expect(t, st.Expect)
			case st.Press != "":
				u.Press(t, st.Press)
			case st.Say != "":
				u.Say(st.Say)
			case st.Toggle != "":
				toggle(t, s, u, "☐ "+st.Toggle, "☑ "+st.Toggle)
			}
		}
	}
	_, complete, err := db.CountResponses(ctx, rec.ID)
	if err != nil || complete != len(fx.Respondents) {
		t.Fatalf("%d complete responses, want %d: %v", complete, len(fx.Respondents), err)
	}

	versions, err := db.Versions(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	members, err := db.Members(ctx, s.muni.Code, true)
	if err != nil {
		t.Fatal(err)
	}
	names := map[int64]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	doc := documents.SurveyResults{Record: rec, Versions: versions, Muni: s.muni, Lang: monitoring.Kyrgyz, Members: names}
	responses := func(yield func(survey.Response) error) error { return db.EachResponse(ctx, rec.ID, yield) }

	var csv bytes.Buffer
	if err := doc.WriteCSV(&csv, responses); err != nil {
		t.Fatal(err)
	}
	golden(t, fx.Golden(".csv"), readKoBoCSV(t, csv.Bytes()))

	labels := doc
	labels.Labels, labels.Groups = monitoring.Russian, true
	csv.Reset()
	if err := labels.WriteCSV(&csv, responses); err != nil {
		t.Fatal(err)
	}
	golden(t, fx.Golden(".ru-groups.csv"), readKoBoCSV(t, csv.Bytes()))

	var xlsx bytes.Buffer
	if err := doc.WriteXLSX(&xlsx, responses); err != nil {
		t.Fatal(err)
	}
	golden(t, fx.Golden(".xlsx.csv"), readRawSheet(t, xlsx.Bytes()))
	x, err := excelize.OpenReader(bytes.NewReader(xlsx.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	// A filter on the header: a table, or (names two groups share, which
	// a table cannot have) a plain filter.
	raw := x.GetSheetList()[0]
	tables, err := x.GetTables(raw)
	if err != nil {
		t.Fatal(err)
	}
	defined := x.GetDefinedName()
	filtered := len(tables) == 1
	for _, n := range defined {
		filtered = filtered || n.Name == "_xlnm._FilterDatabase"
	}
	if !filtered || (fx.Name == "groups") != (len(tables) == 0) {
		t.Errorf("the raw sheet's filter: tables %+v, names %+v", tables, defined)
	}
}

// readKoBoCSV splits a CSV as KoBoToolbox writes it, checking its form on
// the way: UTF-8 with no byte-order mark, every field quoted, ";" between
// fields, CRLF after every row.
func readKoBoCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	text := string(data)
	if strings.HasPrefix(text, "\uFEFF") || !strings.HasSuffix(text, "\r\n") {
		t.Fatalf("not a KoBo CSV (no byte-order mark, CRLF): %q", text[:min(len(text), 80)])
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if !strings.HasPrefix(line, `"`) || !strings.HasSuffix(line, `"`) {
			t.Fatalf("a field is not quoted: %q", line)
		}
		rows = append(rows, strings.Split(line[1:len(line)-1], `";"`))
	}
	return rows
}

// readRawSheet reads the XLSX's first sheet, each cell as its type and
// its value as Excel shows it: "n:5" a number, "n:2026-11-02" a date (a
// number with a date format), "s:text" text, "" an empty cell.
func readRawSheet(t *testing.T, data []byte) [][]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet := x.GetSheetList()[0]
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]string, len(rows))
	for r, row := range rows {
		for c := range len(rows[0]) {
			if r == 0 {
				out[r] = append(out[r], row[c])
				continue
			}
			v := ""
			if c < len(row) {
				v = row[c]
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			typ, err := x.GetCellType(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case v == "":
			case typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset:
				v = "n:" + v // excelize writes numbers without a type attribute
			default:
				v = "s:" + v
			}
			out[r] = append(out[r], v)
		}
	}
	return out
}

// volatile are the columns whose values change with every run (the time,
// a random uuid): checked against their form, then written as it.
var volatile = map[string]*regexp.Regexp{
	"start":            regexp.MustCompile(`^(n:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+06:00)$`),
	"end":              regexp.MustCompile(`^(n:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+06:00)$`),
	"today":            regexp.MustCompile(`^(n:)?\d{4}-\d\d-\d\d$`),
	"_uuid":            regexp.MustCompile(`^(s:)?[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`),
	"_submission_time": regexp.MustCompile(`^(n:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)$`),
}

// golden compares a table with its golden file column by column, or
// rewrites the file with -update.
func golden(t *testing.T, path string, got [][]string) {
	t.Helper()
	for c, h := range got[0] {
		re := volatile[h]
		if re == nil {
			continue
		}
		for r := 1; r < len(got); r++ {
			if v := got[r][c]; v != "" {
				if !re.MatchString(v) {
					t.Errorf("%s: column %q, row %d = %q, not of its form", path, h, r, v)
				}
				got[r][c] = "<" + h + ">"
			}
		}
	}
	var text strings.Builder
	for _, row := range got {
		text.WriteString(strings.Join(row, ";") + "\n")
	}
	if *update && strings.HasSuffix(t.Name(), "/"+storage.SQLite) { // written once, compared on every dialect
		if err := os.WriteFile(path, []byte(text.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run KoBo -update writes it)", err)
	}
	var want [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		want = append(want, strings.Split(line, ";"))
	}
	for c := range max(len(got[0]), len(want[0])) {
		col := func(rows [][]string) []string {
			var out []string
			for _, r := range rows {
				if c < len(r) {
					out = append(out, r[c])
				} else {
					out = append(out, "(none)")
				}
			}
			return out
		}
		g, w := col(got), col(want)
		if strings.Join(g, "\x00") != strings.Join(w, "\x00") {
			t.Errorf("%s: column %d = %q\n want %q", path, c+1, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", path, len(got), len(want))
	}
}
