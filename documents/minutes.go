package documents

import (
	"fmt"
	"io"
	"strings"

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
// (GLOSSARY.md) as a PDF.
func (m Minutes) WritePDF(w io.Writer) error {
	if err := m.Content().WritePDF(w); err != nil {
		return fmt.Errorf("minutes %w", err)
	}
	return nil
}

// WriteDOCX writes the same minutes as a Word document, for a clerk who
// needs to edit them before printing.
func (m Minutes) WriteDOCX(w io.Writer) error {
	if err := m.Content().WriteDOCX(w); err != nil {
		return fmt.Errorf("minutes %w", err)
	}
	return nil
}

// Content is the text of the minutes in the layout of the council's
// documents: municipality and group, «№ 4/2026 ПРОТОКОЛУ», date and place,
// who attended, the agenda, the decisions with their votes, and the
// signature block.
func (m Minutes) Content() Official {
	c := catalog.Default()
	mt := m.Meeting
	number := catalog.Args{"Number": mt.Number.String()}
	o := Official{
		Title: m.t("minutes.title", number),
		Date:  mt.HeldAt,
		Lang:  m.Lang,
		Head: councilHead(m.Muni, m.Lang, m.t("minutes.kind", number),
			c.DocumentDate(m.Lang, mt.HeldAt), m.Muni.Seat.In(m.Lang), m.t("minutes.title", number)),
	}
	text := func(k BlockKind, s string) { o.Body = append(o.Body, Block{Kind: k, Text: s}) }

	place := mt.Place
	if place == "" {
		place = m.t("minutes.in_chat", nil)
	}
	text(BlockText, m.t("minutes.held", catalog.Args{"Date": c.DocumentDate(m.Lang, mt.HeldAt), "Time": mt.HeldAt.In(monitoring.Bishkek).Format("15:04"), "Place": place}))
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
	text(BlockText, m.t("minutes.present", catalog.Args{"Count": len(present), "Names": strings.Join(present, ", ")}))
	if len(absent) > 0 {
		text(BlockText, m.t("minutes.absent", catalog.Args{"Count": len(absent), "Names": strings.Join(absent, "; ")}))
	}

	text(BlockSection, "1. "+m.t("minutes.agenda", nil))
	for i, item := range mt.Agenda {
		text(BlockText, fmt.Sprintf("1.%d. %s", i+1, item))
	}
	text(BlockSection, "2. "+m.t("minutes.decided", nil))
	if len(mt.Decisions) == 0 {
		text(BlockText, m.t("minutes.no_decisions", nil))
	}
	for i, dec := range mt.Decisions {
		s := dec.Text
		if dec.Elects != "" {
			if s != "" && !strings.ContainsAny(s[len(s)-1:], ".!?") {
				s += "."
			}
			s = strings.TrimSpace(s + " " + m.t("minutes.elected", catalog.Args{"Name": dec.ElectedName, "Role": m.t("role."+string(dec.Elects), nil)}))
		}
		text(BlockText, fmt.Sprintf("2.%d. %s", i+1, s))
		text(BlockIndented, m.t("minutes.votes", catalog.Args{"For": dec.For, "Against": dec.Against, "Abstained": dec.Abstained}))
	}

	sig := m.Presiding
	if mt.Signed != nil {
		sig = *mt.Signed
	}
	role := m.t("role.chair", nil)
	if sig.Acting {
		role = m.t("signature.acting_chair", nil)
	}
	presiding := SignatureRow{Role: capitalize(role), Name: sig.Name}
	if mt.Signed != nil && mt.Signed.InChat {
		presiding.Note = m.t("signature.in_chat", catalog.Args{"When": mt.Signed.At.In(monitoring.Bishkek).Format("02.01.2006, 15:04")})
	}
	o.Signatures = append(o.Signatures, presiding)
	if m.Secretary != "" {
		o.Signatures = append(o.Signatures, SignatureRow{Role: m.t("minutes.drafted_by", nil), Name: m.Secretary})
	}
	return o
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
