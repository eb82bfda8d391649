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
// case, spaces, hyphens and punctuation do not matter; Kyrgyz letters typed
// as their Russian look-alikes (ң→н, ө→о, ү→у) still match, and so does a
// Latin transliteration ("Kyzyl-Tuu", "Jangy Aryk", "Zhon-Aryk").
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if l, ok := latin[r]; ok {
			b.WriteString(l)
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return spelling.Replace(b.String())
}

// latin writes Kyrgyz and Russian letters as Latin, one way only.
var latin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "j", 'з': "z",
	'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'ң': "n", 'о': "o", 'ө': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ү': "u", 'ф': "f", 'х': "h", 'ц': "c",
	'ч': "ch", 'ш': "sh", 'щ': "sh", 'ъ': "", 'ы': "i", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'ü': "u", 'ö': "o", 'ñ': "n",
}

// spelling folds the ways people write the same sounds in Latin.
var spelling = strings.NewReplacer("dzh", "j", "zh", "j", "dj", "j", "ng", "n", "kh", "h", "y", "i", "w", "v", "x", "h", "q", "k", "ee", "e")
