package survey

import (
	"regexp"
	"strings"
)

// Languages bmjbt knows by name, as KoBoToolbox writes them in column
// headers ("label::Kyrgyz (ky)") and as older forms do ("label:Russian").
var languageNames = map[string]string{
	"ky": "Kyrgyz",
	"ru": "Russian",
	"en": "English",
}

var langCode = regexp.MustCompile(`\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$`)

// parseLang gives the language code a header or a setting names:
// "Kyrgyz (ky)" → "ky", "Russian" → "ru", "ru" → "ru". A name bmjbt does
// not know stays as written, so its column still round-trips.
func parseLang(s string) string {
	s = strings.TrimSpace(s)
	if m := langCode.FindStringSubmatch(s); m != nil {
		return strings.ToLower(m[1])
	}
	lower := strings.ToLower(s)
	switch lower {
	case "kyrgyz", "kirghiz", "кыргызча", "кыргыз тили":
		return "ky"
	case "russian", "русский", "орусча":
		return "ru"
	case "english":
		return "en"
	}
	if _, ok := languageNames[lower]; ok {
		return lower
	}
	return s
}

// langLabel is how a language is written in a header and in the
// default_language setting: "Kyrgyz (ky)", as KoBoToolbox does.
func langLabel(code string) string {
	if name, ok := languageNames[code]; ok {
		return name + " (" + code + ")"
	}
	return code
}

// otherLabel and specifyOtherLabel are the texts or_other adds: the choice
// "other" and the question asking for it. pyxform writes them in English;
// residents read them in their language.
var otherLabel = map[string]string{"ky": "Башка", "ru": "Другое", "en": "Other"}

var specifyOtherLabel = map[string]string{"ky": "Башка жообуңузду жазыңыз", "ru": "Напишите ваш вариант", "en": "Specify other"}

// translate gives a fixed text in each of the form's languages, English
// where bmjbt has no translation.
func translate(texts map[string]string, langs []string) Translations {
	t := make(Translations, len(langs))
	for _, l := range langs {
		if s, ok := texts[l]; ok {
			t[l] = s
		} else {
			t[l] = texts["en"]
		}
	}
	return t
}
