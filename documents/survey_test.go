package documents_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bmjbt/catalog"
	"bmjbt/documents"
	"bmjbt/monitoring"
	"bmjbt/survey"
)

var surveyAt = time.Date(2026, 11, 20, 6, 15, 0, 0, time.UTC) // 12:15 in Bishkek

// surveyVersions are the template's form as version 1, and a version 2
// that drops water_hours and adds queue: the raw table has both.
func surveyVersions(t testing.TB) []survey.Version {
	t.Helper()
	v1 := survey.Template()
	v2 := survey.Template()
	v2.Version = "2"
	i := slices.IndexFunc(v2.Questions, func(q survey.Question) bool { return q.Name == "water_hours" })
	v2.Questions[i] = survey.Question{Type: survey.Integer, Name: "queue",
		Label: survey.Translations{"ky": "Кезекте канча мүнөт турасыз?", "ru": "Сколько минут вы стоите в очереди?"}}
	out := make([]survey.Version, 2)
	for k, f := range []*survey.Form{v1, v2} {
		data, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = survey.Version{ID: int64(k + 11), SurveyID: 1, Version: f.Version, Form: data}
	}
	return out
}

func surveyDoc(t testing.TB, lang monitoring.Lang) documents.SurveyResults {
	t.Helper()
	return documents.SurveyResults{
		Record: survey.Record{ID: 1, FormID: "example_survey", Title: "Айылдагы ичүүчү суу",
			Sampling: survey.Sampling{Method: "Кокустан тандоо", TargetGroup: "Үй чарбалары", Planned: 40}, StartsOn: "2026-11-01", EndsOn: "2026-11-20"},
		Versions: surveyVersions(t), Muni: journal(t, lang, false).Muni, Lang: lang, Invited: 20, Date: surveyAt,
		Members: map[int64]string{3: "А. Осмонова"},
	}
}

func asked(pairs ...string) map[string]survey.Answer {
	out := map[string]survey.Answer{}
	for i := 0; i < len(pairs); i += 2 {
		out[pairs[i]] = survey.Answer{Value: pairs[i+1], Asked: true}
	}
	return out
}

// surveyResponses: the first two are the CSV test's rows; four residents
// of Masy in all, a focus group of 9 in Kyzyl-Tuu, two residents of Aral
// (a village under 5), and one unfinished response that counts nowhere.
func surveyResponses() []survey.Response {
	first := asked("consent", "OK", "village", "masy", "water_point", "school", "household", "5", "water_hours", "12.5",
		"problems", "cuts dirty", "since", "2026-10-01", "reported", "yes", "problem_count", "2", "satisfaction", "2",
		"comment", "Чалыңыз: 0555 12 34 56")
	first["problems_other"] = survey.Answer{} // not asked: "other" was not chosen
	second := asked("consent", "OK", "village", "kyzyl_tuu", "water_point", "bazaar", "household", "4", "queue", "30",
		"problems", "none", "problem_count", "0", "satisfaction", "4", "comment", "")
	second["since"], second["reported"] = survey.Answer{}, survey.Answer{} // skipped by the group's relevant
	rs := []survey.Response{
		{ID: 101, VersionID: 11, ResidentID: 7, Village: "masy", UUID: "0b7f8a1e-1111-4c1e-9d55-000000000101", Channel: "telegram",
			Answers: first, StartedAt: surveyAt.Add(-time.Hour), CompletedAt: surveyAt},
		{ID: 102, VersionID: 12, MemberID: 3, GroupSize: 9, Village: "kyzyl-tuu", UUID: "0b7f8a1e-1111-4c1e-9d55-000000000102", Channel: "field",
			Answers: second, StartedAt: surveyAt, CompletedAt: surveyAt.Add(90 * time.Second)},
		{ID: 103, VersionID: 12, ResidentID: 8, Village: "masy", UUID: "0b7f8a1e-1111-4c1e-9d55-000000000103",
			Answers: asked("consent", "OK", "problems", "cuts"), StartedAt: surveyAt},
	}
	for i := range 5 {
		village := "masy"
		if i >= 3 {
			village = "aral"
		}
		rs = append(rs, survey.Response{ID: int64(104 + i), VersionID: 12, ResidentID: int64(20 + i), Village: village,
			UUID: fmt.Sprintf("0b7f8a1e-1111-4c1e-9d55-%012d", 104+i), StartedAt: surveyAt, CompletedAt: surveyAt.Add(time.Duration(i+2) * time.Minute),
			Answers: asked("consent", "OK", "village", "masy", "household", fmt.Sprint(3+i), "queue", "10",
				"problems", []string{"cuts", "cuts far", "dirty", "cuts other", "far"}[i], "satisfaction", fmt.Sprint(1+i%5), "comment", "")})
		if i == 3 {
			rs[len(rs)-1].Answers["problems_other"] = survey.Answer{Value: "=cmd|' /C calc'!A0", Asked: true}
		}
	}
	return rs
}

