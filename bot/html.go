package bot

import "bmjbt/survey"

// escapeHTML makes plain text safe in a reply's HTML (see Reply.HTML).
func escapeHTML(s string) string { return survey.EscapeHTML(s) }

// htmlOf is a reply's text as HTML: its formatted text, or its plain text
// escaped.
func htmlOf(r Reply) string {
	if r.HTML != "" {
		return r.HTML
	}
	return escapeHTML(r.Text)
}
