package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"bmjbt/monitoring"
)

// message is one catalogue entry as written: form "" for a simple message,
// "one", "few", "many", "other" for a plural one.
type message map[string]string

// source reads lang's file as written, so tests see every plural form.
func source(t *testing.T, lang monitoring.Lang) (map[string]message, *yaml.Node, []string) {
	t.Helper()
	raw, err := files.ReadFile(string(lang) + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s.yaml: %v", lang, err)
	}
	root := doc.Content[0]
	out := map[string]message{}
	for i := 0; i < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch v.Kind {
		case yaml.ScalarNode:
			out[k.Value] = message{"": v.Value}
		case yaml.MappingNode:
			m := message{}
			for j := 0; j < len(v.Content); j += 2 {
				m[v.Content[j].Value] = v.Content[j+1].Value
			}
			out[k.Value] = m
		default:
			t.Fatalf("%s.yaml: %s is neither a text nor plural forms", lang, k.Value)
		}
	}
	return out, root, strings.Split(string(raw), "\n")
}

var people = []monitoring.Lang{monitoring.Kyrgyz, monitoring.Russian}

// A line break inside double quotes is folded into a space by YAML, so a
// message that should read as several lines must be a |- block or use \n.
func TestNoMessageIsFoldedInTheSource(t *testing.T) {
	for _, lang := range []monitoring.Lang{monitoring.Kyrgyz, monitoring.Russian, monitoring.English} {
		_, root, lines := source(t, lang)
		var check func(key, v *yaml.Node)
		check = func(key, v *yaml.Node) {
			if v.Kind == yaml.MappingNode {
				for j := 0; j < len(v.Content); j += 2 {
					check(v.Content[j], v.Content[j+1])
				}
				return
			}
			if v.Style&yaml.FoldedStyle != 0 {
				t.Errorf("%s.yaml:%d %s: a folded (>) block joins lines; use |-", lang, v.Line, key.Value)
			}
			if v.Style&yaml.LiteralStyle != 0 {
				return
			}
			if !flowEndsOnItsLine(v, lines, key.Column-1) {
				t.Errorf("%s.yaml:%d %s: the text goes on over several lines and YAML folds them into one; use |- or \\n", lang, v.Line, key.Value)
			}
		}
		for i := 0; i < len(root.Content); i += 2 {
			check(root.Content[i], root.Content[i+1])
		}
	}
}

// flowEndsOnItsLine reports whether a quoted or plain scalar closes on the
// line it starts on.
func flowEndsOnItsLine(v *yaml.Node, lines []string, keyIndent int) bool {
	line := []rune(lines[v.Line-1])
	rest := line[min(v.Column-1, len(line)):]
	switch {
	case v.Style&yaml.DoubleQuotedStyle != 0:
		for i := 1; i < len(rest); i++ {
			switch rest[i] {
			case '\\':
				i++
			case '"':
				return true
			}
		}
		return false
	case v.Style&yaml.SingleQuotedStyle != 0:
		for i := 1; i < len(rest); i++ {
			if rest[i] == '\'' {
				if i+1 < len(rest) && rest[i+1] == '\'' {
					i++
					continue
				}
				return true
			}
		}
		return false
	}
	// A plain scalar goes on while the next lines are indented past its key.
	if v.Line >= len(lines) {
		return true
	}
	next := lines[v.Line]
	trimmed := strings.TrimLeft(next, " ")
	return trimmed == "" || strings.HasPrefix(trimmed, "#") || len(next)-len(trimmed) <= keyIndent
}

func TestMultiLineMessagesKeepTheirLineBreaks(t *testing.T) {
	c := Default()
	args := Args{"Municipality": "Д. Садырбаев айыл аймагы", "Number": "2026-0001", "Village": "Масы", "Service": "Ичүүчү суу",
		"Date": "14.10.2025", "Channel": "Telegram", "Status": "Кабыл алынды", "Text": "Суу жок", "Description": "Суу жок",
		"Extras": "", "Contact": "+996555123456"}
	for id, want := range map[string]int{
		"welcome": 2, "help": 7, "member.help": 15, "member.help.typed": 15, "card": 5, "summary": 7,
		"status.entry": 3, "request.card": 6, "request.made": 5, "digest": 5, "invite.made": 2,
	} {
		for _, lang := range people {
			got := c.T(lang, id, args)
			if n := strings.Count(got, "\n") + 1; n != want {
				t.Errorf("%s %s has %d lines, want %d:\n%s", lang, id, n, want, got)
			}
		}
	}
}