// readKoBo splits the CSV as KoBoToolbox writes it, checking the quoting
// on the way: every field in quotes, ";" between, CRLF after each row.
func readKoBo(t *testing.T, data []byte) [][]string {
	t.Helper()
	if bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Fatal("a byte-order mark: KoBo writes none, and scripts reading UTF-8 would find it in the first name")
	}
	text := string(data)
	if !strings.HasSuffix(text, "\r\n") {
		t.Fatalf("the last row does not end in CRLF: %q", text[max(0, len(text)-20):])
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

func TestSurveyCSVAsKoBoExportsIt(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := surveyDoc(t, monitoring.Kyrgyz).WriteCSV(&buf, documents.ResponsesOf(surveyResponses()...)); err != nil {
		t.Fatal(err)
	}
	rows := readKoBo(t, buf.Bytes())
	wantHeader := []string{"intro", "consent", "village", "water_point", "household", "water_hours", "queue",
		"problems", "problems/cuts", "problems/dirty", "problems/far", "problems/none", "problems/other", "problems_other",
		"since", "reported", "problem_count", "satisfaction", "comment", "thanks",
		"_id", "_uuid", "_submission_time", "_status", "_submitted_by", "__version__", "_index", "_village", "_group_size"}
	if strings.Join(rows[0], "|") != strings.Join(wantHeader, "|") {
		t.Fatalf("header = %q\nwant     %q", rows[0], wantHeader)
	}
	if len(rows) != 1+7 {
		t.Fatalf("%d rows, want the header and the 7 complete responses (not the unfinished one)", len(rows))
	}
	want := [][]string{
		{"", "OK", "masy", "school", "5", "12.5", "", "cuts dirty", "1", "1", "0", "0", "0", "", "2026-10-01", "yes", "2", "2", "Чалыңыз: •••", "",
			"1", "0b7f8a1e-1111-4c1e-9d55-000000000101", "2026-11-20T06:15:00", "submitted_via_telegram", "", "1", "1", "masy", "1"},
		// A focus group of 9 met by a member: the member's name, no id, its
		// size; the questions its answers skipped are blank, choice columns too.
		{"", "OK", "kyzyl_tuu", "bazaar", "4", "", "30", "none", "0", "0", "0", "1", "0", "", "", "", "0", "4", "", "",
			"2", "0b7f8a1e-1111-4c1e-9d55-000000000102", "2026-11-20T06:16:30", "submitted_via_field", "А. Осмонова", "2", "2", "kyzyl-tuu", "9"},
	}
	for i, w := range want {
		if strings.Join(rows[i+1], "|") != strings.Join(w, "|") {
			t.Errorf("row %d = %q\nwant    %q", i+1, rows[i+1], w)
		}
	}
	// Not asked at all (an older version had no such question): blank.
	if rows[3][6] != "10" || rows[3][5] != "" || rows[3][8] != "1" || rows[3][26] != "3" {
		t.Errorf("row 3 = %q", rows[3])
	}
	// A resident's text is never a formula on the clerk's PC.
	if rows[6][13] != "'=cmd|' /C calc'!A0" {
		t.Errorf("problems_other = %q: a spreadsheet would run it", rows[6][13])
	}
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, "0555") {
				t.Fatalf("personal data in the raw table: %q", r)
			}
		}
	}
}

