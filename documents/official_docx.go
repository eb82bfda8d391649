package documents

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gomutex/godocx"
	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"

	"bmjbt/monitoring"
)

// Page geometry in twips (1/1440 inch), matching the PDF: A4, 25 mm on the
// left for the binding, 15 mm elsewhere. godocx's template is US Letter,
// which a clerk's printer in Kyrgyzstan would crop.
const (
	a4WidthTwips   = 11906
	a4HeightTwips  = 16838
	marginLeftTw   = 1417 // 25 mm
	marginOtherTw  = 850  // 15 mm
	textWidthTwips = a4WidthTwips - marginLeftTw - marginOtherTw
)

// docxFont is metric-compatible with the PDF's Liberation Sans and has
// ң ө ү on Windows; LibreOffice maps it to Liberation Sans.
const docxFont = "Arial"

// mmTw converts the PDF's gaps in millimetres to twips.
func mmTw(mm float64) uint64 { return uint64(mm*1440/25.4 + 0.5) }

// WriteDOCX writes the paper as a Word document with the same text and
// layout as WritePDF: the letterhead, the body, and the signature block as
// a borderless table of three columns, so the clerk can edit it and the
// columns stay aligned.
func (o Official) WriteDOCX(w io.Writer) error {
	rd, err := godocx.NewDocument()
	if err != nil {
		return fmt.Errorf("DOCX: %w", err)
	}
	d := officialDOCX{rd: rd, lang: wordLang(o.Lang)}
	d.page()
	d.properties(o)
	d.footer(o.Footer)
	if o.Mark != "" {
		d.header(o.Mark)
	}

	for i, line := range o.Head.Issuer {
		after := uint64(0)
		if i == len(o.Head.Issuer)-1 {
			after = mmTw(4)
		}
		d.para(line, 12, true, stypes.JustificationCenter, 0, after)
	}
	d.para(o.Head.Kind, 13, true, stypes.JustificationCenter, 0, mmTw(3))
	d.table([]uint64{textWidthTwips / 2, textWidthTwips - textWidthTwips/2},
		docxRow{cells: []cell{{o.Head.Date, stypes.JustificationLeft}, {o.Head.Place, stypes.JustificationRight}}})
	d.para(o.Head.Title, 12, true, stypes.JustificationCenter, mmTw(4), mmTw(3))

	for _, b := range o.Body {
		switch {
		case b.Kind == BlockSection:
			d.para(b.String(), 12, true, stypes.JustificationLeft, mmTw(3), mmTw(1))
		case b.Number != "":
			// The number hangs in the left margin of the text, as in the
			// PDF; the text after it is one run, so it reads the same.
			p := d.para(b.String(), bodySize, false, stypes.JustificationLeft, 0, 0)
			left, hang := int(mmTw(numberColumn)), mmTw(numberColumn)
			p.Indent(&ctypes.Indent{Left: &left, Hanging: &hang})
		case b.Kind == BlockIndented:
			p := d.para(b.Text, bodySize, false, stypes.JustificationLeft, 0, 0)
			left := int(mmTw(7))
			p.Indent(&ctypes.Indent{Left: &left})
		default:
			d.para(b.Text, bodySize, false, stypes.JustificationLeft, 0, 0)
		}
	}

	// One table for the whole block: Word joins tables that follow each
	// other without a paragraph between them anyway.
	role := uint64(textWidthTwips*signatureColumns[0] + 0.5)
	line := uint64(textWidthTwips*signatureColumns[1] + 0.5)
	var rows []docxRow
	for i, s := range o.Signatures {
		before := mmTw(4)
		if i == 0 {
			before = mmTw(8)
		}
		sig := signatureLine
		if s.NoLine {
			sig = ""
		}
		rows = append(rows, docxRow{before: before, cells: []cell{
			{s.Role, stypes.JustificationLeft}, {sig, stypes.JustificationCenter}, {s.Name, stypes.JustificationRight}}})
		if s.Note != "" {
			rows = append(rows, docxRow{size: noteSize, cells: []cell{{s.Note, stypes.JustificationRight}}})
		}
		if s.Remark != "" {
			rows = append(rows, docxRow{size: noteSize, cells: []cell{{s.Remark, stypes.JustificationLeft}}})
		}
	}
	if len(rows) > 0 {
		d.table([]uint64{role, line, textWidthTwips - role - line}, rows...)
	}
	for i, c := range o.Closing {
		before := uint64(0)
		if i == 0 {
			before = mmTw(6)
		}
		d.para(c, noteSize, false, stypes.JustificationLeft, before, 0)
	}
	// Word ends a document with a paragraph, never with a table.
	d.para("", bodySize, false, stypes.JustificationLeft, 0, 0)
	if err := rd.Write(w); err != nil {
		return fmt.Errorf("DOCX: %w", err)
	}
	return nil
}

