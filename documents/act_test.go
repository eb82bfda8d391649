package documents_test

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"bmjbt/documents"
	"bmjbt/monitoring"
	"bmjbt/storage/storagetest"
)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, monitoring.Bishkek) }

// actOf is a final act with something in every part a reader looks at:
// a plan item, a notice, five signers (one with a special opinion, one not
// yet signed), a recused member, an expert, methods, findings,
// recommendations and a cited document with Kyrgyz letters.
func actOf(t *testing.T, lang monitoring.Lang) documents.Act {
	t.Helper()
	signed := time.Date(2026, 10, 14, 15, 32, 0, 0, monitoring.Bishkek)
	return documents.Act{
		Muni:       storagetest.Municipality(t),
		Lang:       lang,
		Number:     "3/2026",
		Date:       day(10, 14),
		Object:     "Кызыл-Туу айылындагы ичүүчү суу",
		PlanItem:   "2.3. Ичүүчү суу кызматынын сапаты жана жеткиликтүүлүгү",
		PeriodFrom: day(9, 1), PeriodTo: day(9, 30),
		Members: []documents.ActMember{
			{Name: "Г. Кандарова", Role: monitoring.Chair, Affiliation: "айыл өкмөтүнүн социалдык адиси", Signed: signed},
			{Name: "К. Султанова", Role: monitoring.Deputy, Affiliation: "«Үмүт» коомдук бирикмеси", Signed: signed.Add(time.Hour)},
			{Name: "Э. Осмоналиев", Role: monitoring.Secretary, Signed: signed.Add(2 * time.Hour)},
			{Name: "У. Жантаева", Role: monitoring.Ordinary, Affiliation: "айылдык кеңештин депутаты", Signed: signed.Add(26 * time.Hour),
				Opinion: "Суу түтүгүн оңдоонун мөөнөтү өтө узак; бир айдан ашпашы керек."},
			{Name: "К. Ташиев", Role: monitoring.Ordinary},
		},
		Recused: []documents.ActPerson{{Name: "Б. Үсөнов", Role: monitoring.Ordinary}},
		Experts: []documents.ActPerson{{Name: "Н. Абдыкадырова", Affiliation: "райондук санитардык-эпидемиологиялык көзөмөл борбору"}},
		Methods: []string{"Объектиге барып көрүү", "Тургундар менен фокус топтогу талкуулоо", "Жарандардын отчеттук карточкалары"},
		Notice:  documents.ActNotice{Number: "2/2026", Date: day(8, 25)},
		Findings: []string{
			"Кызыл-Туу айылынын түштүк бөлүгүндө суу күнүнө эки саат гана берилет; тургундардын 62 пайызы суунун сапатына нааразы.",
			"Суу түтүгүнүн 1,2 чакырымы эскирген, үч жерден агып жатат.",
			"Суу үчүн төлөмдүн өлчөмү тургундарга маалымат тактасында жарыяланган эмес.",
		},
		Recommendations: []documents.ActRecommendation{
			{Text: "Суу түтүгүнүн эскирген бөлүгүн 2027-жылдын бюджетине киргизүү", To: "айыл өкмөтүнүн башчысы"},
			{Text: "Суу берүүнүн графигин маалымат тактасына илүү", To: "«Кызыл-Туу суу» ичүүчү сууну пайдалануучулардын коомдук бирикмеси"},
		},
		Sources: []documents.ActSource{{Title: "Суу түтүгүн оңдоонун 2026-жылга сметасы", From: "«Кызыл-Туу суу» АКБ", Received: day(9, 10), Request: "С-2026-0004"}},
	}
}

func writeActPDF(t *testing.T, a documents.Act) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := a.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// actText is the PDF as pdftotext reads it, page by page, in the order
// it was written (-raw): a signature row (role, line, name) stays on one
// line, and a draft's rotated mark does not cut into the text.
func actText(t *testing.T, pdf []byte) []string {
	t.Helper()
	requirePdftotext(t)
	path := filepath.Join(t.TempDir(), "act.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
	return pages
}

// row finds a line of the text holding every part, in this order.
func row(text string, parts ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := line, true
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(p):]
		}
		if ok {
			return true
		}
	}
	return false
}

