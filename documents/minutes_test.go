package documents_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bmjbt/documents"
	"bmjbt/monitoring"
	"bmjbt/storage/storagetest"
)

// minutesOf is a meeting with Kyrgyz text in every part a clerk reads:
// agenda, attendance with a reason, an election, a split vote, signed in
// the chat by the deputy as acting chair, drafted by the secretary.
func minutesOf(t *testing.T, lang monitoring.Lang) documents.Minutes {
	t.Helper()
	held := time.Date(2026, 2, 10, 15, 0, 0, 0, monitoring.Bishkek)
	return documents.Minutes{
		Muni: storagetest.Municipality(t),
		Lang: lang,
		Meeting: monitoring.Meeting{
			Number: monitoring.MinutesNumber{Year: 2026, Seq: 1},
			HeldAt: held,
			Place:  "Масы айылы, айыл өкмөтү",
			Agenda: []string{"Төраганын орун басарын шайлоо", "Ичүүчү суу боюнча мониторингдин планы", "Айылдык кеңештин сессиясына сунуштар"},
			Attendance: []monitoring.Attendee{
				{MemberID: 1, Name: "Г. Кандарова", Role: monitoring.Chair, Presence: monitoring.Present},
				{MemberID: 2, Name: "К. Султанова", Role: monitoring.Deputy, Presence: monitoring.Present},
				{MemberID: 3, Name: "Э. Осмоналиев", Role: monitoring.Secretary, Presence: monitoring.Present},
				{MemberID: 4, Name: "У. Жантаева", Role: monitoring.Ordinary, Presence: monitoring.Absent},
				{MemberID: 5, Name: "К. Ташиев", Role: monitoring.Ordinary, Presence: monitoring.Excused, Reason: "ооруп калды"},
			},
			Decisions: []monitoring.MeetingDecision{
				{Text: "Орун басарды шайлоо", For: 3, Elects: monitoring.Deputy, Elected: 2, ElectedName: "К. Султанова"},
				{Text: "Суу боюнча мониторингди март айында өткөрүү", For: 2, Against: 1},
			},
			Signed: &monitoring.Signature{MemberID: 2, Name: "К. Султанова", Acting: true, InChat: true, At: held.Add(18*time.Hour + 30*time.Minute)},
		},
		Secretary: "Э. Осмоналиев",
	}
}

// docxBody is what Word shows of word/document.xml: the paragraphs
// outside tables, the rows of the tables cell by cell, and the page.
type docxBody struct {
	paras       []string
	rows        [][]string
	attrs       map[string]map[string]string // pgSz, pgMar: attribute → value
	bordersNone int                          // table borders set to none
	core        string                       // docProps/core.xml: title, author, dates
	files       []string
	parts       map[string][]byte
}

func readDOCX(t *testing.T, data []byte) docxBody {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the DOCX is not a zip archive: %v", err)
	}
	parts := map[string][]byte{}
	var files []string
	for _, f := range zr.File {
		files = append(files, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	raw := parts["word/document.xml"]
	if raw == nil {
		t.Fatal("the DOCX has no word/document.xml")
	}
	b := docxBody{attrs: map[string]map[string]string{}, core: string(parts["docProps/core.xml"]), files: files, parts: parts}
	dec := xml.NewDecoder(bytes.NewReader(raw))
	var (
		inTable, inBorders int
		para               strings.Builder
		row                []string
		inText             bool
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("word/document.xml is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "tbl":
				inTable++
			case "tr":
				row = nil
			case "p":
				para.Reset()
			case "t":
				inText = true
			case "tblBorders":
				inBorders++
			case "pgSz", "pgMar":
				m := map[string]string{}
				for _, a := range el.Attr {
					m[a.Name.Local] = a.Value
				}
				b.attrs[el.Name.Local] = m
			}
			if inBorders > 0 {
				for _, a := range el.Attr {
					if a.Name.Local == "val" && a.Value == "none" {
						b.bordersNone++
					}
				}
			}
		case xml.CharData:
			if inText {
				para.Write(el)
			}
		case xml.EndElement:
			switch el.Name.Local {
			case "t":
				inText = false
			case "p":
				if inTable > 0 {
					row = append(row, para.String())
				} else {
					b.paras = append(b.paras, para.String())
				}
			case "tr":
				b.rows = append(b.rows, row)
			case "tbl":
				inTable--
			case "tblBorders":
				inBorders--
			}
		}
	}
	return b
}