type officialDOCX struct {
	rd   *docx.RootDoc
	lang string
}

// wordLang is the language tag Word and LibreOffice check spelling by.
func wordLang(l monitoring.Lang) string {
	switch l {
	case monitoring.Russian:
		return "ru-RU"
	case monitoring.English:
		return "en-US"
	}
	return "ky-KG"
}

// footerRel names the footer part in the document's relationships; the
// template has no footer of its own, so the name cannot clash.
const footerRel = "rIdBmjbtFooter"

// footer puts the page number at the foot of every page, «2 / 3» as the
// PDF does, with Word's PAGE and NUMPAGES fields, after the paper's footer
// line when it has one. godocx has no API for footers, so the part is
// written by hand.
func (d officialDOCX) footer(line string) {
	field := func(instr string) string {
		return `<w:r>` + footerRun + `<w:fldChar w:fldCharType="begin"/></w:r><w:r>` + footerRun + `<w:instrText xml:space="preserve"> ` + instr +
			` </w:instrText></w:r><w:r>` + footerRun + `<w:fldChar w:fldCharType="separate"/></w:r><w:r>` + footerRun + `<w:t>1</w:t></w:r><w:r>` + footerRun + `<w:fldChar w:fldCharType="end"/></w:r>`
	}
	part := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		footerLine(line) + `<w:p><w:pPr><w:jc w:val="center"/></w:pPr>` + field("PAGE") + `<w:r>` + footerRun + `<w:t xml:space="preserve"> / </w:t></w:r>` + field("NUMPAGES") + `</w:p></w:ftr>`
	d.rd.FileMap.Store("word/footer1.xml", []byte(part))
	d.rd.Document.DocRels.Relationships = append(d.rd.Document.DocRels.Relationships, &docx.Relationship{
		ID: footerRel, Type: "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer", Target: "footer1.xml",
	})
	_ = d.rd.ContentType.AddOverride("/word/footer1.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml")
	d.rd.Document.Body.SectPr.FooterReference = &ctypes.FooterReference{Type: stypes.HdrFtrDefault, ID: footerRel}
}

