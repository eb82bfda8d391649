package survey

import (
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/xuri/excelize/v2"
)

// WriteXLSForm writes a form as an XLSForm that KoBoToolbox, ODK and
// ReadXLSForm take: groups as begin/end group rows (a group's relevant
// stays in each of its questions, where the form keeps it), or_other back
// in the type (without the choice and the question it adds), and every
// cell as text so that "1" stays a name and not a number.
func WriteXLSForm(w io.Writer, f *Form) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", "survey"); err != nil {
		return fmt.Errorf("write XLSForm: %w", err)
	}
	for _, name := range []string{"choices", "settings"} {
		if _, err := x.NewSheet(name); err != nil {
			return fmt.Errorf("write XLSForm: %w", err)
		}
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("write XLSForm: %w", err)
	}
	sw := sheetWriter{x: x, bold: bold}
	sw.write("survey", surveyRows(f))
	sw.write("choices", choiceRows(f))
	sw.write("settings", settingsRows(f))
	if sw.err != nil {
		return fmt.Errorf("write XLSForm: %w", sw.err)
	}
	if _, err := x.WriteTo(w); err != nil {
		return fmt.Errorf("write XLSForm: %w", err)
	}
	return nil
}

// sheetWriter writes rows of text, the first one in bold, keeping the
// first error.
type sheetWriter struct {
	x    *excelize.File
	bold int
	err  error
}

func (sw *sheetWriter) write(sheet string, rows [][]string) {
	for i, row := range rows {
		for j, v := range row {
			if v == "" || sw.err != nil {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err == nil {
				err = sw.x.SetCellStr(sheet, cell, v)
			}
			sw.err = err
		}
	}
	if sw.err != nil || len(rows) == 0 {
		return
	}
	last, _ := excelize.ColumnNumberToName(len(rows[0]))
	sw.err = sw.x.SetCellStyle(sheet, "A1", last+"1", sw.bold)
	if sw.err == nil {
		sw.err = sw.x.SetColWidth(sheet, "A", last, 24)
	}
}

// column is one column of a written sheet and how a question fills it.
type column struct {
	header string
	value  func(q *Question) string
}

// textHeader is a translatable column's header for a language: plain for
// the unnamed default language, "label::Kyrgyz (ky)" otherwise.
func textHeader(base, lang string) string {
	if lang == DefaultLang {
		return base
	}
	return base + "::" + langLabel(lang)
}

func surveyRows(f *Form) [][]string {
	used := func(get func(q *Question) string) bool {
		for i := range f.Questions {
			if get(&f.Questions[i]) != "" {
				return true
			}
		}
		return false
	}
	cols := []column{{"type", typeCell}, {"name", func(q *Question) string { return q.Name }}}
	texts := func(base string, get func(q *Question) Translations, always bool) {
		for _, l := range f.Languages {
			value := func(q *Question) string { return get(q)[l] }
			if always || used(value) {
				cols = append(cols, column{textHeader(base, l), value})
			}
		}
	}
	plain := func(header string, get func(q *Question) string) {
		if used(get) {
			cols = append(cols, column{header, get})
		}
	}
	// Labels come first and in every language: their order is the
	// order of the form's languages when it is read back.
	texts(colLabel, func(q *Question) Translations { return q.Label }, true)
	texts(colHint, func(q *Question) Translations { return q.Hint }, false)
	plain("required", func(q *Question) string {
		if q.Required {
			return "yes"
		}
		return q.RequiredIf
	})
	texts(colRequiredMessage, func(q *Question) Translations { return q.RequiredMessage }, false)
	plain("relevant", func(q *Question) string { return q.Relevant })
	plain("constraint", func(q *Question) string { return q.Constraint })
	texts(colConstraintMessage, func(q *Question) Translations { return q.ConstraintMessage }, false)
	plain("calculation", func(q *Question) string { return q.Calculation })
	plain("choice_filter", func(q *Question) string { return q.ChoiceFilter })
	plain("appearance", func(q *Question) string { return q.Appearance })
	plain("default", func(q *Question) string { return q.Default })
	plain("parameters", func(q *Question) string { return q.Parameters })
	plain("trigger", func(q *Question) string {
		if q.Trigger == "" {
			return ""
		}
		return "${" + q.Trigger + "}"
	})
	plain("read_only", func(q *Question) string {
		if q.ReadOnly {
			return "yes"
		}
		return ""
	})

	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.header
	}
	rows := [][]string{header}
	// Metadata where they stood (KoBoToolbox writes start and end first),
	// so a form written back keeps its export's column order.
	// A row that stood inside a group goes after it: a reader keeps
	// metadata outside groups.
	written := 0
	meta := func(upTo int) {
		for ; written < len(f.Meta) && f.Meta[written].At <= upTo; written++ {
			row := make([]string, len(cols))
			row[0], row[1] = f.Meta[written].Type, f.Meta[written].Name
			rows = append(rows, row)
		}
	}
	groupRow := func(typ string, g *Group) {
		row := make([]string, len(cols))
		row[0] = typ
		if g != nil {
			row[1] = g.Name
			for i, c := range cols {
				for _, l := range f.Languages {
					if c.header == textHeader(colLabel, l) {
						row[i] = g.Label[l]
					}
				}
				if c.header == "appearance" {
					row[i] = g.Appearance
				}
			}
		}
		rows = append(rows, row)
	}

	var open []string // the groups around the row being written
	skip := map[string]bool{}
	for i := range f.Questions {
		q := &f.Questions[i]
		if skip[f.PathOf(q)] {
			continue // or_other's question: the type cell brings it back
		}
		path := groupPath(f, q.Group)
		common := 0
		for common < len(open) && common < len(path) && open[common] == path[common] {
			common++
		}
		for len(open) > common {
			groupRow("end group", nil)
			open = open[:len(open)-1]
		}
		if len(open) == 0 {
			meta(i)
		}
		for _, name := range path[common:] {
			g, _ := f.Group(name)
			groupRow("begin group", g)
			open = append(open, name)
		}
		row := make([]string, len(cols))
		for j, c := range cols {
			row[j] = c.value(q)
		}
		rows = append(rows, row)
		if q.OrOther {
			skip[f.PathOf(q)+"_other"] = true
		}
	}
	for range open {
		groupRow("end group", nil)
	}
	meta(math.MaxInt)
	return rows
}

