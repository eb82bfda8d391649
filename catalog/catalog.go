// Package catalog holds every text users see, in Kyrgyz and Russian (and
// English for operators), through go-i18n message files embedded in the
// binary. Code refers to messages by id only.
package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"

	"bmjbt/monitoring"
)

//go:embed *.yaml
var files embed.FS

// Args fills a message's template.
type Args = map[string]any

// Catalog looks messages up by language.
type Catalog struct {
	bundle *i18n.Bundle
	loc    map[monitoring.Lang]*i18n.Localizer
	ids    map[monitoring.Lang]map[string]bool
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the embedded catalogue, loaded once.
func Default() *Catalog {
	defaultOnce.Do(func() { defaultCat, defaultErr = load() })
	if defaultErr != nil {
		panic(defaultErr) // the embedded files are checked by tests; this is a build defect
	}
	return defaultCat
}

func load() (*Catalog, error) {
	b := i18n.NewBundle(language.Make(string(monitoring.DefaultLang)))
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := &Catalog{bundle: b, loc: map[monitoring.Lang]*i18n.Localizer{}, ids: map[monitoring.Lang]map[string]bool{}}
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		mf, err := b.LoadMessageFileFS(files, name)
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", name, err)
		}
		lang := monitoring.Lang(strings.TrimSuffix(name, ".yaml"))
		c.ids[lang] = map[string]bool{}
		for _, m := range mf.Messages {
			c.ids[lang][m.ID] = true
		}
	}
	for _, l := range []monitoring.Lang{monitoring.Kyrgyz, monitoring.Russian, monitoring.English} {
		// Kyrgyz is the fallback wherever a message is missing.
		c.loc[l] = i18n.NewLocalizer(b, string(l), string(monitoring.Kyrgyz))
	}
	return c, nil
}

// IDs returns the message ids defined for lang.
func (c *Catalog) IDs(lang monitoring.Lang) map[string]bool { return c.ids[lang] }

// T returns message id in lang with args filled in. A missing message is a
// defect caught by tests; at run time it shows the id rather than failing.
// Year is this year in Bishkek unless args set it, so help texts show
// example numbers of the current year ("{{.Year}}-0042").
func (c *Catalog) T(lang monitoring.Lang, id string, args Args) string {
	return c.localize(lang, &i18n.LocalizeConfig{MessageID: id, TemplateData: withDefaults(args)})
}

// N returns message id in the plural form for count; args get Count too
// (and Year, as in T). The caller's args are not changed.
func (c *Catalog) N(lang monitoring.Lang, id string, count int, args Args) string {
	data := withDefaults(args)
	data["Count"] = count
	return c.localize(lang, &i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
}

// withDefaults copies args and adds what every message may use.
func withDefaults(args Args) Args {
	data := make(Args, len(args)+2)
	for k, v := range args {
		data[k] = v
	}
	if _, ok := data["Year"]; !ok {
		data["Year"] = time.Now().In(monitoring.Bishkek).Year()
	}
	return data
}

func (c *Catalog) localize(lang monitoring.Lang, cfg *i18n.LocalizeConfig) string {
	loc, ok := c.loc[lang]
	if !ok {
		loc = c.loc[monitoring.DefaultLang]
	}
	s, err := loc.Localize(cfg)
	if err != nil && s == "" {
		return cfg.MessageID
	}
	return s
}

// Date writes a date as documents do: "2025-жылдын 14-октябры",
// "14 октября 2025 г.", in Bishkek time.
func (c *Catalog) Date(lang monitoring.Lang, t time.Time) string {
	t = t.In(monitoring.Bishkek)
	return c.T(lang, "date", Args{
		"Year": t.Year(), "Day": t.Day(),
		"Month": c.T(lang, fmt.Sprintf("month.%d", int(t.Month())), nil),
	})
}

// DocumentDate writes a date as the council's documents do: "2025-жылдын
// 14-октябры", "14 октября 2025 года" (chat and lists say "г.").
func (c *Catalog) DocumentDate(lang monitoring.Lang, t time.Time) string {
	t = t.In(monitoring.Bishkek)
	return c.T(lang, "date.document", Args{
		"Year": t.Year(), "Day": t.Day(),
		"Month": c.T(lang, fmt.Sprintf("month.%d", int(t.Month())), nil),
	})
}

// DateTime is Date with the time of day, for lists and status replies:
// "2025-жылдын 14-октябры, саат 15:32", "14 октября 2025 г. в 15:32" (no
// suffix after the time, GLOSSARY.md).
func (c *Catalog) DateTime(lang monitoring.Lang, t time.Time) string {
	t = t.In(monitoring.Bishkek)
	return c.T(lang, "date.time", Args{"Date": c.Date(lang, t), "Time": t.Format("15:04")})
}