func writeDOCX(t *testing.T, m documents.Minutes) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := m.WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func hasPara(paras []string, want string) bool {
	for _, p := range paras {
		if p == want {
			return true
		}
	}
	return false
}

func hasRow(rows [][]string, want ...string) bool {
	for _, r := range rows {
		if strings.Join(r, "|") == strings.Join(want, "|") {
			return true
		}
	}
	return false
}

// The clerk opens the DOCX in Word or LibreOffice: an A4 page with the
// PDF's margins, the Kyrgyz text with ң ө ү intact, the number, the votes,
// and the signature block as three columns without borders.
func TestMinutesDOCXInKyrgyz(t *testing.T) {
	t.Parallel()
	m := minutesOf(t, monitoring.Kyrgyz)
	b := readDOCX(t, writeDOCX(t, m))

	if sz := b.attrs["pgSz"]; sz["w"] != "11906" || sz["h"] != "16838" {
		t.Errorf("the page is not A4 portrait (11906×16838 twips): %v", sz)
	}
	if mar := b.attrs["pgMar"]; mar["left"] != "1417" || mar["right"] != "850" || mar["top"] != "850" || mar["bottom"] != "850" {
		t.Errorf("the margins are not the PDF's 25 mm left and 15 mm others: %v", mar)
	}
	for _, want := range []string{
		m.Muni.Name.In(monitoring.Kyrgyz),
		"Биргелешкен мониторинг жана баалоо тобу",
		"№ 1/2026 ПРОТОКОЛУ",
		"БМжБ тобунун отурумунун протоколу",
		"Өткөрүлгөн убактысы: 2026-жылдын 10-февралы, саат 15:00. Өткөрүлгөн жери: Масы айылы, айыл өкмөтү.",
		"Катышкандар (3): Г. Кандарова (төрага), К. Султанова (төраганын орун басары), Э. Осмоналиев (катчы).",
		"Катышпагандар (2): У. Жантаева (мүчө); К. Ташиев (мүчө): ооруп калды.",
		"1. Күн тартиби",
		"1.3. Айылдык кеңештин сессиясына сунуштар",
		"2. Кабыл алынган чечимдер",
		"2.1. Орун басарды шайлоо. Шайланды: К. Султанова, төраганын орун басары.",
		"2.2. Суу боюнча мониторингди март айында өткөрүү",
		"Добуш берүү: макул — 2, каршы — 1, калыс калды — 0.",
	} {
		if !hasPara(b.paras, want) {
			t.Errorf("the DOCX has no paragraph %q; it has:\n%s", want, strings.Join(b.paras, "\n"))
		}
	}
	if !hasRow(b.rows, "2026-жылдын 10-февралы", m.Muni.Seat.In(monitoring.Kyrgyz)) {
		t.Errorf("the date is not on the left with the place on the right: %q", b.rows)
	}
	if !hasRow(b.rows, "Төраганын милдетин аткаруучу", "____________________", "К. Султанова") {
		t.Errorf("the acting chair's signature row (role, line, name) is missing: %q", b.rows)
	}
	if !hasRow(b.rows, "чатта кол коюлду 11.02.2026, 09:30") {
		t.Errorf("the note that the minutes were signed in the chat is missing: %q", b.rows)
	}
	if !hasRow(b.rows, "Протоколду жүргүзгөн катчы", "____________________", "Э. Осмоналиев") {
		t.Errorf("the secretary's signature row is missing: %q", b.rows)
	}
	// File → Properties shows the paper's title and bmjbt, not the
	// library's template; no thumbnail of another page either.
	if !strings.Contains(b.core, "<dc:title>БМжБ тобунун отурумунун протоколу</dc:title>") || strings.Contains(b.core, "gomutex") ||
		!strings.Contains(b.core, "2026-02-10T09:00:00Z") {
		t.Errorf("the file's properties are not the minutes': %s", b.core)
	}
	for _, f := range b.files {
		if strings.Contains(f, "thumbnail") {
			t.Errorf("the DOCX carries the template's %s", f)
		}
	}
	// The page number at the foot, as the PDF's «1 / 2».
	if f := string(b.parts["word/footer1.xml"]); !strings.Contains(f, " PAGE ") || !strings.Contains(f, " NUMPAGES ") {
		t.Errorf("no page number in the footer: %q", f)
	}
	// Spelling is checked in Kyrgyz, not flagged as misspelt English.
	if doc := string(b.parts["word/document.xml"]); strings.Count(doc, `w:val="ky-KG"`) < len(b.paras) || strings.Contains(doc, `w:val="en-US"`) {
		t.Errorf("the text is not marked as Kyrgyz")
	}
	// Two tables (date and place; the signature block), each with its six
	// borders set to none: a printed table grid would look like a form.
	if b.bordersNone != 2*6 {
		t.Errorf("the tables have borders: %d of 12 set to none", b.bordersNone)
	}
}

