package documents

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Official is the content of a paper in the council's style (GLOSSARY.md,
// "How documents are written"): the letterhead, the body and the signature
// block. The text is computed once and each writer only lays it out, so the
// PDF and the DOCX of the same minutes (and later of notices, acts and
// reports) can never say different things.
type Official struct {
	// Title and Date go into the file's properties.
	Title string
	Date  time.Time
	// Lang is the language of the text, so that a word processor checks
	// the spelling in Kyrgyz or Russian rather than in English.
	Lang monitoring.Lang
	Head Letterhead
	Body []Block
	// Signatures are the rows of the signature block, in order.
	Signatures []SignatureRow
	// Closing are small paragraphs after the signature block, such as an
	// act's verification line.
	Closing []string
	// Subject and Keywords go into the file's properties, where a program
	// finds which paper a file claims to be (an act's number and hash).
	Subject, Keywords string
	// Mark is printed across every page, as a draft's «АКТЫНЫН ДОЛБООРУ»;
	// "" for none.
	Mark string
	// Footer is a small line at the foot of every page, beside the page
	// number; "" for none.
	Footer string
}

// Letterhead is the head of a council-style paper: the issuing body, the
// kind with its number in capitals («№ 1/2026 ПРОТОКОЛУ»), the date on the
// left and the place on the right, and the title.
type Letterhead struct {
	Issuer      []string
	Kind        string
	Date, Place string
	Title       string
}

// councilHead is the letterhead every paper of the group starts with: the
// municipality, then the group.
func councilHead(muni *monitoring.Municipality, lang monitoring.Lang, kind, date, place, title string) Letterhead {
	return Letterhead{
		Issuer: []string{muni.Name.In(lang), catalog.Default().T(lang, "results.heading.group", nil)},
		Kind:   kind, Date: date, Place: place, Title: title,
	}
}

// BlockKind says how a block of the body is set.
type BlockKind int

const (
	// BlockText is an ordinary paragraph, including a numbered point whose
	// number is part of its text («1.2. …»).
	BlockText BlockKind = iota
	// BlockSection is the title of a numbered section («2. Кабыл алынган
	// чечимдер»), in bold.
	BlockSection
	// BlockIndented is a line that belongs to the point above it, such as
	// the votes under a decision.
	BlockIndented
)

// Block is one paragraph of the body. Number, when set, is a numbered
// item's number («1.»), set in its own column so that the lines of the
// text wrap under the text rather than under the number.
type Block struct {
	Kind   BlockKind
	Number string
	Text   string
}

// String is the block as a reader reads it: the number, then the text.
func (b Block) String() string {
	if b.Number == "" {
		return b.Text
	}
	return b.Number + " " + b.Text
}

// numberColumn is the width of a numbered item's number, in mm.
const numberColumn = 8

// SignatureRow is a row of the signature block: the role on the left, a
// line for the handwritten signature, the name on the right; Note, when
// set, is a small line under it on the right («чатта кол коюлду …»).
// NoLine leaves out the line, for someone who does not sign (a recused
// member, a chair on a recorded absence); Remark is a paragraph under the
// row, such as a member's special opinion.
type SignatureRow struct {
	Role, Name, Note string
	NoLine           bool
	Remark           string
}

// signatureLine is where the signer signs by hand.
const signatureLine = "____________________"

// signatureColumns are the signature block's columns as parts of the text
// width (170 mm on A4): the role, the line, the name. The role gets the
// most room because «Исполняющий обязанности председателя» takes 76 mm at
// 11 pt; in equal thirds it ran into the line.
var signatureColumns = [3]float64{80.0 / 170, 45.0 / 170, 45.0 / 170}

// WritePDF writes the paper as an A4 PDF: 25 mm left margin, 15 mm
// others, Liberation Sans, a page number at the foot.
func (o Official) WritePDF(w io.Writer) error {
	d := newOfficialPDF(o)
	d.letterhead(o.Head)
	for _, b := range o.Body {
		switch {
		case b.Kind == BlockSection:
			d.section(b.String())
		case b.Number != "":
			d.numbered(b.Number, b.Text)
		case b.Kind == BlockIndented:
			d.para("", bodySize, "L", "    "+b.Text)
		default:
			d.para("", bodySize, "L", b.Text)
		}
	}
	d.pdf.Ln(8)
	for i, s := range o.Signatures {
		if i > 0 {
			d.pdf.Ln(4)
		}
		// A row and its note stay on one page.
		need := lineH
		if s.Note != "" {
			need += lineH
		}
		d.room(need)
		line := signatureLine
		if s.NoLine {
			line = ""
		}
		d.signatureRow(s.Role, line, s.Name)
		if s.Note != "" {
			d.para("", noteSize, "R", s.Note)
		}
		if s.Remark != "" {
			d.para("", noteSize, "L", s.Remark)
		}
	}
	if len(o.Closing) > 0 {
		d.pdf.Ln(6)
		for _, c := range o.Closing {
			d.para("", noteSize, "L", c)
		}
	}
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("PDF: %w", err)
	}
	return d.pdf.Output(w)
}

