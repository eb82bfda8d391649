package documents_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bmjbt/documents"
	"bmjbt/monitoring"
	"bmjbt/survey"
)

// Issue 13: a survey whose first version, kept before group paths, had one
// "comment" (in group water) and whose second version adds roads/comment:
// the old responses' "comment" is water/comment's column, the new ones'
// two comments are two columns; metadata stand where the form has them.
func TestSurveyExportMatchesAnswersByGroupPath(t *testing.T) {
	t.Parallel()
	// Version 1 as an older bmjbt kept it: no paths, metadata at the top.
	v1 := `{"id":"roads","title":"Жолдор","version":"1","languages":["ky","ru"],
		"groups":[{"name":"water","label":{"ky":"Суу","ru":"Вода"}}],
		"questions":[{"type":"text","name":"comment","group":"water","label":{"ky":"Суу жөнүндө","ru":"О воде"}}],
		"meta":[{"type":"start","name":"start"}]}`
	f2, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: roads, title: Жолдор, version: "2"}
questions:
  - {type: start, name: start}
  - type: group
    name: water
    label: {ky: Суу, ru: Вода}
    questions:
      - {type: text, name: comment, label: {ky: Суу жөнүндө, ru: О воде}}
  - {type: end, name: end}
  - type: group
    name: roads
    label: {ky: Жолдор, ru: Дороги}
    questions:
      - {type: text, name: comment, label: {ky: Жол жөнүндө, ru: О дороге}}
`))
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(f2)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 6, 15, 0, 0, time.UTC)
	doc := documents.SurveyResults{Record: survey.Record{ID: 1, FormID: "roads", Title: "Жолдор"},
		Versions: []survey.Version{{ID: 1, Version: "1", Form: []byte(v1)}, {ID: 2, Version: "2", Form: data}},
		Muni:     journal(t, monitoring.Kyrgyz, false).Muni, Lang: monitoring.Kyrgyz, Groups: true}
	rs := documents.ResponsesOf(
		survey.Response{VersionID: 1, Channel: "whatsapp", UUID: "u1", CompletedAt: at,
			Answers: map[string]survey.Answer{"start": {Value: "2026-11-20T12:10:00.000+06:00"}, "comment": {Value: "Эски жооп", Asked: true}}},
		survey.Response{VersionID: 2, Channel: "telegram", UUID: "u2", CompletedAt: at,
			Answers: map[string]survey.Answer{"start": {Value: "2026-11-20T12:11:00.000+06:00"}, "end": {Value: "2026-11-20T12:14:00.000+06:00"},
				"water/comment": {Value: "Суу таза", Asked: true}, "roads/comment": {Value: "Чуңкур", Asked: true}}},
	)
	var buf bytes.Buffer
	if err := doc.WriteCSV(&buf, rs); err != nil {
		t.Fatal(err)
	}
	rows := readKoBo(t, buf.Bytes())
	want := [][]string{
		{"start", "water/comment", "end", "roads/comment", "_id", "_uuid", "_submission_time", "_status", "_submitted_by", "__version__", "_index", "_village", "_group_size"},
		{"2026-11-20T12:10:00.000+06:00", "Эски жооп", "", "", "1", "u1", "2026-11-20T06:15:00", "submitted_via_whatsapp", "", "1", "1", "", "1"},
		{"2026-11-20T12:11:00.000+06:00", "Суу таза", "2026-11-20T12:14:00.000+06:00", "Чуңкур", "2", "u2", "2026-11-20T06:15:00", "submitted_via_telegram", "", "2", "2", "", "1"},
	}
	for i := range want {
		if i >= len(rows) || strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Fatalf("rows:\n%q\nwant\n%q", rows, want)
		}
	}

	// Without --groups, KoBo's plain names; with labels, the group's label
	// before the question's.
	doc.Groups = false
	buf.Reset()
	if err := doc.WriteCSV(&buf, rs); err != nil {
		t.Fatal(err)
	}
	if h := strings.Join(readKoBo(t, buf.Bytes())[0][:4], "|"); h != "start|comment|end|comment" {
		t.Errorf("header without groups: %s", h)
	}
	doc.Groups, doc.Labels = true, monitoring.Russian
	buf.Reset()
	if err := doc.WriteCSV(&buf, rs); err != nil {
		t.Fatal(err)
	}
	if h := strings.Join(readKoBo(t, buf.Bytes())[0][:4], "|"); h != "start|Вода/О воде|end|Дороги/О дороге" {
		t.Errorf("labels with groups: %s", h)
	}

	// The summary counts the old response's comment with the new ones'.
	doc.Lang = monitoring.Russian
	buf.Reset()
	if err := doc.WriteXLSX(&buf, rs); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet, err := x.GetRows(x.GetSheetList()[1])
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range sheet {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, want := range []string{"1. О воде (comment)\nОтветов: 2 из 2.", "2. О дороге (comment)\nОтветов: 1 из 1."} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, text.String())
		}
	}
}
