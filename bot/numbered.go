package bot

import (
	"fmt"
	"strings"

	"bmjbt/catalog"
)

// Numbered renders a reply for channels without buttons (WhatsApp, the
// console): the menu becomes numbered lines and a hint to answer with a
// number. The engine maps "2" back to the second option.
func Numbered(c *catalog.Catalog, r Reply) string {
	if r.Menu == nil || len(r.Menu.Options) == 0 {
		return r.Text
	}
	var b strings.Builder
	b.WriteString(r.Text)
	b.WriteString("\n")
	for i, o := range r.Menu.Options {
		fmt.Fprintf(&b, "\n%d. %s", i+1, o.Label)
	}
	b.WriteString("\n\n")
	b.WriteString(c.T(r.Lang, "menu.reply_number", catalog.Args{"Count": len(r.Menu.Options)}))
	return b.String()
}
