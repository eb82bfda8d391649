package documents

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Minutes is a meeting's minutes (протокол) as the group issues them
// (Regulation 3.6, 3.7): drafted by the secretary, signed by the chair or
// by the deputy during a recorded absence of the chair.
type Minutes struct {
	Muni    *monitoring.Municipality
	Lang    monitoring.Lang
	Meeting monitoring.Meeting
	// Secretary drafted the minutes (3.7); "" when the group has none.
	Secretary string
	// Presiding signs when the minutes are not signed in the chat yet: the
	// chair, or the acting chair.
	Presiding monitoring.Signature
}

func (m Minutes) t(id string, args catalog.Args) string { return catalog.Default().T(m.Lang, id, args) }

// WritePDF writes the minutes in the layout of the council's documents
// (GLOSSARY.md): municipality and group, «№ 4/2026 ПРОТОКОЛУ», date and
// place, who attended, the agenda, the decisions with their votes, and
// the signature block.
func (m Minutes) WritePDF(w io.Writer) error {
	c := catalog.Default()
	mt := m.Meeting
	d := newOfficialPDF(m.t("minutes.title", catalog.Args{"Number": mt.Number.String()}), mt.HeldAt)
	d.letterhead(m.Muni, m.Lang, m.t("minutes.kind", catalog.Args{"Number": mt.Number.String()}),
		c.DocumentDate(m.Lang, mt.HeldAt), m.Muni.Seat.In(m.Lang), m.t("minutes.title", catalog.Args{"Number": mt.Number.String()}))

	place := mt.Place
	if place == "" {
		place = m.t("minutes.in_chat", nil)
	}
	d.para("", bodySize, "L", m.t("minutes.held", catalog.Args{"Date": c.DocumentDate(m.Lang, mt.HeldAt), "Time": mt.HeldAt.In(monitoring.Bishkek).Format("15:04"), "Place": place}))
	var present, absent []string
	for _, a := range mt.Attendance {
		name := a.Name + " (" + m.t("role."+string(a.Role), nil) + ")"
		switch a.Presence {
		case monitoring.Present:
			present = append(present, name)
		case monitoring.Excused:
			reason := a.Reason
			if reason == "" {
				reason = m.t("minutes.with_reason", nil)
			}
			absent = append(absent, name+": "+reason)
		default:
			absent = append(absent, name)
		}
	}
	d.para("", bodySize, "L", m.t("minutes.present", catalog.Args{"Count": len(present), "Names": strings.Join(present, ", ")}))
	if len(absent) > 0 {
		d.para("", bodySize, "L", m.t("minutes.absent", catalog.Args{"Count": len(absent), "Names": strings.Join(absent, "; ")}))
	}

	d.section(1, m.t("minutes.agenda", nil))
	for i, item := range mt.Agenda {
		d.para("", bodySize, "L", fmt.Sprintf("1.%d. %s", i+1, item))
	}
	d.section(2, m.t("minutes.decided", nil))
	if len(mt.Decisions) == 0 {
		d.para("", bodySize, "L", m.t("minutes.no_decisions", nil))
	}
	for i, dec := range mt.Decisions {
		text := dec.Text
		if dec.Elects != "" {
			if text != "" && !strings.ContainsAny(text[len(text)-1:], ".!?") {
				text += "."
			}
			text = strings.TrimSpace(text + " " + m.t("minutes.elected", catalog.Args{"Name": dec.ElectedName, "Role": m.t("role."+string(dec.Elects), nil)}))
		}
		d.para("", bodySize, "L", fmt.Sprintf("2.%d. %s", i+1, text))
		d.para("", bodySize, "L", "    "+m.t("minutes.votes", catalog.Args{"For": dec.For, "Against": dec.Against, "Abstained": dec.Abstained}))
	}

	d.pdf.Ln(8)
	sig := m.Presiding
	if mt.Signed != nil {
		sig = *mt.Signed
	}
	role := m.t("role.chair", nil)
	if sig.Acting {
		role = m.t("signature.acting_chair", nil)
	}
	d.signature(capitalize(role), sig.Name)
	if mt.Signed != nil && mt.Signed.InChat {
		d.para("", 9, "R", m.t("signature.in_chat", catalog.Args{"When": mt.Signed.At.In(monitoring.Bishkek).Format("02.01.2006, 15:04")}))
	}
	if m.Secretary != "" {
		d.pdf.Ln(4)
		d.signature(m.t("minutes.drafted_by", nil), m.Secretary)
	}
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("minutes PDF: %w", err)
	}
	return d.pdf.Output(w)
}

// capitalize makes the first letter upper case, as a signature block
// starts («Төрага», «Председатель»).
func capitalize(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

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

// letterhead is the head of a council-style document: municipality and
// group, the kind in capitals, date on the left and place on the right,
// the title.
func (d *officialPDF) letterhead(muni *monitoring.Municipality, lang monitoring.Lang, kind, date, place, title string) {
	c := catalog.Default()
	d.para("B", 12, "C", muni.Name.In(lang))
	d.para("B", 12, "C", c.T(lang, "results.heading.group", nil))
	d.pdf.Ln(4)
	d.para("B", 13, "C", kind)
	d.pdf.Ln(3)
	d.pdf.SetFont(fontFamily, "", bodySize)
	half := d.width / 2
	d.pdf.CellFormat(half, lineH, date, "", 0, "L", false, 0, "")
	d.pdf.CellFormat(half, lineH, place, "", 1, "R", false, 0, "")
	d.pdf.Ln(4)
	d.para("B", 12, "C", title)
	d.pdf.Ln(3)
}

func (d *officialPDF) section(n int, title string) {
	d.pdf.Ln(3)
	d.para("B", 12, "L", fmt.Sprintf("%d. %s", n, title))
	d.pdf.Ln(1)
}

// signature is the signature block: the role on the left, a line for the
// handwritten signature, the name on the right.
func (d *officialPDF) signature(role, name string) {
	d.pdf.SetFont(fontFamily, "", bodySize)
	w := d.width / 3
	d.pdf.CellFormat(w, lineH, role, "", 0, "L", false, 0, "")
	d.pdf.CellFormat(w, lineH, "____________________", "", 0, "C", false, 0, "")
	d.pdf.CellFormat(w, lineH, name, "", 1, "R", false, 0, "")
}
