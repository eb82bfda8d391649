package bot

import (
	"fmt"
	"strings"

	"bmjbt/catalog"
)

// RenderNumbered renders a reply for channels without buttons (WhatsApp,
// the console): the menu becomes numbered lines and a hint to answer with
// a number; the engine maps "2" back to the second option. In a group chat
// numbers would be ambiguous, so the typed commands are shown instead.
func RenderNumbered(c *catalog.Catalog, r Reply, group bool) string {
	if r.Menu == nil || len(r.Menu.Options) == 0 {
		return r.Text
	}
	var b strings.Builder
	if group {
		b.WriteString(r.Text)
		for _, o := range r.Menu.Options {
			if o.Command != "" {
				fmt.Fprintf(&b, "\n• %s: %s", o.Label, o.Command)
			}
		}
		return b.String()
	}
	b.WriteString(r.Text)
	b.WriteString("\n")
	for i, o := range r.Menu.Options {
		fmt.Fprintf(&b, "\n%d. %s", i+1, o.Label)
	}
	b.WriteString("\n\n")
	b.WriteString(c.T(r.Lang, "menu.reply_number", catalog.Args{"Count": len(r.Menu.Options)}))
	return b.String()
}
