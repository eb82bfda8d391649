package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// seedResults imports the template as survey 1, records its sampling
// guide, invites six subscribers and gives it answers: five residents of
// Masy finish, one stops half-way, and a member records two people met in
// Aral (a village under 5).
func seedResults(t *testing.T, c surveyCLI) {
	t.Helper()
	ctx := context.Background()
	url := c.env["DATABASE_URL"]
	c.ok("survey", "list") // the schema and the municipality
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := storagetest.Municipality(t)
	rec, v, err := survey.Template().ForImport(m.Code)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ImportSurvey(ctx, rec, v); err != nil {
		t.Fatal(err)
	}
	c.ok("survey", "set", "1", "--method", "Кокустан тандоо", "--target-group", "Үй чарбалары", "--planned", "10", "--villages", "masy,aral")
	c.ok("survey", "open", "1")
	var who []monitoring.Resident
	for i := range 6 {
		ref := fmt.Sprint(5550101 + i)
		who = append(who, monitoring.Resident{Channel: monitoring.Telegram, UserRef: ref, ChatID: ref})
	}
	subscribers(t, url, who...)
	mustContain(t, "launch", c.ok("survey", "launch", "1"), "invited now: 6")

	answers := func(household, problems, satisfaction, comment string) map[string]survey.Answer {
		a := map[string]survey.Answer{}
		for k, v := range map[string]string{"consent": "OK", "village": "masy", "water_point": "school", "household": household,
			"problems": problems, "satisfaction": satisfaction, "comment": comment, "problem_count": fmt.Sprint(len(strings.Fields(problems)))} {
			a[k] = survey.Answer{Value: v, Asked: true}
		}
		return a
	}
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		for i, w := range who {
			r, err := tx.Resident(ctx, m.Code, w.Channel, w.UserRef, w.ChatID)
			if err != nil {
				return err
			}
			resp := survey.Response{SurveyID: rec.ID, VersionID: v.ID, ResidentID: r.ID, Channel: "telegram", Village: "masy"}
			if err := tx.StartResponse(ctx, m.Code, &resp); err != nil {
				return err
			}
			a := answers(fmt.Sprint(3+i), []string{"cuts", "cuts dirty", "far", "none", "cuts", "dirty"}[i], fmt.Sprint(1+i%5), "")
			if i == 0 {
				a["comment"] = survey.Answer{Value: "Мага чалыңыз: 0555 12 34 56", Asked: true}
			}
			if err := tx.SaveAnswers(ctx, resp.ID, a, i < 5); err != nil {
				return err
			}
		}
		for range 2 {
			resp := survey.Response{SurveyID: rec.ID, VersionID: v.ID, Channel: "field", Village: "aral", GroupSize: 1}
			if err := tx.StartResponse(ctx, m.Code, &resp); err != nil {
				return err
			}
			if err := tx.SaveAnswers(ctx, resp.ID, answers("6", "far", "3", ""), true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// survey results writes the raw answers without personal data (CSV and
// XLSX as KoBoToolbox exports them) and the summary for the public (PDF),
// from a survey imported, launched and answered as the group runs one.
func TestSurveyResults(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			seedResults(t, c)
			dir := t.TempDir()
			// The chair signs the summary (3.6); a member who declared a
			// conflict with this survey is named as taking no part (6.3).
			joined(t, c.env["DATABASE_URL"], "Г. Кандарова", "К. Султанова")
			recuse(t, c.env["DATABASE_URL"], 2, "survey:1")

			// CSV to standard output by default.
			out := c.ok("survey", "results", "1")
			if !strings.HasPrefix(out, "\"intro\";\"consent\";\"village\";\"water_point\";") || !strings.Contains(out, "\r\n") {
				t.Fatalf("CSV on standard output = %q", out[:min(len(out), 200)])
			}
			csvPath := filepath.Join(dir, "results.csv")
			mustContain(t, "survey results --format csv", c.ok("survey", "results", "1", "--format", "csv", "--out", csvPath),
				"Survey 1: wrote "+csvPath+" (csv; 7 complete responses of 8 begun")
			data, err := os.ReadFile(csvPath)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(string(data), "\uFEFF"), "\r\n"), "\r\n")
			if len(lines) != 8 {
				t.Fatalf("%d lines, want a header and 7 complete responses:\n%s", len(lines), data)
			}
			header := lines[0]
			mustContain(t, "CSV header", header, `"problems";"problems/cuts";"problems/dirty";"problems/far";"problems/none";"problems/other";"problems_other"`,
				`"_id";"_uuid";"_submission_time";"_status";"_submitted_by";"__version__";"_index";"_village";"_group_size"`,
				`"since";"reported"`)
			if !strings.Contains(header, `"thanks"`) || !strings.Contains(header, `"problem_count"`) {
				t.Errorf("a note or the calculate is missing (KoBo's XML values have every row): %s", header)
			}
			for _, bad := range []string{"resident", "member", "chat", "5550101", "0555"} {
				if strings.Contains(string(data), bad) {
					t.Errorf("personal data (%q) in the raw table:\n%s", bad, data)
				}
			}
			if !regexp.MustCompile(`"cuts dirty";"1";"1";"0";"0";"0";""`).MatchString(lines[2]) {
				t.Errorf("a select_multiple is not split into 0/1 columns: %s", lines[2])
			}
			if !regexp.MustCompile(`"7";"[0-9a-f-]{36}";"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d";"submitted_via_field";"";"1";"7";"aral";"1"$`).MatchString(lines[7]) {
				t.Errorf("trailing columns of the last row: %s", lines[7])
			}

			// --groups: group paths; --lang: labels, as KoBo's exports offer.
			mustContain(t, "--groups", c.ok("survey", "results", "1", "--groups"), `"problems";"problems/cuts";`, `"details/since";"details/reported";"problem_count"`)
			mustContain(t, "--lang ru", c.ok("survey", "results", "1", "--lang", "ru"),
				`"Какие есть проблемы с водой?";"Какие есть проблемы с водой?/Часто отключают воду";`, `"Часто отключают воду Вода грязная";"1";"1";"0"`)

			xlsxPath := filepath.Join(dir, "results.xlsx")
			c.ok("survey", "results", "1", "--format", "xlsx", "--lang", "ru", "--out", xlsxPath)
			x, err := excelize.OpenFile(xlsxPath)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if sheets := x.GetSheetList(); len(sheets) != 2 || sheets[0] != "Ответы" || sheets[1] != "Итоги" {
				t.Fatalf("sheets = %q", sheets)
			}
			raw, _ := x.GetRows("Ответы")
			if len(raw) != 8 {
				t.Errorf("raw sheet has %d rows, want 8", len(raw))
			}
			if h := strings.Join(raw[0], "|"); !strings.Contains(h, "|Какие есть проблемы с водой?|Какие есть проблемы с водой?/Часто отключают воду|") {
				t.Errorf("--lang ru: the raw sheet's header has no labels: %s", h)
			}
			sum, _ := x.GetRows("Итоги")
			var text strings.Builder
			for _, r := range sum {
				text.WriteString(strings.Join(r, "|") + "\n")
			}
			mustContain(t, "summary sheet", text.String(), "Число респондентов: 7",
				"Из приглашённых жителей (6 чел.) ответили 5 чел. (доля ответивших: 83%).", "|Всего||Масы||Арал\n",
				"Индекс удовлетворённости по сёлам")

			pdfPath := filepath.Join(dir, "results.pdf")
			c.ok("survey", "results", "1", "--format", "pdf", "--out", pdfPath)
			pdf := []byte(pdfText(t, pdfPath))
			mustContain(t, "the PDF", string(pdf), "СУРАМЖЫЛООНУН ЖЫЙЫНТЫКТАРЫ", "Айылдар: Масы, Арал",
				"Чакырылган 6 тургундан 5 жооп берди", "Үй-бүлөңүздө канча адам жашайт?", "Суу менен камсыздоого канчалык канааттанасыз?",
				time.Now().In(monitoring.Bishkek).Format("2006")+"-жылдын",
				"(Жобонун 6.3-пункту): К. Султанова", "Төрага", "Г. Кандарова")
			if !regexp.MustCompile(`Төрага\s+_{10,}\s+Г. Кандарова\s+\d+/\d+$`).Match(bytes.TrimSpace(pdf)) {
				t.Errorf("the summary does not end with the presiding signature block:\n%s", pdf[max(0, len(pdf)-300):])
			}
			if !regexp.MustCompile(`Арал\s+<5`).Match(pdf) || !regexp.MustCompile(`Масы\s+5\s`).Match(pdf) {
				t.Errorf("the village table does not show Aral as <5 and Masy as 5:\n%s", pdf)
			}
			if bytes.Contains(pdf, []byte("0555")) {
				t.Errorf("a resident's text in the public PDF")
			}

			mustContain(t, "--format doc", c.fails("survey", "results", "1", "--format", "doc"), "use csv, xlsx or pdf")
			mustContain(t, "--lang en", c.fails("survey", "results", "1", "--lang", "en"), "use ky or ru")
			mustContain(t, "survey 9", c.fails("survey", "results", "9"), "no survey 9")
		})
	}
}