// groupPath lists the groups around a question, outermost first.
func groupPath(f *Form, group string) []string {
	var path []string
	for group != "" && len(path) <= len(f.Groups) {
		path = append(path, group)
		g, ok := f.Group(group)
		if !ok {
			break
		}
		group = g.Parent
	}
	slices.Reverse(path)
	return path
}

func choiceRows(f *Form) [][]string {
	// Lists in the order questions use them, then any unused ones.
	var lists []string
	orOther := map[string]bool{}
	for _, q := range f.Questions {
		if q.ListName != "" && !slices.Contains(lists, q.ListName) {
			lists = append(lists, q.ListName)
		}
		if q.OrOther {
			orOther[q.ListName] = true
		}
	}
	var unused []string
	extra := map[string]bool{}
	for list, cs := range f.Choices {
		if !slices.Contains(lists, list) {
			unused = append(unused, list)
		}
		for _, c := range cs {
			for col := range c.Extra {
				extra[col] = true
			}
		}
	}
	slices.Sort(unused)
	lists = append(lists, unused...)
	extraCols := make([]string, 0, len(extra))
	for col := range extra {
		extraCols = append(extraCols, col)
	}
	slices.Sort(extraCols)

	header := []string{"list_name", "name"}
	for _, l := range f.Languages {
		header = append(header, textHeader(colLabel, l))
	}
	header = append(header, extraCols...)
	rows := [][]string{header}
	for _, list := range lists {
		for _, c := range f.Choices[list] {
			if orOther[list] && c.Name == "other" {
				continue // or_other adds it when the form is read
			}
			row := []string{list, c.Name}
			for _, l := range f.Languages {
				row = append(row, c.Label[l])
			}
			for _, col := range extraCols {
				row = append(row, c.Extra[col])
			}
			rows = append(rows, row)
		}
	}
	return rows
}

func settingsRows(f *Form) [][]string {
	lang := ""
	if f.DefaultLanguage != "" {
		lang = langLabel(f.DefaultLanguage)
	}
	return [][]string{
		{"form_title", "form_id", "version", "default_language"},
		{f.Title, f.ID, f.Version, lang},
	}
}
