package documents_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bmjbt/config"
	"bmjbt/documents"
	"bmjbt/monitoring"
)

func sample(t *testing.T, withContacts bool) documents.Journal {
	t.Helper()
	f, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 10, 14, 4, 30, 0, 0, time.UTC) // 10:30 in Bishkek
	j := documents.Journal{
		Lang: monitoring.Kyrgyz, Muni: f.Municipality(),
		Entries: []monitoring.Entry{
			{ID: 1, Number: monitoring.Number{Year: 2025, Seq: 1}, Status: monitoring.Received, Village: "kyzyl-tuu", Service: "roads",
				Description: "Жол бузулган, \"чуңкур\"\nэки жерде", Channel: monitoring.Telegram, CreatedAt: at,
				Location: &monitoring.Location{Lat: 41.1, Lon: 72.9}},
			{ID: 2, Number: monitoring.Number{Year: 2025, Seq: 2}, Status: monitoring.Resolved, Village: "aral", Service: monitoring.OtherService,
				Description: "Аноним", Channel: monitoring.WhatsApp, Anonymous: true, CreatedAt: at},
		},
		Files: map[int64]int{1: 2},
	}
	if withContacts {
		j.Contacts = map[int64]monitoring.Contact{1: {Name: "Айгүл", Phone: "+996555000111"}, 2: {Phone: "+996555000222"}}
	}
	return j
}

func readCSV(t *testing.T, j documents.Journal) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := j.WriteCSV(&buf); err != nil {
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
	rows := readCSV(t, sample(t, false))
	if len(rows) != 3 {
		t.Fatalf("%d rows, want header + 2", len(rows))
	}
	want := []string{"2025-0001", "2025-10-14 10:30", "Кабыл алынды", "Кызыл-Туу", "Жолдор", "Жол бузулган, \"чуңкур\"\nэки жерде", "Telegram", "жок", "2", "41.100000, 72.900000"}
	if strings.Join(rows[1], "|") != strings.Join(want, "|") {
		t.Fatalf("row 1 = %q\nwant    %q", rows[1], want)
	}
	if rows[0][0] != "Журналдагы №" || len(rows[0]) != 10 {
		t.Fatalf("header = %q", rows[0])
	}
	if rows[2][4] != "Башка" || rows[2][7] != "ооба" {
		t.Fatalf("row 2 = %q", rows[2])
	}
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, "+996") {
				t.Fatalf("a phone number leaked into an export without contacts: %q", r)
			}
		}
	}
}

func TestJournalCSVKeepsFormulasInert(t *testing.T) {
	j := sample(t, false)
	j.Entries[0].Description = "=HYPERLINK(\"http://x\",\"click\")"
	rows := readCSV(t, j)
	if rows[1][5] != "'=HYPERLINK(\"http://x\",\"click\")" {
		t.Fatalf("description cell = %q; a spreadsheet would run it", rows[1][5])
	}
}

func TestJournalXLSXCutsOnlyWhatACellCannotHold(t *testing.T) {
	j := sample(t, false)
	j.Entries[0].Description = strings.Repeat("ж", 40000)
	var buf bytes.Buffer
	if err := j.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := f.GetCellValue(documents.SheetName, "F2")
	if n := len([]rune(v)); n != 32767 || !strings.HasSuffix(v, "CSV файлында)") {
		t.Fatalf("cell holds %d characters ending %q", n, string([]rune(v)[n-20:]))
	}
}

func TestJournalCSVWithContactsHidesAnonymousOnes(t *testing.T) {
	rows := readCSV(t, sample(t, true))
	if len(rows[0]) != 12 || rows[1][10] != "Айгүл" || rows[1][11] != "+996555000111" {
		t.Fatalf("rows = %q", rows)
	}
	if rows[2][11] != "" {
		t.Fatalf("an anonymous resident's phone is exported: %q", rows[2])
	}
}

func TestJournalXLSXReadsBack(t *testing.T) {
	j := sample(t, false)
	j.Lang = monitoring.Russian
	var buf bytes.Buffer
	if err := j.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(documents.SheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "№ в журнале" || rows[1][3] != "Кызыл-Туу" || rows[1][4] != "Дороги" || rows[2][2] != "Решено" {
		t.Fatalf("rows = %q", rows)
	}
	if rows[1][5] != "Жол бузулган, \"чуңкур\"\nэки жерде" {
		t.Fatalf("description = %q", rows[1][5])
	}
}
