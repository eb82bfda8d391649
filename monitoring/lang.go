package monitoring

import "strings"

// Lang is a language the bot speaks: Kyrgyz and Russian to residents and
// members, English only to operators.
type Lang string

const (
	Kyrgyz  Lang = "ky"
	Russian Lang = "ru"
	English Lang = "en"
)

// DefaultLang is used wherever a user's language is not known yet.
const DefaultLang = Kyrgyz

// ParseLang maps a language tag such as "ru-RU" or "ky" to a Lang a resident
// can use. ok is false when the tag names neither Kyrgyz nor Russian.
func ParseLang(tag string) (Lang, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i > 0 {
		tag = tag[:i]
	}
	switch tag {
	case "ky", "kir":
		return Kyrgyz, true
	case "ru", "rus":
		return Russian, true
	}
	return DefaultLang, false
}

// Text is a name written in each language the municipality uses.
type Text struct {
	KY string `yaml:"ky" json:"ky"`
	RU string `yaml:"ru" json:"ru"`
}

// In returns the text in lang, falling back to Kyrgyz, then Russian.
func (t Text) In(lang Lang) string {
	if lang == Russian && t.RU != "" {
		return t.RU
	}
	if t.KY != "" {
		return t.KY
	}
	return t.RU
}