func TestExamplesShowThisYear(t *testing.T) {
	c := Default()
	year := time.Now().In(monitoring.Bishkek).Year()
	for _, lang := range people {
		help := c.T(lang, "help", nil)
		if !strings.Contains(help, fmt.Sprintf("/status %d-0042", year)) && !strings.Contains(help, fmt.Sprintf("/status %d-0042", year+1)) {
			t.Errorf("%s help does not show this year's example:\n%s", lang, help)
		}
		args := Args{"Command": "take", "Year": 2031}
		if got := c.T(lang, "action.usage", args); !strings.HasSuffix(got, "/take 2031-0042") {
			t.Errorf("%s: a Year the caller sets wins: %q", lang, got)
		}
		if len(args) != 2 {
			t.Errorf("T changed the caller's args: %v", args)
		}
		if got := c.N(lang, "group.size", 3, nil); !strings.Contains(got, "3") {
			t.Errorf("%s: N with nil args: %q", lang, got)
		}
	}
	// No example number is written with a fixed year: it would age.
	fixed := regexp.MustCompile(`\b20\d\d-\d{4}\b`)
	for _, lang := range people {
		msgs, _, _ := source(t, lang)
		for id, m := range msgs {
			for _, text := range m {
				if fixed.MatchString(text) {
					t.Errorf("%s %s shows a fixed year (write {{.Year}}-0042): %q", lang, id, text)
				}
			}
		}
	}
}

