package survey

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ReadXLSForm reads an XLSForm as KoBoToolbox and ODK take it: sheets
// survey, choices and settings (sheet and column names case-insensitive,
// texts per language as "label::Kyrgyz (ky)"). A form outside what bmjbt
// runs is refused whole; the error joins up to 20 problems, one a line,
// each naming its sheet, row and column.
func ReadXLSForm(r io.Reader) (*Form, error) { return ReadXLSFormWith(r, ReadOptions{}) }

// ReadXLSFormWith is ReadXLSForm with options.
func ReadXLSFormWith(r io.Reader, o ReadOptions) (*Form, error) {
	x, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("read XLSForm: %w", err)
	}
	defer x.Close()
	wb := &workbook{x: x, dates: map[int]bool{}}

	sheets := map[string]string{}
	for _, name := range x.GetSheetList() {
		sheets[strings.ToLower(strings.TrimSpace(name))] = name
	}
	var p problems
	if name, ok := sheets["external_choices"]; ok {
		p.add(name+" sheet", "external choices are not supported yet: put the choices on the choices sheet")
	}
	for _, want := range []string{"survey", "settings"} {
		if _, ok := sheets[want]; !ok {
			p.add("workbook", "no %s sheet", want)
		}
	}
	if !p.empty() {
		return nil, p.err()
	}

	settings, err := wb.table(sheets["settings"], settingsHeaders)
	if err != nil {
		return nil, err
	}
	survey, err := wb.table(sheets["survey"], surveyHeaders)
	if err != nil {
		return nil, err
	}
	var choices *table
	if name, ok := sheets["choices"]; ok {
		if choices, err = wb.table(name, choicesHeaders); err != nil {
			return nil, err
		}
	}

	raw := &rawForm{surveyAt: survey.sheet + " sheet", choicesAt: "the choices sheet", choiceColumns: map[string]bool{}, opts: o}
	// What is passed over is said, not refused: KoBo adds $kuid, hxl,
	// locking profiles and sheets of its own.
	var warnings []string
	for key, name := range sheets {
		if key != "survey" && key != "choices" && key != "settings" {
			warnings = append(warnings, fmt.Sprintf("sheet %q is not read", name))
		}
	}
	for _, h := range survey.headers {
		if !surveyColumns[h.base] && !translatable[h.base] {
			warnings = append(warnings, fmt.Sprintf("survey sheet, column %s %q is not read", h.letter, h.text))
		}
	}
	slices.Sort(warnings)
	raw.settings = readSettings(settings)
	plainLang := DefaultLang
	if raw.settings.defaultLanguage != "" {
		plainLang = parseLang(raw.settings.defaultLanguage)
	}
	needColumns(&p, survey, "type", "name", colLabel)
	if choices != nil && len(choices.rows) > 0 {
		needColumns(&p, choices, "list_name", "name", colLabel)
	}
	if !p.empty() {
		return nil, p.err()
	}

	raw.languages = survey.languages(plainLang, nil)
	for _, r := range survey.rows {
		row := rawRow{typ: survey.get(r, "type"), name: survey.get(r, "name"), cells: map[string]string{}, texts: map[string]Translations{}, at: survey.at(r.num)}
		for _, col := range []string{"relevant", "required", "constraint", "calculation", "choice_filter", "default", "appearance", "parameters", "trigger", "read_only"} {
			if v := survey.get(r, col); v != "" {
				row.cells[col] = v
			}
		}
		for col := range translatable {
			if t := survey.texts(r, col, plainLang); t != nil {
				row.texts[col] = t
			}
		}
		if row.typ == "" && row.name == "" && len(row.cells) == 0 && len(row.texts) == 0 {
			continue // only columns bmjbt does not read, such as KoBo's $kuid
		}
		raw.rows = append(raw.rows, row)
	}

	raw.warnings = warnings
	if choices == nil {
		raw.noChoices = "the workbook has no choices sheet"
		return raw.build()
	}
	raw.languages = choices.languages(plainLang, raw.languages)
	extra := choiceExtraColumns(choices)
	for _, h := range extra {
		raw.choiceColumns[h.text] = true
	}
	for _, r := range choices.rows {
		c := rawChoice{list: choices.get(r, "list_name"), name: choices.get(r, "name"), label: choices.texts(r, colLabel, plainLang), at: choices.at(r.num)}
		for _, h := range extra {
			if h.col < len(r.cells) && r.cells[h.col] != "" {
				if c.extra == nil {
					c.extra = map[string]string{}
				}
				c.extra[h.text] = r.cells[h.col]
			}
		}
		if c.list == "" && c.name == "" && len(c.label) == 0 {
			continue
		}
		raw.choices = append(raw.choices, c)
	}
	return raw.build()
}

func readSettings(t *table) rawSettings {
	s := rawSettings{at: t.at(2)}
	if len(t.rows) == 0 {
		return s
	}
	r := t.rows[0]
	s.at = t.at(r.num)
	s.id, s.title = t.get(r, "form_id"), t.get(r, "form_title")
	s.version, s.defaultLanguage = t.get(r, "version"), t.get(r, "default_language")
	return s
}

func needColumns(p *problems, t *table, cols ...string) {
	for _, c := range cols {
		if !t.has(c) {
			p.add(fmt.Sprintf("%s sheet, row 1", t.sheet), "no %q column", c)
		}
	}
}

// surveyColumns are the survey sheet's columns bmjbt reads (after
// aliases); the others are said to be passed over.
var surveyColumns = map[string]bool{"type": true, "name": true, "relevant": true, "required": true, "constraint": true,
	"calculation": true, "choice_filter": true, "default": true, "appearance": true, "parameters": true,
	"trigger": true, "read_only": true}

// choiceExtraColumns are the choices sheet's columns a choice_filter may
// read: all but list_name, name, labels, media and KoBo's own ($kuid…).
func choiceExtraColumns(t *table) []header {
	var out []header
	for _, h := range t.headers {
		switch {
		case h.base == "list_name" || h.base == "name" || translatable[h.base]:
		case strings.HasPrefix(h.text, "$"):
		case h.base == "media" || h.base == "image" || h.base == "big-image" || h.base == "audio" || h.base == "video":
		case h.lang != "":
		default:
			out = append(out, h)
		}
	}
	return out
}
