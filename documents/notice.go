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

// WritePDF writes the notice as a letter in the council's style.
func (n Notice) WritePDF(w io.Writer) error {
	if err := n.Content().WritePDF(w); err != nil {
		return fmt.Errorf("notice %w", err)
	}
	return nil
}

// WriteDOCX writes the same notice as a Word document.
func (n Notice) WriteDOCX(w io.Writer) error {
	if err := n.Content().WriteDOCX(w); err != nil {
		return fmt.Errorf("notice %w", err)
	}
	return nil
}

// Content is the notice: letterhead, «№ 2/2026 КАБАРЛАМАСЫ», date and
// place, the addressee, the object, then the procedure, methods, aims and
// tasks, and the presiding signature.
func (n Notice) Content() Official {
	c := catalog.Default()
	no := n.Notice
	object := n.Muni.ObjectName(no.Object, n.Lang)
	if object == "" {
		object = no.Object
	}
	kind := n.t("notice.kind", catalog.Args{"Number": no.Number.String()})
	title := n.t("notice.title", catalog.Args{"Object": object})
	o := Official{Title: kind, Date: no.SentOn, Lang: n.Lang,
		Head: councilHead(n.Muni, n.Lang, kind, c.DocumentDate(n.Lang, no.SentOn), n.Muni.Seat.In(n.Lang), title)}
	text := func(k BlockKind, s string) { o.Body = append(o.Body, Block{Kind: k, Text: s}) }
	text(BlockText, n.t("notice.to", catalog.Args{"To": no.Recipients}))
	if no.PlanItem != "" {
		text(BlockText, n.t("notice.plan_item", catalog.Args{"Item": no.PlanItem}))
	}
	text(BlockText, n.t("notice.intro", catalog.Args{"Object": object}))
	for i, part := range []struct{ id, text string }{
		{"notice.procedure", no.Procedure}, {"notice.methods", no.Methods}, {"notice.aims", no.Aims}, {"notice.tasks", no.Tasks},
	} {
		text(BlockSection, fmt.Sprintf("%d. %s", i+1, n.t(part.id, nil)))
		text(BlockText, part.text)
	}
	role := n.t("role.chair", nil)
	if n.Presiding.Acting {
		role = n.t("signature.acting_chair", nil)
	}
	o.Signatures = []SignatureRow{{Role: capitalize(role), Name: n.Presiding.Name}}
	return o
}