func TestMinutesDOCXInRussian(t *testing.T) {
	t.Parallel()
	m := minutesOf(t, monitoring.Russian)
	b := readDOCX(t, writeDOCX(t, m))
	for _, want := range []string{"ПРОТОКОЛ № 1/2026", "1. Повестка дня", "Итоги голосования: за — 2, против — 1, воздержавшихся — 0."} {
		if !hasPara(b.paras, want) {
			t.Errorf("the Russian DOCX has no paragraph %q; it has:\n%s", want, strings.Join(b.paras, "\n"))
		}
	}
	if !hasRow(b.rows, "Исполняющий обязанности председателя", "____________________", "К. Султанова") {
		t.Errorf("the acting chair's signature row is missing: %q", b.rows)
	}
	if !hasRow(b.rows, "подписано в чате 11.02.2026, 09:30") {
		t.Errorf("the note that the minutes were signed in the chat is missing: %q", b.rows)
	}
	if !strings.Contains(string(b.parts["word/document.xml"]), `w:val="ru-RU"`) {
		t.Errorf("the Russian text is not marked as Russian")
	}
}

// The PDF and the DOCX are two layouts of one text: every line of the
// minutes is in both.
func TestMinutesPDFAndDOCXSayTheSame(t *testing.T) {
	t.Parallel()
	requirePdftotext(t)
	m := minutesOf(t, monitoring.Kyrgyz)
	path := filepath.Join(t.TempDir(), "minutes.pdf")
	var buf bytes.Buffer
	if err := m.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := squash(pdftotext(t, path))
	b := readDOCX(t, writeDOCX(t, m))
	var docx []string
	docx = append(docx, b.paras...)
	for _, r := range b.rows {
		docx = append(docx, r...)
	}
	all := squash(strings.Join(docx, "\n"))
	c := m.Content()
	lines := append([]string{c.Head.Kind, c.Head.Date, c.Head.Place, c.Head.Title}, c.Head.Issuer...)
	for _, bl := range c.Body {
		lines = append(lines, bl.Text)
	}
	for _, s := range c.Signatures {
		lines = append(lines, s.Role, s.Name, s.Note)
	}
	for _, l := range lines {
		if !strings.Contains(pdf, squash(l)) {
			t.Errorf("the PDF lacks %q", l)
		}
		if !strings.Contains(all, squash(l)) {
			t.Errorf("the DOCX lacks %q", l)
		}
	}
}

// LibreOffice is what the group's office PC opens the DOCX with: converted
// to PDF, the Kyrgyz letters and the signature block must still read.
func TestMinutesDOCXOpensInLibreOffice(t *testing.T) {
	t.Parallel()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice (LibreOffice) is not installed on this machine, so the DOCX is not converted to PDF here; the checks of word/document.xml in TestMinutesDOCXInKyrgyz still ran")
	}
	requirePdftotext(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "minutes.docx")
	if err := os.WriteFile(in, writeDOCX(t, minutesOf(t, monitoring.Kyrgyz)), 0o644); err != nil {
		t.Fatal(err)
	}
	// A profile of its own, so a LibreOffice already open on the machine
	// does not swallow the conversion.
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	text := squash(pdftotext(t, filepath.Join(dir, "minutes.pdf")))
	for _, want := range []string{"№ 1/2026 ПРОТОКОЛУ", "1.3. Айылдык кеңештин сессиясына сунуштар", "Добуш берүү: макул — 2, каршы — 1, калыс калды — 0.",
		"Өткөрүлгөн жери: Масы айылы, айыл өкмөтү", "Төраганын милдетин аткаруучу", "Протоколду жүргүзгөн катчы"} {
		if !strings.Contains(text, squash(want)) {
			t.Errorf("LibreOffice's PDF lacks %q:\n%s", want, text)
		}
	}
}

func requirePdftotext(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("BMJBT_REQUIRE_PDFTOTEXT") != "" {
			t.Fatal("pdftotext is missing and CI requires it (.ci/run installs poppler-utils)")
		}
		t.Skip("pdftotext is missing: apt-get install -y poppler-utils (.ci/run installs it)")
	}
}

func pdftotext(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// squash drops white space, so a line the PDF wraps still matches.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}