// On WhatsApp and the console there are no buttons: the engine picks
// id+".typed", worded for typing.
func TestButtonMessagesHaveTypedSiblings(t *testing.T) {
	buttons := regexp.MustCompile(`(?i)баскыч|басыңыз|басып|кнопк|нажм|нажат|нажим`)
	ky, _, _ := source(t, monitoring.Kyrgyz)
	ru, _, _ := source(t, monitoring.Russian)
	all := map[monitoring.Lang]map[string]message{monitoring.Kyrgyz: ky, monitoring.Russian: ru}
	checked := 0
	for _, lang := range people {
		for id, m := range all[lang] {
			if base, ok := strings.CutSuffix(id, ".typed"); ok {
				if _, ok := all[lang][base]; !ok {
					t.Errorf("%s %s has no message %s", lang, id, base)
				}
				continue
			}
			if !slices.ContainsFunc(values(m), buttons.MatchString) {
				continue
			}
			checked++
			for _, l := range people {
				typed, ok := all[l][id+".typed"]
				if !ok {
					t.Errorf("%s mentions a button but %s has no %s.typed", id, l, id)
					continue
				}
				for _, text := range values(typed) {
					if buttons.MatchString(text) {
						t.Errorf("%s %s.typed still mentions a button: %q", l, id, text)
					}
				}
				if len(typed) != len(all[l][id]) {
					t.Errorf("%s %s.typed has other plural forms than %s", l, id, id)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d messages mention a button: the pattern no longer finds them", checked)
	}
}

func values(m message) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Kyrgyz has one and other, with the same text (the noun after a numeral
// does not change); Russian has one, few, many and other (other as many).
func TestPluralMessagesInEveryForm(t *testing.T) {
	ky, _, _ := source(t, monitoring.Kyrgyz)
	ru, _, _ := source(t, monitoring.Russian)
	var plural []string
	for id, m := range ky {
		if _, simple := m[""]; simple {
			continue
		}
		plural = append(plural, id)
		if len(m) != 2 || m["one"] == "" || m["one"] != m["other"] {
			t.Errorf("ky %s: want one and other with the same text, got %v", id, m)
		}
		r := ru[id]
		if len(r) != 4 || r["one"] == "" || r["few"] == "" || r["many"] == "" || r["other"] != r["many"] {
			t.Errorf("ru %s: want one, few, many and other (as many), got %v", id, r)
		}
	}
	if len(plural) < 4 {
		t.Fatalf("only %d plural messages found", len(plural))
	}
	c := Default()
	for _, id := range plural {
		for _, lang := range people {
			for _, n := range []int{1, 2, 5, 11, 21, 22} {
				got := c.N(lang, id, n, Args{"Number": "2026-0001"})
				if !strings.Contains(got, strconv.Itoa(n)) || strings.Contains(got, "<no value>") || got == id {
					t.Errorf("%s %s for %d: %q", lang, id, n, got)
				}
			}
		}
	}
	for id, forms := range map[string]map[int]string{
		"group.size": {1: "1 член.", 2: "2 члена.", 5: "5 членов.", 11: "11 членов.", 21: "21 член.", 22: "22 члена."},
		"submitted":  {1: "течение 1 дня ", 2: "течение 2 дней ", 5: "течение 5 дней ", 11: "течение 11 дней ", 21: "течение 21 дня ", 22: "течение 22 дней "},
		"flood":      {1: "больше 1 обращения.", 2: "больше 2 обращений.", 11: "больше 11 обращений.", 21: "больше 21 обращения.", 22: "больше 22 обращений."},
	} {
		for n, want := range forms {
			if got := c.N(monitoring.Russian, id, n, Args{"Number": "2026-0001"}); !strings.Contains(got, want) {
				t.Errorf("ru %s for %d: %q lacks %q", id, n, got, want)
			}
		}
	}
}

// The words GLOSSARY.md tells us never to show residents and members.
func TestNoWordsTheGlossaryAvoids(t *testing.T) {
	both := map[string]*regexp.Regexp{
		"a suffix glued to a digit (write 5-тен)":           regexp.MustCompile(`\d\p{Cyrillic}`),
		"a suffix glued to an inserted value":               regexp.MustCompile(`\}\}\p{Cyrillic}`),
		"console is not a channel a resident knows":         regexp.MustCompile(`(?i)консол`),
		"an operator's command (say: ask the operator)":     regexp.MustCompile(`(?i)bmjbt`),
		"the Latin prefix of request numbers":               regexp.MustCompile(`\bR-\d`),
		"the abbreviation takes no suffix (БМжБ тобуна)":    regexp.MustCompile(`БМжБТ\p{Cyrillic}`),
		"a Kyrgyz letter copied from the source text (ӊ)":   regexp.MustCompile(`ӊ`),
		"a quotation mark other than «…» around user words": regexp.MustCompile(`"\p{Cyrillic}`),
	}
	per := map[monitoring.Lang]map[string]*regexp.Regexp{
		monitoring.Kyrgyz: {
			"Мазмуну, not Сүрөттөмө":                  regexp.MustCompile(`(?i)сүрөттөмө`),
			"анонимдүү, not аноним":                   regexp.MustCompile(`(?i)аноним([^д]|$)`),
			"суроо-талап, not маалымат суроо":         regexp.MustCompile(`(?i)маалымат суроо([^-]|$)`),
			"Өзгөртүүнү кайтаруу, not Артка кайтаруу": regexp.MustCompile(`(?i)артка кайтар`),
			"кызмат is a service, not a post":         regexp.MustCompile(`(?i)кызмат орду`),
			"the polite plural (-ңыздар), not -гыла":  regexp.MustCompile(`(гыла|гиле|гула|гүлө|күлө)([^\p{L}]|$)`),
			"абалы, not статус":                       regexp.MustCompile(`(?i)статус`),
			"тийиштүү, not тиешелүү":                  regexp.MustCompile(`(?i)тиешелүү`),
		},
		monitoring.Russian: {
			"Статус, not Состояние":                       regexp.MustCompile(`(?i)состояни`),
			"Содержание, not Описание":                    regexp.MustCompile(`(?i)описани`),
			"местоположение, not геолокация":              regexp.MustCompile(`(?i)геолокац`),
			"Телефон, not Контакт":                        regexp.MustCompile(`(?i)контакт`),
			"gender-neutral (анонимно, с согласия)":       regexp.MustCompile(`(?i)анонимн(ым|ый|ая|ой)|согласен|согласна|воздержал|отправил|начал рассматривать`),
			"ожидается ответ, not ждём ответа":            regexp.MustCompile(`(?i)ждём ответа`),
			"Вернуть как было, not Отменить действие":     regexp.MustCompile(`(?i)отменить действие`),
			"выгрузка, not экспорт; проект, not черновик": regexp.MustCompile(`(?i)экспорт|черновик`),
		},
	}
	// Latin letters only where the glossary allows them.
	allowed := map[string]bool{"Telegram": true, "WhatsApp": true, "QR": true, "Excel": true, "PDF": true, "CSV": true, "XLSX": true,
		"ABCD": true, "EFGH": true} // the invite code example
	latin := regexp.MustCompile(`[A-Za-z][A-Za-z_]*`)
	strip := regexp.MustCompile(`\{\{[^}]*\}\}|/[a-z_]+`) // template fields and /commands
	for _, lang := range people {
		msgs, _, _ := source(t, lang)
		for id, m := range msgs {
			for _, text := range m {
				for why, re := range both {
					if re.MatchString(text) {
						t.Errorf("%s %s: %s: %q", lang, id, why, text)
					}
				}
				for why, re := range per[lang] {
					if re.MatchString(text) {
						t.Errorf("%s %s: %s: %q", lang, id, why, text)
					}
				}
				for _, w := range latin.FindAllString(strip.ReplaceAllString(text, ""), -1) {
					if !allowed[w] {
						t.Errorf("%s %s: English or a code %q in %q", lang, id, w, text)
					}
				}
			}
		}
	}
	// Request numbers read the same in both languages, in Cyrillic.
	n := monitoring.RequestNumber(monitoring.Number{Year: 2026, Seq: 1})
	for _, lang := range people {
		got := Default().T(lang, "request.made", Args{"Number": n, "To": "ДЭП", "Question": "?", "Entries": "—", "Days": 10, "Deadline": "—"})
		if !strings.Contains(got, "№ С-2026-0001") || latin.MatchString(got) {
			t.Errorf("%s: %q", lang, got)
		}
	}
}