func TestSurveyXLSXHasTheRawTableAndTheSummary(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := surveyDoc(t, monitoring.Russian).WriteXLSX(&buf, documents.ResponsesOf(surveyResponses()...)); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	c := catalog.Default()
	raw, sum := c.T(monitoring.Russian, "results.sheet.raw", nil), c.T(monitoring.Russian, "results.sheet.summary", nil)
	if got := x.GetSheetList(); !slices.Equal(got, []string{raw, sum}) {
		t.Fatalf("sheets = %q, want %q", got, []string{raw, sum})
	}
	rows, err := x.GetRows(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 || rows[0][8] != "problems/cuts" || rows[1][18] != "Чалыңыз: •••" || rows[2][len(rows[2])-1] != "9" {
		t.Fatalf("raw sheet = %q", rows)
	}
	if v, _ := x.GetCellType(raw, "E2"); v != excelize.CellTypeNumber && v != excelize.CellTypeUnset {
		t.Errorf("household is stored as %v, want a number", v)
	}
	panes, err := x.GetPanes(raw)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("the header is not frozen: %+v %v", panes, err)
	}
	if tables, err := x.GetTables(raw); err != nil || len(tables) != 1 || tables[0].Range != "A1:AC8" {
		t.Errorf("no filter over the raw table: %+v %v", tables, err)
	}

	rows, err = x.GetRows(sum)
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, r := range rows {
		text += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{
		"Об итогах опроса «Айылдагы ичүүчү суу»",
		"Число респондентов: 15", // 6 residents and a focus group of 9 people
		"Из приглашённых жителей (20 чел.) ответили 6 чел. (доля ответивших: 30%).",
		"7. Какие есть проблемы с водой? (problems)\nОтветов: 7 из 7.\n" +
			"Вариант ответа|Всего||Масы||Кызыл-Туу||Арал\n|Число|Доля, %|Число|Доля, %|Число|Доля, %|Число|Доля, %\n" +
			"Опрошено|7||4||1||2\nОтветили|7||4||1||2\n" +
			"Часто отключают воду|4|57%|3|75%|0|0%|1|50%\n", // 4 of the 7 answers; 3 of Masy's 4
		"Проблем нет|1|14%|0|0%|1|100%|0|0%\n", // the focus group is one source, not its 9 people
		"6. Сколько минут вы стоите в очереди? (queue)", "Среднее значение|13.3||10.0||30.0||10.0\n",
		"Ответов: 1 из 7.", // comment: asked of all, answered by one
		"Индекс удовлетворённости по сёлам",
		"Село|Респонденты|Индекс удовлетворённости (0–100)\nВсего|15|50.0\nМасы|4|25.0\nКызыл-Туу|9|75.0\nАрал|2|87.5\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary sheet lacks %q:\n%s", want, text)
		}
	}
}

