package bot_test

import (
	"strings"
	"testing"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Where there are no buttons, choices are numbered, controls are words to
// type, and a single choice does not read "(1–1)".
func TestNumberedMenus(t *testing.T) {
	c := catalog.Default()
	for _, tc := range []struct {
		name    string
		reply   bot.Reply
		want    []string
		wantNot []string
	}{
		{"choices and a control", bot.Reply{Lang: monitoring.Kyrgyz, Text: "Көйгөй кайсы айылда?", Menu: &bot.Menu{Options: []bot.Option{
			{Label: "Масы", Data: "v:masy"}, {Label: "Арал", Data: "v:aral"}, {Label: "Артка", Data: "back", Word: true}}}},
			[]string{"1. Масы", "2. Арал", "(1–2)", "«Артка»"}, []string{"3. Артка"}},
		{"one choice", bot.Reply{Lang: monitoring.Russian, Text: "№ 2026-0001: «На рассмотрении».", Menu: &bot.Menu{Options: []bot.Option{
			{Label: "Вернуть как было", Data: "u|7"}}}},
			[]string{"1. Вернуть как было", "Напишите 1."}, []string{"1–1"}},
		{"a control the prompt names", bot.Reply{Lang: monitoring.Kyrgyz, Text: "Бүткөндө «Даяр» деп жазыңыз.", Menu: &bot.Menu{Options: []bot.Option{
			{Label: "Даяр", Data: "done", Word: true}}}},
			nil, []string{"1. Даяр", "Же жазыңыз", "1 деп"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := bot.RenderNumbered(c, tc.reply, false)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("has %q:\n%s", w, got)
				}
			}
		})
	}
}
