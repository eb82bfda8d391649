package documents_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bmjbt/catalog"
	"bmjbt/config"
	"bmjbt/documents"
	"bmjbt/monitoring"
)

var at = time.Date(2025, 10, 14, 4, 30, 0, 0, time.UTC) // 10:30 in Bishkek

func journal(t testing.TB, lang monitoring.Lang, withContacts bool) documents.Journal {
	t.Helper()
	f, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return documents.Journal{Lang: lang, Muni: f.Municipality(), WithContacts: withContacts}
}

// sample is two entries as the store hands them out with contacts; the
// export decides what of it to show.
func sample() []monitoring.JournalLine {
	return []monitoring.JournalLine{
		{
			Entry: monitoring.Entry{ID: 1, Number: monitoring.Number{Year: 2025, Seq: 1}, Status: monitoring.Received, Village: "kyzyl-tuu", Service: "roads",
				Description: "Жол бузулган, \"чуңкур\"\nэки жерде. Чалыңыз: 0555 12 34 56", Channel: monitoring.Telegram, CreatedAt: at,
				Location: &monitoring.Location{Lat: 41.1, Lon: 72.9}},
			Files:   2,
			Contact: monitoring.Contact{Name: "Айгүл", Phone: "+996555000111"},
			Additions: []monitoring.Addition{
				{At: at.Add(26 * time.Hour), Text: "Дагы эле ошондой 😞 aigul@mail.ru"},
				{At: at.Add(27 * time.Hour), Files: 1},
			},
		},
		{
			Entry: monitoring.Entry{ID: 2, Number: monitoring.Number{Year: 2025, Seq: 2}, Status: monitoring.Resolved, Village: "aral", Service: monitoring.OtherService,
				Description: "Аноним, 5 000 сом, № 2025-0001 менен бирдей", Channel: monitoring.InPerson, Anonymous: true, CreatedAt: at},
			Contact: monitoring.Contact{Phone: "+996555000222"},
		},
	}
}

func readCSV(t *testing.T, j documents.Journal, lines []monitoring.JournalLine) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := j.WriteCSV(&buf, documents.Of(lines...)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF")) {
		t.Fatal("no byte-order mark: a spreadsheet would garble Cyrillic")
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestJournalCSVReadsBackWithoutPersonalData(t *testing.T) {
	t.Parallel()
	rows := readCSV(t, journal(t, monitoring.Kyrgyz, false), sample())
	if len(rows) != 3 {
		t.Fatalf("%d rows, want header + 2", len(rows))
	}
	var wantHeader []string
	for _, id := range []string{"col.number", "col.date", "col.status", "col.village", "col.service", "col.description",
		"col.additions", "col.channel", "col.anonymous", "col.media", "col.location"} {
		wantHeader = append(wantHeader, catalog.Default().T(monitoring.Kyrgyz, id, nil))
	}
	if strings.Join(rows[0], "|") != strings.Join(wantHeader, "|") || rows[0][0] != "Журналдагы №" || rows[0][6] != "Тургундун кошумчалары" {
		t.Fatalf("header = %q\nwant     %q", rows[0], wantHeader)
	}
	want := []string{"2025-0001", "2025-10-14 10:30", "Кабыл алынды", "Кызыл-Туу", "Жолдор",
		"Жол бузулган, \"чуңкур\"\nэки жерде. Чалыңыз: •••",
		"2025-10-15 12:30: Дагы эле ошондой 😞 •••@•••\n2025-10-15 13:30: (тиркелген файлдар: 1)",
		"Telegram", "жок", "2", "41.100000, 72.900000"}
	if strings.Join(rows[1], "|") != strings.Join(want, "|") {
		t.Fatalf("row 1 = %q\nwant    %q", rows[1], want)
	}
	if rows[2][4] != "Башка" || rows[2][7] != "Жеке келди" || rows[2][8] != "ооба" || rows[2][6] != "" {
		t.Fatalf("row 2 = %q", rows[2])
	}
	if rows[2][5] != "Аноним, 5 000 сом, № 2025-0001 менен бирдей" {
		t.Fatalf("a sum and a journal number were taken for personal data: %q", rows[2][5])
	}
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, "+996") || strings.Contains(c, "0555") || strings.Contains(c, "aigul") || strings.Contains(c, "Айгүл") {
				t.Fatalf("personal data leaked into an export without contacts: %q", r)
			}
		}
	}
}

func TestJournalCSVWithContactsShowsThemButNotAnonymousOnes(t *testing.T) {
	t.Parallel()
	rows := readCSV(t, journal(t, monitoring.Russian, true), sample())
	if len(rows[0]) != 13 || rows[0][12] != catalog.Default().T(monitoring.Russian, "col.phone", nil) || rows[1][11] != "Айгүл" || rows[1][12] != "+996555000111" {
		t.Fatalf("rows = %q", rows)
	}
	if !strings.HasSuffix(rows[1][5], "Чалыңыз: 0555 12 34 56") || !strings.Contains(rows[1][6], "aigul@mail.ru") ||
		!strings.Contains(rows[1][6], "(приложено файлов: 1)") {
		t.Fatalf("with contacts, the texts are whole: %q", rows[1])
	}
	if rows[2][12] != "" || rows[2][7] != "Лично" {
		t.Fatalf("an anonymous resident's phone is exported, or the channel is a code: %q", rows[2])
	}
}

func TestJournalCSVKeepsFormulasInert(t *testing.T) {
	t.Parallel()
	lines := sample()
	lines[0].Description = "=HYPERLINK(\"http://x\",\"click\")"
	rows := readCSV(t, journal(t, monitoring.Kyrgyz, false), lines)
	if rows[1][5] != "'=HYPERLINK(\"http://x\",\"click\")" {
		t.Fatalf("description cell = %q; a spreadsheet would run it", rows[1][5])
	}
}

