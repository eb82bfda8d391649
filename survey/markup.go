package survey

import (
	"strconv"
	"strings"
)

// HTML is Text formatted for a chat that shows formatting (Telegram's
// HTML): ODK's Markdown in the form's text becomes bold, italics and
// links; everything else, the answers shown in it included, is escaped,
// so a "<" or "&" a resident typed reads as typed.
func (r *Run) HTML(t Translations, lang string) string {
	s := MarkupHTML(t.In(lang))
	if !strings.Contains(s, "${") {
		return s
	}
	return refPattern.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.TrimSpace(m[2 : len(m)-1])
		return EscapeHTML(r.Shown(name, lang))
	})
}

// htmlEscaper escapes what Telegram's HTML reads as markup; quotes too, as
// a link's address sits in an attribute.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// EscapeHTML makes plain text safe in Telegram's HTML.
func EscapeHTML(s string) string { return htmlEscaper.Replace(s) }

// MarkupHTML renders ODK's Markdown as the HTML Telegram shows: **bold**
// and __bold__ as <b>, *em* and _em_ as <i>, a "# heading" line in bold,
// [text](address) as a link; HTML tags in the form (ODK allows <span
// style>) are dropped, and the rest escaped. Links are set aside first, so
// an "_" in an address is not read as emphasis.
func MarkupHTML(s string) string {
	s = htmlTag.ReplaceAllString(s, "")
	var links []string
	s = link.ReplaceAllStringFunc(s, func(m string) string {
		g := link.FindStringSubmatch(m)
		links = append(links, `<a href="`+EscapeHTML(strings.TrimSpace(g[2]))+`">`+EscapeHTML(g[1])+`</a>`)
		return "\x00" + strconv.Itoa(len(links)-1) + "\x00"
	})
	s = EscapeHTML(s)
	s = heading.ReplaceAllStringFunc(s, func(string) string { return "\x01" })
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "\x01"); ok {
			lines[i] = "<b>" + rest + "</b>"
		}
	}
	s = strings.Join(lines, "\n")
	s = emphasis.ReplaceAllStringFunc(s, func(m string) string {
		g := emphasis.FindStringSubmatch(m)
		if g[2] != g[4] {
			return m
		}
		tag := "i"
		if len(g[2]) == 2 {
			tag = "b"
		}
		return g[1] + "<" + tag + ">" + g[3] + "</" + tag + ">" + g[5]
	})
	for i, l := range links {
		s = strings.Replace(s, "\x00"+strconv.Itoa(i)+"\x00", l, 1)
	}
	return s
}