// noteSize is the size of a note under a signature, in points.
const noteSize = 9

// officialPDF is an A4 document in the council's style, shared by the
// group's papers.
type officialPDF struct {
	pdf   *fpdf.Fpdf
	width float64
}

func newOfficialPDF(o Official) *officialPDF {
	p := a4(o.Title, o.Date)
	if o.Subject != "" {
		p.SetSubject(o.Subject, true)
	}
	if o.Keywords != "" {
		// ASCII, so a verifier reads it without decoding UTF-16.
		p.SetKeywords(o.Keywords, false)
	}
	if o.Mark != "" {
		// Home mode: the body starts at the top margin after the mark.
		p.SetHeaderFuncMode(func() { mark(p, o.Mark) }, true)
	}
	if o.Footer != "" {
		p.SetFooterFunc(func() {
			p.SetY(-15)
			p.SetFont(fontFamily, "", 8)
			pw, _ := p.GetPageSize()
			l, _, r, _ := p.GetMargins()
			p.CellFormat(pw-l-r-20, 5, o.Footer, "", 0, "L", false, 0, "")
			p.SetFont(fontFamily, "", 9)
			p.CellFormat(20, 5, fmt.Sprintf("%d / {nb}", p.PageNo()), "", 0, "R", false, 0, "")
		})
	}
	p.AddPage()
	pw, _ := p.GetPageSize()
	l, _, r, _ := p.GetMargins()
	return &officialPDF{pdf: p, width: pw - l - r}
}

// mark writes text across the page, large and light, under what follows:
// a draft's mark, which no copy of a page can lose.
func mark(p *fpdf.Fpdf, text string) {
	pw, ph := p.GetPageSize()
	p.SetFont(fontFamily, "B", 54)
	p.SetTextColor(215, 215, 215)
	w := p.GetStringWidth(text)
	cx, cy := pw/2, ph/2
	p.TransformBegin()
	p.TransformRotate(50, cx, cy)
	p.Text(cx-w/2, cy+7, text)
	p.TransformEnd()
	p.SetTextColor(0, 0, 0)
	// And once at the top in plain size, for a reader of the text alone.
	p.SetFont(fontFamily, "B", 9)
	p.SetTextColor(160, 0, 0)
	p.SetXY(p.GetX(), 7)
	p.CellFormat(0, 5, text, "", 1, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// room starts a new page when fewer than h mm are left above the foot.
func (d *officialPDF) room(h float64) {
	_, ph := d.pdf.GetPageSize()
	if d.pdf.GetY()+h > ph-pageBottom {
		d.pdf.AddPage()
	}
}

// numbered is an item with its number in a column of its own.
func (d *officialPDF) numbered(number, text string) {
	d.pdf.SetFont(fontFamily, "", bodySize)
	x := d.pdf.GetX()
	d.pdf.CellFormat(numberColumn, lineH, number, "", 0, "L", false, 0, "")
	d.pdf.MultiCell(d.width-numberColumn, lineH, text, "", "L", false)
	d.pdf.SetX(x)
}

func (d *officialPDF) para(style string, size float64, align, text string) {
	d.pdf.SetFont(fontFamily, style, size)
	d.pdf.MultiCell(0, lineH, text, "", align, false)
}

// letterhead is the head of a council-style document: issuer, the kind in
// capitals, date on the left and place on the right, the title.
func (d *officialPDF) letterhead(h Letterhead) {
	for _, line := range h.Issuer {
		d.para("B", 12, "C", line)
	}
	d.pdf.Ln(4)
	d.para("B", 13, "C", h.Kind)
	d.pdf.Ln(3)
	d.pdf.SetFont(fontFamily, "", bodySize)
	half := d.width / 2
	d.pdf.CellFormat(half, lineH, h.Date, "", 0, "L", false, 0, "")
	d.pdf.CellFormat(half, lineH, h.Place, "", 1, "R", false, 0, "")
	d.pdf.Ln(4)
	d.para("B", 12, "C", h.Title)
	d.pdf.Ln(3)
}

func (d *officialPDF) section(title string) {
	// A title keeps at least two lines of its section under it.
	d.room(4 + 3*lineH)
	d.pdf.Ln(3)
	d.para("B", 12, "L", title)
	d.pdf.Ln(1)
}

// signature is a row of the signature block: the role on the left, a
// line for the handwritten signature, the name on the right.
func (d *officialPDF) signature(role, name string) { d.signatureRow(role, signatureLine, name) }

// signatureRow is signature with the line given, "" for someone who does
// not sign.
func (d *officialPDF) signatureRow(role, line, name string) {
	d.pdf.SetFont(fontFamily, "", bodySize)
	c := signatureColumns
	d.pdf.CellFormat(d.width*c[0], lineH, role, "", 0, "L", false, 0, "")
	d.pdf.CellFormat(d.width*c[1], lineH, line, "", 0, "C", false, 0, "")
	d.pdf.CellFormat(d.width*c[2], lineH, name, "", 1, "R", false, 0, "")
}
