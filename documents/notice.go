package documents

import (
	"fmt"
	"io"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Notice is the group's notice to an object's stakeholders before it is
// monitored (Regulation 5.2, 8): how, why and with what methods, signed by
// the member who presides (3.6).
type Notice struct {
	Muni      *monitoring.Municipality
	Lang      monitoring.Lang
	Notice    monitoring.Notice
	Presiding monitoring.Signature
}

func (n Notice) t(id string, args catalog.Args) string { return catalog.Default().T(n.Lang, id, args) }

// WritePDF writes the notice as a letter in the council's style:
// letterhead, «№ 2/2026 КАБАРЛАМАСЫ», date and place, the addressee, the
// object, then the procedure, methods, aims and tasks, and the signature.
func (n Notice) WritePDF(w io.Writer) error {
	c := catalog.Default()
	no := n.Notice
	object := n.Muni.ObjectName(no.Object, n.Lang)
	if object == "" {
		object = no.Object
	}
	kind := n.t("notice.kind", catalog.Args{"Number": no.Number.String()})
	d := newOfficialPDF(kind, no.SentOn)
	d.letterhead(n.Muni, n.Lang, kind, c.DocumentDate(n.Lang, no.SentOn), n.Muni.Seat.In(n.Lang), n.t("notice.title", catalog.Args{"Object": object}))
	d.para("", bodySize, "L", n.t("notice.to", catalog.Args{"To": no.Recipients}))
	if no.PlanItem != "" {
		d.para("", bodySize, "L", n.t("notice.plan_item", catalog.Args{"Item": no.PlanItem}))
	}
	d.pdf.Ln(2)
	d.para("", bodySize, "L", n.t("notice.intro", catalog.Args{"Object": object}))
	for i, part := range []struct{ id, text string }{
		{"notice.procedure", no.Procedure}, {"notice.methods", no.Methods}, {"notice.aims", no.Aims}, {"notice.tasks", no.Tasks},
	} {
		d.section(i+1, n.t(part.id, nil))
		d.para("", bodySize, "L", part.text)
	}
	d.pdf.Ln(8)
	role := n.t("role.chair", nil)
	if n.Presiding.Acting {
		role = n.t("signature.acting_chair", nil)
	}
	d.signature(capitalize(role), n.Presiding.Name)
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("notice PDF: %w", err)
	}
	return d.pdf.Output(w)
}
