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
	var numbered int
	var words []string
	for _, o := range r.Menu.Options {
		if o.Word {
			// A control the prompt does not already name is listed as a word to type.
			if q := "«" + o.Label + "»"; !strings.Contains(r.Text, q) {
				words = append(words, q)
			}
			continue
		}
		numbered++
		if numbered == 1 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "\n%d. %s", numbered, o.Label)
	}
	switch {
	case numbered == 1:
		b.WriteString("\n\n" + c.T(r.Lang, "menu.reply_one", nil))
	case numbered > 1:
		b.WriteString("\n\n" + c.T(r.Lang, "menu.reply_number", catalog.Args{"Count": numbered}))
	}
	if len(words) > 0 {
		b.WriteString("\n" + c.T(r.Lang, "menu.words", catalog.Args{"Words": strings.Join(words, ", ")}))
	}
	return b.String()
}
