package bot

import (
	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// placeIn names a village or service in lang, outside a turn.
func placeIn(m *monitoring.Municipality, lang monitoring.Lang, code string, village bool, c *catalog.Catalog) string {
	if code == "" {
		return "—" // posted in the residents' group: the resident did not say
	}
	if village {
		if p, ok := m.Village(code); ok {
			return p.Name.In(lang)
		}
		return code
	}
	if code == monitoring.OtherService {
		return c.T(lang, "service.other", nil)
	}
	if p, ok := m.Service(code); ok {
		return p.Name.In(lang)
	}
	return code
}

func langOr(l string) monitoring.Lang {
	if lang, ok := monitoring.ParseLang(l); ok {
		return lang
	}
	return monitoring.DefaultLang
}
