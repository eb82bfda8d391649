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

// Block is one paragraph of the body.
type Block struct {
	Kind BlockKind
	Text string
}

// SignatureRow is a row of the signature block: the role on the left, a
// line for the handwritten signature, the name on the right; Note, when
// set, is a small line under it on the right («чатта кол коюлду …»).
type SignatureRow struct {
	Role, Name, Note string
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
	d := newOfficialPDF(o.Title, o.Date)
	d.letterhead(o.Head)
	for _, b := range o.Body {
		switch b.Kind {
		case BlockSection:
			d.section(b.Text)
		case BlockIndented:
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
		d.signature(s.Role, s.Name)
		if s.Note != "" {
			d.para("", noteSize, "R", s.Note)
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

func newOfficialPDF(title string, date time.Time) *officialPDF {
	p := newA4(title, date)
	pw, _ := p.GetPageSize()
	l, _, r, _ := p.GetMargins()
	return &officialPDF{pdf: p, width: pw - l - r}
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
	d.pdf.Ln(3)
	d.para("B", 12, "L", title)
	d.pdf.Ln(1)
}

// signature is a row of the signature block: the role on the left, a line
// for the handwritten signature, the name on the right.
func (d *officialPDF) signature(role, name string) {
	d.pdf.SetFont(fontFamily, "", bodySize)
	c := signatureColumns
	d.pdf.CellFormat(d.width*c[0], lineH, role, "", 0, "L", false, 0, "")
	d.pdf.CellFormat(d.width*c[1], lineH, signatureLine, "", 0, "C", false, 0, "")
	d.pdf.CellFormat(d.width*c[2], lineH, name, "", 1, "R", false, 0, "")
}
