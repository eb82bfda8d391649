package bot

import (
	"strings"
	"unicode"
	"unicode/utf16"
)

// TruncateText cuts s to at most max UTF-16 code units (how Telegram counts),
// ending with "…" when cut, and never splits a character.
func TruncateText(s string, max int) string {
	if utf16Len(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > max-1 {
			return s[:i] + "…"
		}
	}
	return s
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// fold normalises a typed answer for forgiving matching against menu labels:
// case, spaces, hyphens and punctuation do not matter, and Kyrgyz letters
// typed as their Russian look-alikes (ң→н, ө→о, ү→у) still match.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'ң':
			r = 'н'
		case 'ө':
			r = 'о'
		case 'ү':
			r = 'у'
		case 'ё':
			r = 'е'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