// A member or a clerk reading the final act in Kyrgyz: the council's
// letterhead with «№ 3/2026 АКТЫСЫ», the date as the decisions write it,
// the facts of the monitoring, numbered findings and recommendations with
// their addressees, the cited document, the signature block with each
// member's line and the chat signature beside it, the special opinion
// labelled as the group's practice, page numbers and the verification
// line; no draft mark.
func TestActPDFInKyrgyz(t *testing.T) {
	t.Parallel()
	a := actOf(t, monitoring.Kyrgyz)
	pages := actText(t, writeActPDF(t, a))
	all := strings.Join(pages, "\n")
	flat := squash(all)
	for _, want := range []string{
		a.Muni.Name.In(monitoring.Kyrgyz),
		"Биргелешкен мониторинг жана баалоо тобу",
		"№ 3/2026 АКТЫСЫ",
		"2026-жылдын 14-октябры",
		a.Muni.Seat.In(monitoring.Kyrgyz),
		"«Кызыл-Туу айылындагы ичүүчү суу» боюнча мониторинг жөнүндө",
		"БМжБ планынын пункту: 2.3. Ичүүчү суу кызматынын сапаты жана жеткиликтүүлүгү.",
		"Мониторингдин мезгили: 2026-жылдын 1-сентябры – 2026-жылдын 30-сентябры.",
		"Кызыкдар тараптарга кабарлама: № 2/2026, 2026-жылдын 25-августу",
		"1. Г. Кандарова, төрага, айыл өкмөтүнүн социалдык адиси",
		"Жобонун 6.3-пункту боюнча «Кызыл-Туу айылындагы ичүүчү суу» мониторингине катышкан жок (кызыкчылыктардын кагылышы): Б. Үсөнов (мүчө).",
		"Тартылган эксперттер (Жобонун 4.2-пункту; топтун мүчөлөрү эмес, актыга кол коюшпайт): Н. Абдыкадырова",
		"2. Тургундар менен фокус топтогу талкуулоо.",
		"2. Суу түтүгүнүн 1,2 чакырымы эскирген, үч жерден агып жатат.",
		"1. Суу түтүгүнүн эскирген бөлүгүн 2027-жылдын бюджетине киргизүү. Кимге сунушталат: айыл өкмөтүнүн башчысы.",
		"(Жобонун 7.6-пункту)",
		"1. «Суу түтүгүн оңдоонун 2026-жылга сметасы»; берген: «Кызыл-Туу суу» АКБ; алынган күнү: 2026-жылдын 10-сентябры; суроо-талап № С-2026-0004.",
		"Өзгөчө пикир (топтун тартиби боюнча; Жободо каралган эмес): Суу түтүгүн оңдоонун мөөнөтү өтө узак; бир айдан ашпашы керек.",
		"Актынын текстинин хэши (SHA-256): " + a.TextHash(),
		"bmjbt act verify FILE.pdf",
	} {
		if !strings.Contains(flat, squash(want)) {
			t.Errorf("the act lacks %q:\n%s", want, all)
		}
	}
	// ң ө ү print as themselves, not as boxes or Latin look-alikes.
	for _, r := range []string{"ң", "ө", "ү", "Ү"} {
		if !strings.Contains(all, r) {
			t.Errorf("no %s in the text", r)
		}
	}
	// The signature block: role, a line for the hand, the name; the chat
	// signature beside it; the recused member without a line.
	for _, r := range [][]string{
		{"Төрага", "_____", "Г. Кандарова"},
		{"Төраганын орун басары", "_____", "К. Султанова"},
		{"Катчы", "_____", "Э. Осмоналиев"},
		{"Мүчөлөрү:", "_____", "У. Жантаева"},
		{"_____", "К. Ташиев"},
		{"чатта кол коюлду 14.10.2026, 15:32"},
		{"чатта кол коюлду 15.10.2026, 17:32"},
		{"кол коюла элек"},
		{"Мүчө", "Б. Үсөнов"},
		{"Жобонун 6.3-пункту боюнча катышкан жок"},
	} {
		if !row(all, r...) {
			t.Errorf("no signature row %q:\n%s", r, all)
		}
	}
	if row(all, "Б. Үсөнов", "_____") || row(all, "_____", "Б. Үсөнов") {
		t.Errorf("the recused member has a line to sign")
	}
	// The chair presides: the chair's row comes first.
	if i, j := strings.Index(all, "Г. Кандарова\n"), strings.Index(all, "К. Султанова\n"); i < 0 || j < i {
		t.Errorf("the chair's signature row is not first")
	}
	if len(pages) < 2 {
		t.Fatalf("the act fits on %d page; the test wants page numbers on several", len(pages))
	}
	for i, p := range pages {
		if !strings.Contains(squash(p), fmt.Sprintf("%d/%d", i+1, len(pages))) {
			t.Errorf("page %d has no «%d / %d»", i+1, i+1, len(pages))
		}
		if !strings.Contains(p, "№ 3/2026 актысы · "+a.TextHash()[:16]) {
			t.Errorf("page %d's foot does not name the act and its hash", i+1)
		}
	}
	if strings.Contains(all, "ДОЛБООР") {
		t.Errorf("a final act is marked as a draft")
	}
}

