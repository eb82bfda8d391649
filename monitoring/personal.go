package monitoring

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Personal data typed into free text. Residents write their number into a
// description ("чалыңыз 0555 12 34 56") as often as they leave it at the
// contact question; exports and anything shown outside the group find and
// mask it, so the content can travel without the person (DESIGN: personal
// data sits apart from complaint content).

// PersonalKind says what a PersonalItem is.
type PersonalKind string

const (
	PersonalPhone PersonalKind = "phone"
	PersonalEmail PersonalKind = "email"
)

// PersonalItem is one phone number or e-mail address found in a text.
type PersonalItem struct {
	Kind PersonalKind
	// Value is normalised: a phone in E.164 (a number without a country
	// code is Kyrgyz, +996), an e-mail in lower case.
	Value string
	// Start and End are byte offsets of the item in the text.
	Start, End int
}

// Masks put in place of what MaskPersonal removes. They carry no word, so
// they read the same in Kyrgyz, Russian and English text; the e-mail keeps
// its "@" so a reader still sees what was there.
const (
	PhoneMask = "•••"
	EmailMask = "•••@•••"
)

// MaskPersonal replaces every phone number and e-mail address in text with
// PhoneMask or EmailMask, and returns what it replaced.
func MaskPersonal(text string) (masked string, found []PersonalItem) {
	found = FindPersonal(text)
	if len(found) == 0 {
		return text, nil
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, it := range found {
		b.WriteString(text[last:it.Start])
		if it.Kind == PersonalEmail {
			b.WriteString(EmailMask)
		} else {
			b.WriteString(PhoneMask)
		}
		last = it.End
	}
	b.WriteString(text[last:])
	return b.String(), found
}

// FindPersonal returns the phone numbers and e-mail addresses in text, in
// order. It leaves alone what residents also write with digits: journal
// numbers (2026-0042), dates (14.10.2025, 2025-10-14), sums (5 000 сом),
// years, house numbers and other short numbers.
func FindPersonal(text string) []PersonalItem {
	if !strings.ContainsAny(text, "0123456789@") {
		return nil // most descriptions: nothing to scan
	}
	var out []PersonalItem
	for _, loc := range emailRE.FindAllStringIndex(text, -1) {
		start, end := loc[0], loc[1]
		for start < end && text[start] == '.' { // a sentence's full stop before it
			start++
		}
		out = append(out, PersonalItem{Kind: PersonalEmail, Value: strings.ToLower(text[start:end]), Start: start, End: end})
	}
	for _, run := range digitRuns(text) {
		out = append(out, phonesIn(text, run, out)...)
	}
	slices.SortFunc(out, func(a, b PersonalItem) int { return a.Start - b.Start })
	return out
}

var emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`)

// group is a run of ASCII digits, text[start:end].
type group struct{ start, end int }

// digitRuns splits text into runs of digit groups joined by what people put
// inside a phone number: spaces, hyphens and brackets, at most three of
// them in a row. A dot, a comma, a slash, a letter, a line break or a "+"
// ends a run, so dates like 14.10.2025 and two numbers with a "+" between
// never join.
func digitRuns(text string) [][]group {
	var runs [][]group
	var cur []group
	i := 0
	for i < len(text) {
		if !isDigit(text[i]) {
			i++
			continue
		}
		g := group{start: i}
		for i < len(text) && isDigit(text[i]) {
			i++
		}
		g.end = i
		cur = append(cur, g)
		k, seps := i, 0
		for k < len(text) && seps < 4 {
			n := sepLen(text[k:])
			if n == 0 {
				break
			}
			k += n
			seps++
		}
		if seps > 0 && seps <= 3 && k < len(text) && isDigit(text[k]) {
			i = k // the next group joins this run
			continue
		}
		runs = append(runs, cur)
		cur = nil
	}
	return runs
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// sepLen is the byte length of a separator at the start of s, or 0.
func sepLen(s string) int {
	switch s[0] {
	case ' ', '-', '(', ')':
		return 1
	}
	for _, sep := range []string{"\u00a0", "\u202f", "\u2009", "\u2010", "\u2011"} { // no-break, narrow and thin spaces; hyphens
		if strings.HasPrefix(s, sep) {
			return len(sep)
		}
	}
	return 0
}

// phonesIn finds phone numbers in one run: the longest span of whole groups
// that reads as a phone number, from the left, so "2025 0555 12 34 56"
// yields the number after the year. Spans inside an e-mail are skipped.
func phonesIn(text string, run []group, emails []PersonalItem) []PersonalItem {
	var out []PersonalItem
	for i := 0; i < len(run); i++ {
		for j := len(run) - 1; j >= i; j-- {
			it, ok := phone(text, run, i, j)
			if !ok || insideAny(it, emails) {
				continue
			}
			out = append(out, it)
			i = j
			break
		}
	}
	return out
}

func insideAny(it PersonalItem, items []PersonalItem) bool {
	for _, o := range items {
		if it.Start < o.End && o.Start < it.End {
			return true
		}
	}
	return false
}

// phone reads groups i..j of run as a phone number.
func phone(text string, run []group, i, j int) (PersonalItem, bool) {
	var digits strings.Builder
	for _, g := range run[i : j+1] {
		digits.WriteString(text[g.start:g.end])
	}
	d := digits.String()
	if len(d) < 9 || len(d) > 15 {
		return PersonalItem{}, false
	}
	start, end := run[i].start, run[j].end
	plus := i == 0 && start > 0 && text[start-1] == '+'
	if plus {
		start--
	}
	var value string
	switch {
	case plus:
		value = international(d)
	case strings.HasPrefix(d, "00"):
		value = international(d[2:]) // the international prefix dialled from Kyrgyzstan
		if !strings.HasPrefix(value, "+996") && !strings.HasPrefix(value, "+7") {
			value = "" // "0042 …" is a journal number's tail, not a call abroad
		}
	case len(d) == 12 && strings.HasPrefix(d, "996"):
		value = "+" + d
	case len(d) == 10 && d[0] == '0' && kyrgyzArea(d[1]):
		value = "+996" + d[1:] // 0 is the trunk prefix inside the country
	case len(d) == 9 && kyrgyzArea(d[0]) && phoneWordNear(text, start, end):
		value = "+996" + d
	case len(d) == 11 && (d[0] == '7' || d[0] == '8') && phoneWordNear(text, start, end):
		value = "+7" + d[1:] // Russia and Kazakhstan, written as at home
	}
	if value == "" || money(text, start, end) {
		return PersonalItem{}, false
	}
	// A bracket opened before the number and closed inside it goes too.
	if start > 0 && text[start-1] == '(' && strings.Contains(text[start:end], ")") {
		start--
	}
	return PersonalItem{Kind: PersonalPhone, Value: value, Start: start, End: end}, true
}

// international checks the length of a number written with its country
// code: Kyrgyzstan (and its neighbours) 12 digits, Russia and Kazakhstan
// and North America 11, elsewhere 10 to 15.
func international(d string) string {
	switch {
	case strings.HasPrefix(d, "996"), strings.HasPrefix(d, "998"), strings.HasPrefix(d, "992"):
		if len(d) != 12 {
			return ""
		}
	case d[0] == '7', d[0] == '1':
		if len(d) != 11 {
			return ""
		}
	case len(d) < 10:
		return ""
	}
	return "+" + d
}

// kyrgyzArea is the first digit of a Kyrgyz national number: 2, 5, 7 and 9
// for mobile networks, 3 for fixed lines (312 Bishkek, 3722 Jalal-Abad…).
func kyrgyzArea(c byte) bool { return strings.IndexByte("23579", c) >= 0 }

// phoneWords, near a bare nine-digit number, say it is a phone: without
// one, "555 123 456" could as well be an account or a sum.
var phoneWords = []string{"тел", "номер", "номур", "чал", "звон", "позвон", "моб", "сотов", "связ", "байланыш",
	"whatsapp", "ватсап", "вацап", "вотсап", "phone", "tel", "call"}

// phoneWordNear reports whether a phone word is written shortly before the
// number or right after it ("555 123 456 номерине чалыңыз").
func phoneWordNear(text string, start, end int) bool {
	before := strings.ToLower(text[runeStart(text, start-60):start])
	after := strings.ToLower(text[end:runeEnd(text, end+24)])
	for _, w := range phoneWords {
		if strings.Contains(before, w) || strings.Contains(after, w) {
			return true
		}
	}
	return false
}

// moneyWords after a number make it a sum, however long.
var moneyWords = []string{"сом", "som", "тыйын", "руб", "тенге", "теңге", "доллар", "долл", "евро", "usd", "kgs", "млн", "млрд", "миң", "тыс", "$", "€", "%"}

func money(text string, start, end int) bool {
	if start > 0 && (text[start-1] == '$' || strings.HasSuffix(text[:start], "€")) {
		return true
	}
	after := strings.ToLower(strings.TrimLeft(text[end:runeEnd(text, end+16)], " \u00a0"))
	for _, w := range moneyWords {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	return false
}

// runeStart moves i forward to the start of a rune (and to 0 at least).
func runeStart(s string, i int) int {
	if i <= 0 {
		return 0
	}
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return i
}

// runeEnd moves i back to the end of a whole rune (and to len(s) at most).
func runeEnd(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}
