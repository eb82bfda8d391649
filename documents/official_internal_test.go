package documents

import (
	"testing"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Every role the signature block prints fits its column in the PDF, so it
// never runs into the line drawn for the handwritten signature.
func TestSignatureRolesFitTheirColumn(t *testing.T) {
	t.Parallel()
	d := newOfficialPDF(Official{Date: time.Date(2026, 2, 10, 15, 0, 0, 0, monitoring.Bishkek)})
	d.pdf.SetFont(fontFamily, "", bodySize)
	room := d.width * signatureColumns[0]
	if w := d.pdf.GetStringWidth(signatureLine); w > d.width*signatureColumns[1] {
		t.Errorf("the signature line (%.1f mm) is wider than its column (%.1f mm)", w, d.width*signatureColumns[1])
	}
	for _, lang := range []monitoring.Lang{monitoring.Kyrgyz, monitoring.Russian} {
		for _, id := range []string{"signature.acting_chair", "role.chair", "role.deputy", "role.secretary", "role.member", "actdoc.members_row", "minutes.drafted_by"} {
			role := capitalize(catalog.Default().T(lang, id, nil))
			if w := d.pdf.GetStringWidth(role); w > room {
				t.Errorf("%s «%s» is %.1f mm wide, its column %.1f mm", lang, role, w, room)
			}
		}
	}
}