// The CSV is written while the journal is still being read: the first
// bytes leave long before the last entry is asked for.
func TestJournalCSVStreams(t *testing.T) {
	t.Parallel()
	const total = 5000
	yielded, atFirstWrite := 0, -1
	w := writerFunc(func(p []byte) (int, error) {
		if atFirstWrite < 0 {
			atFirstWrite = yielded
		}
		return len(p), nil
	})
	lines := func(yield func(monitoring.JournalLine) error) error {
		l := sample()[0]
		for i := range total {
			l.Number.Seq = i + 1
			yielded++
			if err := yield(l); err != nil {
				return err
			}
		}
		return nil
	}
	if err := journal(t, monitoring.Kyrgyz, false).WriteCSV(w, lines); err != nil {
		t.Fatal(err)
	}
	if atFirstWrite < 0 || atFirstWrite > total/10 {
		t.Fatalf("first bytes written after %d of %d entries: the export holds the journal", atFirstWrite, total)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// A failing store stops the export with its error.
func TestJournalExportStopsOnTheStoreError(t *testing.T) {
	t.Parallel()
	broken := fmt.Errorf("database is locked")
	lines := func(yield func(monitoring.JournalLine) error) error {
		if err := yield(sample()[0]); err != nil {
			return err
		}
		return broken
	}
	j := journal(t, monitoring.Kyrgyz, false)
	if err := j.WriteCSV(io.Discard, lines); err != broken {
		t.Errorf("CSV: %v", err)
	}
	if err := j.WriteXLSX(io.Discard, lines); err != broken {
		t.Errorf("XLSX: %v", err)
	}
}

func writeXLSX(t *testing.T, j documents.Journal, lines []monitoring.JournalLine) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := j.WriteXLSX(&buf, documents.Of(lines...)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestJournalXLSXCutsOnlyWhatACellCannotHold(t *testing.T) {
	t.Parallel()
	lines := sample()
	lines[0].Description = strings.Repeat("ж", 40000)
	f, err := excelize.OpenReader(bytes.NewReader(writeXLSX(t, journal(t, monitoring.Kyrgyz, false), lines)))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := f.GetCellValue(documents.SheetName, "F2")
	if n := len([]rune(v)); n != 32767 || !strings.HasSuffix(v, catalog.Default().T(monitoring.Kyrgyz, "col.cut", nil)) {
		t.Fatalf("cell holds %d characters ending %q", n, string([]rune(v)[n-20:]))
	}
}

func TestJournalXLSXReadsBackWithFilters(t *testing.T) {
	t.Parallel()
	data := writeXLSX(t, journal(t, monitoring.Russian, false), sample())
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "Журнал" {
		t.Fatalf("sheets = %q, want one called «Журнал»", sheets)
	}
	rows, err := f.GetRows(documents.SheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "№ в журнале" || rows[1][3] != "Кызыл-Туу" || rows[1][4] != "Дороги" || rows[2][2] != "Решено" || rows[2][7] != "Лично" {
		t.Fatalf("rows = %q", rows)
	}
	if rows[1][5] != "Жол бузулган, \"чуңкур\"\nэки жерде. Чалыңыз: •••" {
		t.Fatalf("description = %q", rows[1][5])
	}
	if rows[1][6] != "2025-10-15 12:30: Дагы эле ошондой 😞 •••@•••\n2025-10-15 13:30: (приложено файлов: 1)" {
		t.Fatalf("additions = %q", rows[1][6])
	}
	// A cell without a type is a number in OOXML.
	if v, err := f.GetCellType(documents.SheetName, "J2"); err != nil || v != excelize.CellTypeUnset && v != excelize.CellTypeNumber || rows[1][9] != "2" {
		t.Errorf("the files cell is %q of type %v, %v; want the number 2", rows[1][9], v, err)
	}
	// The header filters: a table over the rows, whose filter a spreadsheet
	// shows as buttons on the header.
	tables, err := f.GetTables(documents.SheetName)
	if err != nil || len(tables) != 1 || tables[0].Range != "A1:K3" {
		t.Fatalf("tables = %+v, %v; want one over A1:K3", tables, err)
	}
	if part := zipPart(t, data, "xl/tables/table1.xml"); !strings.Contains(part, `<autoFilter ref="A1:K3"`) {
		t.Fatalf("the table has no filter:\n%s", part)
	}
	if panes, err := f.GetPanes(documents.SheetName); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Fatalf("panes = %+v, %v; want the header row frozen", panes, err)
	}
}

// An empty journal is still a table with a filterable header.
func TestJournalXLSXEmpty(t *testing.T) {
	t.Parallel()
	data := writeXLSX(t, journal(t, monitoring.Kyrgyz, true), nil)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(documents.SheetName)
	if len(rows) != 1 || len(rows[0]) != 13 || rows[0][12] != catalog.Default().T(monitoring.Kyrgyz, "col.phone", nil) {
		t.Fatalf("rows = %q", rows)
	}
	if tables, _ := f.GetTables(documents.SheetName); len(tables) != 1 {
		t.Fatalf("tables = %+v", tables)
	}
}

func TestJournalInEnglishForTheOperator(t *testing.T) {
	t.Parallel()
	rows := readCSV(t, journal(t, monitoring.English, false), sample())
	if rows[0][6] != "Resident's additions" || rows[1][7] != "Telegram" || rows[2][7] != "in person" {
		t.Fatalf("rows = %q", rows)
	}
}

func zipPart(t *testing.T, data []byte, name string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := z.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