// A preview of a draft in Russian, while the chair is away: «ПРОЕКТ АКТА»
// on every page and no number, the deputy presiding as acting chair with
// the chair shown absent (3.6), the note that the members signed the
// Kyrgyz text, the Russian date, and a notice that came late with why.
func TestActDraftPDFInRussianByActingChair(t *testing.T) {
	t.Parallel()
	a := actOf(t, monitoring.Russian)
	a.Number = ""
	a.ChairAbsent = "Г. Кандарова"
	a.Members = a.Members[1:]
	a.Translation = true
	a.PlanItem, a.OutsidePlanReason = "", "жалобы жителей на перебои с водой"
	a.Notice.Reason = "перебои начались до уведомления"
	a.Notice.Date = day(9, 5)
	pdf := writeActPDF(t, a)
	pages := actText(t, pdf)
	all := strings.Join(pages, "\n")
	flat := squash(all)
	for _, want := range []string{
		"ПРОЕКТ АКТА",
		"14 октября 2026 года",
		"Настоящий текст является переводом: члены группы подписали текст акта на кыргызском языке.",
		"Периодический мониторинг вне плана (п. 5.2 Положения), причина: жалобы жителей на перебои с водой.",
		"Период мониторинга: с 1 сентября 2026 года по 30 сентября 2026 года.",
		"Уведомление заинтересованных сторон: № 2/2026 от 5 сентября 2026 года (п. 5.2 Положения). Уведомление направлено после начала мониторинга, причина: перебои начались до уведомления.",
		"Особое мнение (практика группы; Положением не предусмотрено):",
		"Адресат рекомендации: айыл өкмөтүнүн башчысы.",
		"Проект акта: номера нет, проверка не проводится.",
	} {
		if !strings.Contains(flat, squash(want)) {
			t.Errorf("the draft lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "АКТ №") {
		t.Errorf("a draft carries a number")
	}
	for i, p := range pages {
		// Across the page and at its top.
		if strings.Count(squash(p), "ПРОЕКТАКТА") < 2 {
			t.Errorf("page %d is not marked as a draft:\n%s", i+1, p)
		}
	}
	for _, r := range [][]string{
		{"Исполняющий обязанности председателя", "_____", "К. Султанова"},
		{"Председатель", "Г. Кандарова"},
		{"отсутствует (п. 3.6 Положения)"},
		{"Члены группы:", "_____", "У. Жантаева"},
		{"самоотвод (п. 6.3 Положения)"},
	} {
		if !row(all, r...) {
			t.Errorf("no signature row %q:\n%s", r, all)
		}
	}
	if row(all, "Председатель", "_____") {
		t.Errorf("the absent chair has a line to sign")
	}
	if i, j := strings.Index(all, "Исполняющий обязанности председателя"), strings.Index(all, "Председатель "); i < 0 || j < i {
		t.Errorf("the acting chair does not come first in the signature block")
	}
	if err := documents.VerifyActPDF(pdf, func(documents.ActClaim) ([]byte, error) {
		t.Error("a draft was looked up")
		return nil, nil
	}); !errors.Is(err, documents.ErrDraftAct) {
		t.Errorf("a draft passes or fails otherwise than as a draft: %v", err)
	}
}

// The clerk's DOCX: A4, the same text as the PDF, the signature block as
// a table, the act's number and hash in the file's properties, and a
// draft's mark in the header of every page.
func TestActDOCX(t *testing.T) {
	t.Parallel()
	a := actOf(t, monitoring.Kyrgyz)
	var buf bytes.Buffer
	if err := a.WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	b := readDOCX(t, buf.Bytes())
	if sz := b.attrs["pgSz"]; sz["w"] != "11906" || sz["h"] != "16838" {
		t.Errorf("the page is not A4 portrait (11906×16838 twips): %v", sz)
	}
	c := a.Content()
	for _, want := range []string{c.Head.Kind, c.Head.Title, "1. Кызыл-Туу айылынын түштүк бөлүгүндө суу күнүнө эки саат гана берилет; тургундардын 62 пайызы суунун сапатына нааразы.", "bmjbt act verify FILE.pdf"} {
		if !hasPara(b.paras, want) {
			t.Errorf("the DOCX has no paragraph %q; it has:\n%s", want, strings.Join(b.paras, "\n"))
		}
	}
	for _, bl := range c.Body {
		if !hasPara(b.paras, bl.String()) {
			t.Errorf("the DOCX lacks the PDF's %q", bl.String())
		}
	}
	if !hasRow(b.rows, "Төрага", "____________________", "Г. Кандарова") || !hasRow(b.rows, "Мүчө", "", "Б. Үсөнов") ||
		!hasRow(b.rows, "чатта кол коюлду 14.10.2026, 15:32") {
		t.Errorf("the signature block is not as in the PDF: %q", b.rows)
	}
	if !strings.Contains(b.core, "<cp:keywords>bmjbt-act 3/2026 ky sha256:"+a.TextHash()+"</cp:keywords>") {
		t.Errorf("the file's properties do not name the act: %s", b.core)
	}
	if _, ok := b.parts["word/header1.xml"]; ok {
		t.Errorf("a final act has a draft's header")
	}

	// In Russian: the noun before the number, the year written out, the
	// text marked as Russian; the PDF says the same.
	ru := actOf(t, monitoring.Russian)
	buf.Reset()
	if err := ru.WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	r := readDOCX(t, buf.Bytes())
	pdf := squash(strings.Join(actText(t, writeActPDF(t, ru)), ""))
	for _, want := range []string{"АКТ № 3/2026", "О мониторинге: «Кызыл-Туу айылындагы ичүүчү суу»",
		"Выполнение рекомендаций добровольно, однако органы местного самоуправления и сообщество обязаны их рассмотреть (п. 7.6 Положения)."} {
		if !hasPara(r.paras, want) || !strings.Contains(pdf, squash(want)) {
			t.Errorf("the Russian act lacks %q", want)
		}
	}
	if !hasRow(r.rows, "14 октября 2026 года", ru.Muni.Seat.In(monitoring.Russian)) || !hasRow(r.rows, "Председатель", "____________________", "Г. Кандарова") ||
		!strings.Contains(string(r.parts["word/document.xml"]), `w:val="ru-RU"`) {
		t.Errorf("the Russian DOCX's date, signature block or language is wrong: %q", r.rows)
	}

	a.Number = ""
	buf.Reset()
	if err := a.WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	d := readDOCX(t, buf.Bytes())
	if h := string(d.parts["word/header1.xml"]); !strings.Contains(h, "АКТЫНЫН ДОЛБООРУ") ||
		!strings.Contains(string(d.parts["word/document.xml"]), "headerReference") {
		t.Errorf("the draft's pages are not marked: %q", h)
	}
}

// `act verify`: the issued PDF passes; the same file with one letter of
// its text changed, or one byte damaged, fails naming the page; a minutes
// PDF is refused as foreign; an act the record does not know is refused.
func TestActPDFVerifies(t *testing.T) {
	t.Parallel()
	a := actOf(t, monitoring.Kyrgyz)
	issued := writeActPDF(t, a)
	// The same act read back from a database gives the same bytes: its
	// times in UTC, rendered again.
	utc := actOf(t, monitoring.Kyrgyz)
	utc.Date = utc.Date.UTC()
	for i := range utc.Members {
		utc.Members[i].Signed = utc.Members[i].Signed.UTC()
	}
	if again := writeActPDF(t, utc); !bytes.Equal(issued, again) {
		t.Fatalf("the same act gives different PDFs (from byte %d)", firstByteDiff(issued, again))
	}
	var asked []string
	rendered := map[monitoring.Lang][]byte{}
	// What the CLI passes: load the act by its number, in the file's
	// language, and render it again.
	reissue := func(c documents.ActClaim) ([]byte, error) {
		asked = append(asked, c.String())
		if c.Number != "3/2026" || c.Hash != a.TextHash() {
			return nil, errors.New("no such act")
		}
		if rendered[c.Lang] == nil {
			b := a
			b.Lang = c.Lang
			rendered[c.Lang] = writeActPDF(t, b)
		}
		return rendered[c.Lang], nil
	}
	if err := documents.VerifyActPDF(issued, reissue); err != nil {
		t.Fatalf("the issued PDF fails: %v", err)
	}
	if len(asked) != 1 || asked[0] != "act № 3/2026 (ky) with text hash "+a.TextHash() {
		t.Errorf("the record was asked for %q", asked)
	}

	// One glyph of page 2's text replaced, the stream recompressed: a
	// valid PDF that says something else.
	forged := editPageText(t, issued, 2)
	err := documents.VerifyActPDF(forged, reissue)
	t.Logf("a changed letter: %v", err)
	if !errors.Is(err, documents.ErrActDiffers) || !strings.Contains(err.Error(), "page 2") || strings.Contains(err.Error(), "page 1") {
		t.Errorf("a PDF with a changed letter on page 2: %v", err)
	}
	// One byte changed inside page 1's compressed text.
	damaged := bytes.Clone(issued)
	s := pageStream(t, damaged, 1)
	damaged[s+40] ^= 0x01
	err = documents.VerifyActPDF(damaged, reissue)
	t.Logf("a damaged byte: %v", err)
	if !errors.Is(err, documents.ErrActDiffers) || !strings.Contains(err.Error(), "page 1") {
		t.Errorf("a PDF with one byte changed in page 1's text: %v", err)
	}
	// The claimed hash changed in the properties: no such act.
	claim := bytes.Replace(issued, []byte("sha256:"+a.TextHash()[:8]), []byte("sha256:00000000"), 1)
	if err := documents.VerifyActPDF(claim, reissue); err == nil || !strings.Contains(err.Error(), "no such act") {
		t.Errorf("a PDF claiming another hash: %v", err)
	}

	// The Kyrgyz file claiming to be the Russian text of the same act.
	lang := bytes.Replace(issued, []byte(" 3/2026 ky sha256:"), []byte(" 3/2026 ru sha256:"), 1)
	if err := documents.VerifyActPDF(lang, reissue); !errors.Is(err, documents.ErrActDiffers) {
		t.Errorf("a PDF claiming the other language: %v", err)
	}

	var minutes bytes.Buffer
	if err := minutesOf(t, monitoring.Kyrgyz).WritePDF(&minutes); err != nil {
		t.Fatal(err)
	}
	asked = nil
	for name, file := range map[string][]byte{"minutes": minutes.Bytes(), "a text file": []byte("АКТ № 3/2026")} {
		if err := documents.VerifyActPDF(file, reissue); !errors.Is(err, documents.ErrNotAnAct) || !strings.Contains(err.Error(), "not an act issued by bmjbt") {
			t.Errorf("%s is not refused as foreign: %v", name, err)
		}
	}
	if len(asked) > 0 {
		t.Errorf("a foreign file was looked up: %q", asked)
	}
}

func firstByteDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// pageStream is the offset of page n's content stream data in a PDF of fpdf.
func pageStream(t *testing.T, pdf []byte, n int) int {
	t.Helper()
	pages := regexp.MustCompile(`/Type /Page\n[^>]*/Contents (\d+) 0 R`).FindAllSubmatch(pdf, -1)
	if len(pages) < n {
		t.Fatalf("the PDF has %d pages", len(pages))
	}
	obj := bytes.Index(pdf, []byte("\n"+string(pages[n-1][1])+" 0 obj\n"))
	s := bytes.Index(pdf[obj:], []byte("stream\n"))
	if obj < 0 || s < 0 {
		t.Fatal("no content stream for page", n)
	}
	return obj + s + len("stream\n")
}

// editPageText changes one glyph of page n's text and compresses the
// stream again, as someone editing the PDF would.
func editPageText(t *testing.T, pdf []byte, n int) []byte {
	t.Helper()
	start := pageStream(t, pdf, n)
	head := pdf[:start]
	lm := regexp.MustCompile(`/Length (\d+)>>\nstream\n$`).FindSubmatchIndex(head)
	if lm == nil {
		t.Fatal("no length before the stream")
	}
	length, _ := strconv.Atoi(string(head[lm[2]:lm[3]]))
	zr, err := zlib.NewReader(bytes.NewReader(pdf[start : start+length]))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	// The first shown string's first glyph id, one higher.
	m := regexp.MustCompile(`\(((?:\\.|[^\\)])+)\) ?Tj|<([0-9A-Fa-f]{4})`).FindSubmatchIndex(text)
	if m == nil {
		t.Fatalf("no text on page %d:\n%.300s", n, text)
	}
	i := m[2]
	if i < 0 {
		i = m[4] + 3
	}
	text = bytes.Clone(text)
	text[i]++
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(text)
	zw.Close()
	var out bytes.Buffer
	out.Write(head[:lm[2]])
	out.WriteString(strconv.Itoa(z.Len()))
	out.Write(head[lm[3]:])
	out.Write(z.Bytes())
	out.Write(pdf[start+length:])
	return out.Bytes()
}

// No resident's name, phone or user id, and no received document's
// content, can reach an act: the model has no field for them (6.2,
// DESIGN.md "personal data"). A cited document prints its reference,
// the title first, and nothing else; no file is embedded.
func TestActCarriesReferencesNotContent(t *testing.T) {
	t.Parallel()
	forbidden := regexp.MustCompile(`(?i)phone|contact|user|resident|chat|content|body|file|attach|data|text$`)
	allowed := map[string]bool{"Text": true} // a finding's or recommendation's own wording
	var walk func(reflect.Type, string)
	seen := map[reflect.Type]bool{}
	walk = func(ty reflect.Type, path string) {
		for ty.Kind() == reflect.Slice || ty.Kind() == reflect.Pointer {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || ty.PkgPath() != reflect.TypeOf(documents.Act{}).PkgPath() || seen[ty] {
			return
		}
		seen[ty] = true
		for i := range ty.NumField() {
			f := ty.Field(i)
			if forbidden.MatchString(f.Name) && !(allowed[f.Name] && ty == reflect.TypeOf(documents.ActRecommendation{})) {
				t.Errorf("%s.%s: the act's model has a field for personal data or a document's content", path, f.Name)
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeOf(documents.Act{}), "Act")
	if got := reflect.TypeOf(documents.ActSource{}); got.NumField() != 4 {
		t.Errorf("a cited source carries %d fields; its reference is title, who gave it, when, which request", got.NumField())
	}

	a := actOf(t, monitoring.Kyrgyz)
	pdf := writeActPDF(t, a)
	if bytes.Contains(pdf, []byte("/Type /EmbeddedFile")) || bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Errorf("the act's PDF embeds a file or an image")
	}
	if !strings.Contains(squash(strings.Join(actText(t, pdf), "")), squash("«Суу түтүгүн оңдоонун 2026-жылга сметасы»")) {
		t.Errorf("the cited document's title is not printed")
	}
	var docx bytes.Buffer
	if err := a.WriteDOCX(&docx); err != nil {
		t.Fatal(err)
	}
	for _, f := range readDOCX(t, docx.Bytes()).files {
		if strings.HasPrefix(f, "word/media/") || strings.HasPrefix(f, "word/embeddings/") {
			t.Errorf("the act's DOCX carries %s", f)
		}
	}
}
