package survey_test

import (
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/survey"
)

// ODK's Markdown becomes Telegram's HTML, with everything else escaped.
func TestMarkupHTML(t *testing.T) {
	for in, want := range map[string]string{
		"**Маанилүү** суроо":                       "<b>Маанилүү</b> суроо",
		"__bold__ and *em* and _em_":               "<b>bold</b> and <i>em</i> and <i>em</i>",
		"# Суу\nСуроо":                             "<b>Суу</b>\nСуроо",
		"[сайт](https://x.kg/a_b_c?x=1&y=2)":       `<a href="https://x.kg/a_b_c?x=1&amp;y=2">сайт</a>`,
		"[_x_](https://x.kg/_y_)":                  `<a href="https://x.kg/_y_">_x_</a>`,
		"1 < 2 & 3 > 2":                            "1 &lt; 2 &amp; 3 &gt; 2",
		`<span style="color:red">Кызыл</span> "x"`: "Кызыл &quot;x&quot;",
		"2 * 3 * 4":       "2 * 3 * 4",
		"snake_case_name": "snake_case_name",
	} {
		if got := survey.MarkupHTML(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	f := &survey.Form{Questions: []survey.Question{
		{Type: survey.Text, Name: "who", Label: survey.Translations{"ky": "Ким?"}},
		{Type: survey.Note, Name: "n", Label: survey.Translations{"ky": "**Рахмат**, ${who}!"}},
	}}
	r := survey.NewRun(f, map[string]survey.Answer{"who": {Value: "<Асан & **Үсөн**>", Asked: true}}, time.Date(2026, 3, 1, 0, 0, 0, 0, monitoring.Bishkek))
	if got := r.HTML(f.Questions[1].Label, "ky"); got != "<b>Рахмат</b>, &lt;Асан &amp; **Үсөн**&gt;!" {
		t.Errorf("an answer shown in a label is escaped, not formatted: %q", got)
	}
	if got := r.Text(f.Questions[1].Label, "ky"); got != "Рахмат, <Асан & **Үсөн**>!" {
		t.Errorf("plain text: %q", got)
	}
}

// A choice's label is plain text in a chat: buttons show no formatting.
func TestChoiceLabelsArePlain(t *testing.T) {
	f := &survey.Form{
		Questions: []survey.Question{{Type: survey.SelectOne, Name: "ok", ListName: "yn", Label: survey.Translations{"ky": "?"}}},
		Choices:   map[string][]survey.Choice{"yn": {{Name: "yes", Label: survey.Translations{"ky": "**Ооба**"}}}},
	}
	r := survey.NewRun(f, map[string]survey.Answer{"ok": {Value: "yes", Asked: true}}, time.Date(2026, 3, 1, 0, 0, 0, 0, monitoring.Bishkek))
	if got := r.Shown("ok", "ky"); got != "Ооба" {
		t.Fatalf("shown %q", got)
	}
	if got := r.Text(f.Choices["yn"][0].Label, "ky"); got != "Ооба" {
		t.Fatalf("a button's label %q", got)
	}
}