// footerLine is a paragraph of small text above the page number.
func footerLine(text string) string {
	if text == "" {
		return ""
	}
	return `<w:p><w:r><w:rPr><w:rFonts w:ascii="` + docxFont + `" w:hAnsi="` + docxFont + `"/><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve">` +
		escape(text) + `</w:t></w:r></w:p>`
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// headerRel names the header part, as footerRel the footer.
const headerRel = "rIdBmjbtHeader"

// header prints the paper's mark at the top of every page, in dark red as
// the PDF's, so a printed draft cannot pass for the act.
func (d officialDOCX) header(text string) {
	part := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="` + docxFont + `" w:hAnsi="` + docxFont + `"/><w:b/><w:color w:val="A00000"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">` +
		escape(text) + `</w:t></w:r></w:p></w:hdr>`
	d.rd.FileMap.Store("word/header1.xml", []byte(part))
	d.rd.Document.DocRels.Relationships = append(d.rd.Document.DocRels.Relationships, &docx.Relationship{
		ID: headerRel, Type: "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header", Target: "header1.xml",
	})
	_ = d.rd.ContentType.AddOverride("/word/header1.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml")
	d.rd.Document.Body.SectPr.HeaderReference = &ctypes.HeaderReference{Type: stypes.HdrFtrDefault, ID: headerRel}
}

// footerRun is the page number's look: the body's font at the PDF's 9 pt.
const footerRun = `<w:rPr><w:rFonts w:ascii="` + docxFont + `" w:hAnsi="` + docxFont + `"/><w:sz w:val="18"/></w:rPr>`

type cell struct {
	text  string
	align stypes.Justification
}

// page sets A4 and the margins on the document's only section.
func (d officialDOCX) page() {
	w, h := uint64(a4WidthTwips), uint64(a4HeightTwips)
	l, o, hf := marginLeftTw, marginOtherTw, 425
	gutter := 0
	body := d.rd.Document.Body
	if body.SectPr == nil {
		body.SectPr = ctypes.NewSectionProper()
	}
	body.SectPr.PageSize = &ctypes.PageSize{Width: &w, Height: &h}
	body.SectPr.PageMargin = &ctypes.PageMargin{Left: &l, Right: &o, Top: &o, Bottom: &o, Header: &hf, Footer: &hf, Gutter: &gutter}
}

// properties replaces the template's file properties (author «gomutex»,
// dates of 2013, a thumbnail of another page) with the paper's own title,
// bmjbt as the author and the meeting's date, as the PDF's are.
func (d officialDOCX) properties(o Official) {
	when := o.Date.UTC().Format(time.RFC3339)
	var extra string
	if o.Subject != "" {
		extra += `<dc:subject>` + escape(o.Subject) + `</dc:subject>`
	}
	if o.Keywords != "" {
		extra += `<cp:keywords>` + escape(o.Keywords) + `</cp:keywords>`
	}
	core := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + escape(o.Title) + `</dc:title>` + extra + `<dc:creator>bmjbt</dc:creator><cp:lastModifiedBy>bmjbt</cp:lastModifiedBy><cp:revision>1</cp:revision>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + when + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + when + `</dcterms:modified></cp:coreProperties>`
	d.rd.FileMap.Store("docProps/core.xml", []byte(core))

	d.rd.FileMap.Delete("docProps/thumbnail.jpeg")
	rels := d.rd.RootRels.Relationships[:0]
	for _, r := range d.rd.RootRels.Relationships {
		if !strings.HasSuffix(r.Type, "/thumbnail") {
			rels = append(rels, r)
		}
	}
	d.rd.RootRels.Relationships = rels
}

// para adds a paragraph of one run; spacing before and after in twips.
func (d officialDOCX) para(text string, size uint64, bold bool, align stypes.Justification, before, after uint64) *docx.Paragraph {
	p := d.rd.AddEmptyParagraph()
	d.fill(p, text, size, bold, align, before, after)
	return p
}

func (d officialDOCX) fill(p *docx.Paragraph, text string, size uint64, bold bool, align stypes.Justification, before, after uint64) {
	p.Justification(align)
	p.Spacing(before, after)
	r := p.AddText(text).Font(docxFont).Size(size)
	if bold {
		r.Bold(true)
	}
	// godocx's Run has no setter for the language: set it on the run just
	// added, which Font has given properties.
	ch := p.GetCT().Children
	if run := ch[len(ch)-1].Run; run != nil && run.Property != nil {
		lang := d.lang
		run.Property.Lang = &ctypes.Lang{Val: &lang}
	}
}

// docxRow is a row of a borderless table: before is the gap above it in
// twips, size the text's size in points (the body's when 0). A row of one
// cell spans the whole table, as a note under a signature does.
type docxRow struct {
	cells  []cell
	before uint64
	size   uint64
}

// table adds a table without borders: columns that stay aligned however
// long a name is, as the PDF's cells do. A row's gap goes on its cells'
// paragraphs, since a row has no spacing of its own.
func (d officialDOCX) table(widths []uint64, rows ...docxRow) {
	t := d.rd.AddTable()
	none := func() *ctypes.Border { return &ctypes.Border{Val: stypes.BorderStyleNone} }
	t.GetCT().TableProp.Borders = &ctypes.TableBorders{Top: none(), Left: none(), Bottom: none(), Right: none(), InsideH: none(), InsideV: none()}
	t.Width(int(textWidthTwips), stypes.TableWidthDxa)
	t.Layout(stypes.TableLayoutFixed)
	t.Grid(widths...)
	// No cell padding, so the text lines up with the paragraphs' margins.
	zero := func() *ctypes.TableWidth { return ctypes.NewTableWidth(0, stypes.TableWidthDxa) }
	t.CellMargin(zero(), zero(), zero(), zero())
	for _, r := range rows {
		size := r.size
		if size == 0 {
			size = bodySize
		}
		row := t.AddRow()
		for i, c := range r.cells {
			w := widths[i]
			span := len(r.cells) == 1 && len(widths) > 1
			if span {
				w = 0
				for _, x := range widths {
					w += x
				}
			}
			tc := row.AddCell().Width(int(w), stypes.TableWidthDxa)
			if span {
				tc.ColSpan(len(widths))
			}
			d.fill(tc.AddEmptyPara(), c.text, size, false, c.align, r.before, 0)
		}
	}
}