// pdfText writes the PDF and reads it back with poppler's pdftotext (the
// pure-Go readers garble fpdf's Cyrillic). BMJBT_KEEP_PDF=DIR keeps a
// copy to look at (pdftoppm -png -r 60).
func pdfText(t *testing.T, doc documents.SurveyResults, rs []survey.Response) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("BMJBT_REQUIRE_PDFTOTEXT") != "" {
			t.Fatal("pdftotext is missing and CI requires it (.ci/run installs poppler-utils)")
		}
		t.Skip("pdftotext is missing: apt-get install -y poppler-utils (.ci/run installs it)")
	}
	path := filepath.Join(t.TempDir(), "results.pdf")
	var buf bytes.Buffer
	if err := doc.WritePDF(&buf, documents.ResponsesOf(rs...)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("BMJBT_KEEP_PDF"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "survey-results-"+string(doc.Lang)+".pdf"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func TestSurveyPDFInKyrgyzForThePublic(t *testing.T) {
	t.Parallel()
	text := pdfText(t, surveyDoc(t, monitoring.Kyrgyz), surveyResponses())
	for _, want := range []string{
		"Д. Садырбаев айыл аймагы", "Биргелешкен мониторинг жана баалоо тобу", "СУРАМЖЫЛООНУН ЖЫЙЫНТЫКТАРЫ",
		"2026-жылдын 20-ноябры", "Масы айылы", "«Айылдагы ичүүчү суу» сурамжылоосунун жыйынтыктары жөнүндө",
		"1. Тандоо жана катышуу", "Тандоо ыкмасы: Кокустан тандоо", "Өткөрүлгөн мөөнөтү: 01.11.2026 – 20.11.2026",
		"Пландалган жооп берүүчүлөрдүн саны: 40", "Жооп берүүчүлөрдүн саны: 15", "Пландалган санга карата: 38%",
		"Чакырылган 20 тургундан 6 жооп берди (жооп берүү деңгээли: 30%).",
		"2. Суроолор боюнча жыйынтыктар", "Суу боюнча кандай көйгөйлөр бар?", "Жооп берилди: 7 (7 суралгандан).",
		"Суу көп өчөт", "Жооп варианты", "Орточо маани: 3 (эң азы: 1, эң көбү: 5).",
		"3. Айылдар боюнча жыйынтыктар", "Канааттануу индекси (0–100)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	// Counts under 5 are "<5": Aral's two respondents, and a question
	// answered by fewer than 5 shows no shares.
	if !regexp.MustCompile(`Арал\s+<5\s+—`).MatchString(text) {
		t.Errorf("Aral (2 respondents) is not shown as <5 without an index:\n%s", text)
	}
	if strings.Contains(text, "Жаңы-Арык") {
		t.Errorf("a village without responses is listed:\n%s", text)
	}
	for _, leak := range []string{"0555", "Чалыңыз", "calc"} {
		if strings.Contains(text, leak) {
			t.Errorf("the public PDF shows a resident's text %q", leak)
		}
	}
	pages := strings.Count(text, "\f")
	if !regexp.MustCompile(fmt.Sprintf(`\b%d ?/ ?%d\b`, pages, pages)).MatchString(text) {
		t.Errorf("no page number \"%d / %d\" on the last page", pages, pages)
	}
}

func TestSurveyPDFInRussian(t *testing.T) {
	t.Parallel()
	text := pdfText(t, surveyDoc(t, monitoring.Russian), surveyResponses())
	for _, want := range []string{"Айылный аймак им. Д. Садырбаева", "Группа совместного мониторинга и оценки", "ИТОГИ ОПРОСА",
		"20 ноября 2026 года", "Об итогах опроса «Айылдагы ичүүчү суу»", "Из приглашённых жителей (20 чел.) ответили 6 чел.",
		"Часто отключают воду", "Итоги по сёлам"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
}

// A survey nobody answered still makes every document.
func TestSurveyDocumentsWithoutResponses(t *testing.T) {
	t.Parallel()
	doc := surveyDoc(t, monitoring.Kyrgyz)
	for _, write := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return doc.WriteCSV(b, documents.ResponsesOf()) },
		func(b *bytes.Buffer) error { return doc.WriteXLSX(b, documents.ResponsesOf()) },
		func(b *bytes.Buffer) error { return doc.WritePDF(b, documents.ResponsesOf()) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil || buf.Len() == 0 {
			t.Fatalf("%v, %d bytes", err, buf.Len())
		}
	}
}

// A group asked together is one source (Regulation 5.6): the PDF and the
// XLSX summary say how many answers the counts stand on, and the focus
// groups (8–12 people) and other group discussions apart, each with its
// participants; in the public PDF counts under 5 read "<5" as every
// public figure does.
func TestSurveyResultsCountGroupsOnceByKind(t *testing.T) {
	t.Parallel()
	rs := surveyResponses() // seven complete, one of them a focus group of 9
	for i, n := range []int{5, 30} {
		rs = append(rs, survey.Response{ID: int64(120 + i), VersionID: 12, MemberID: 3, GroupSize: n, Village: "aral", Channel: "field",
			UUID: fmt.Sprintf("0b7f8a1e-1111-4c1e-9d55-%012d", 120+i), StartedAt: surveyAt, CompletedAt: surveyAt.Add(time.Minute),
			Answers: asked("consent", "OK", "problems", "far", "satisfaction", "3")})
	}
	for lang, want := range map[monitoring.Lang][]string{
		monitoring.Kyrgyz: {"Эсепке алынган жооптор: 9 (ар бир фокус топ же топтук талкуулоо бир жооп катары эсептелет)",
			"Фокус топтор (8–12 адамдан): <5, аларга катышкандар: 9", "Топтук талкуулоолор: <5, аларга катышкандар: 35",
			"Жооп берилди: 9 (9 суралгандан)."},
		monitoring.Russian: {"Учтено ответов: 9 (каждая фокус-группа или групповое обсуждение учитывается как один ответ)",
			"Фокус-группы (8–12 человек): <5, участников в них: 9", "Групповые обсуждения: <5, участников в них: 35"},
	} {
		text := strings.Join(strings.Fields(pdfText(t, surveyDoc(t, lang), rs)), " ")
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("the %s PDF lacks %q:\n%s", lang, w, text)
			}
		}
	}
	var buf bytes.Buffer
	if err := surveyDoc(t, monitoring.Russian).WriteXLSX(&buf, documents.ResponsesOf(rs...)); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(catalog.Default().T(monitoring.Russian, "results.sheet.summary", nil))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, w := range []string{"Учтено ответов: 9 (", "Фокус-группы (8–12 человек): 1, участников в них: 9", "Групповые обсуждения: 2, участников в них: 35"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("the summary sheet lacks %q:\n%s", w, text.String())
		}
	}
}
