package survey

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// table is one sheet of an XLSForm: its header row read into column names
// and its data rows as text, each knowing its row number for errors.
type table struct {
	sheet   string
	headers []header
	rows    []tableRow
}

// header is one column: base is its XLSForm name after pyxform's aliases
// ("caption" → "label"), lang the language after "::" or ":", if any.
type header struct {
	col          int
	letter, text string
	base, lang   string
}

type tableRow struct {
	num   int // as Excel shows it
	cells []string
}

// Header aliases as pyxform reads them (aliases.py); keys are lower case,
// since headers are case-insensitive.
var surveyHeaders = map[string]string{
	"caption": colLabel, "relevance": "relevant", "constraint message": colConstraintMessage,
	"constraining message": colConstraintMessage, "required message": colRequiredMessage,
	"requiredmsg": colRequiredMessage, "calculate": "calculation", "command": "type", "tag": "name", "value": "name",
	"readonly": "read_only",
}

var choicesHeaders = map[string]string{"caption": colLabel, "value": "name", "list name": "list_name"}

var settingsHeaders = map[string]string{"set form title": "form_title", "set form id": "form_id", "id_string": "form_id"}

// translatable are the columns that take a language after "::".
var translatable = map[string]bool{colLabel: true, colHint: true, colConstraintMessage: true, colRequiredMessage: true}

// workbook reads cells as pyxform does: the value typed, not as a number
// format shows it, so a choice name 1 formatted "0.0" stays "1".
type workbook struct {
	x     *excelize.File
	dates map[int]bool // style index → whether it formats a date
}

func (wb *workbook) table(sheet string, aliases map[string]string) (*table, error) {
	rows, err := wb.x.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("read %s sheet: %w", sheet, err)
	}
	t := &table{sheet: sheet}
	for i, row := range rows {
		cells := make([]string, len(row))
		empty := true
		for j, raw := range row {
			if cells[j], err = wb.cell(sheet, j+1, i+1, raw); err != nil {
				return nil, err
			}
			empty = empty && cells[j] == ""
		}
		switch {
		case i == 0:
			t.readHeaders(cells, aliases)
		case !empty:
			t.rows = append(t.rows, tableRow{num: i + 1, cells: cells})
		}
	}
	return t, nil
}

func (t *table) readHeaders(cells []string, aliases map[string]string) {
	for j, text := range cells {
		if text == "" {
			continue
		}
		letter, _ := excelize.ColumnNumberToName(j + 1)
		base, lang, ok := strings.Cut(text, "::")
		if !ok {
			base, lang, _ = strings.Cut(text, ":")
		}
		base = strings.ToLower(strings.TrimSpace(base))
		if a, ok := aliases[base]; ok {
			base = a
		}
		lang = strings.TrimSpace(lang)
		if lang != "" {
			lang = parseLang(lang)
		}
		t.headers = append(t.headers, header{col: j, letter: letter, text: text, base: base, lang: lang})
	}
}

// has tells whether the sheet has a column of that name.
func (t *table) has(base string) bool {
	for _, h := range t.headers {
		if h.base == base {
			return true
		}
	}
	return false
}

// get gives the first non-empty cell among the row's columns of that name
// (a sheet may have both "relevant" and its alias "relevance").
func (t *table) get(r tableRow, base string) string {
	for _, h := range t.headers {
		if h.base == base && h.lang == "" && h.col < len(r.cells) && r.cells[h.col] != "" {
			return r.cells[h.col]
		}
	}
	return ""
}

// texts gives a translatable column in each language; a plain column is in
// plainLang (the default language).
func (t *table) texts(r tableRow, base, plainLang string) Translations {
	var out Translations
	for _, h := range t.headers {
		if h.base != base || h.col >= len(r.cells) || r.cells[h.col] == "" {
			continue
		}
		lang := h.lang
		if lang == "" {
			lang = plainLang
		}
		if out == nil {
			out = Translations{}
		}
		// An explicit language column wins over the plain one.
		if _, ok := out[lang]; !ok || h.lang != "" {
			out[lang] = r.cells[h.col]
		}
	}
	return out
}

// languages lists the languages of the sheet's text columns, in order.
func (t *table) languages(plainLang string, into []string) []string {
	for _, h := range t.headers {
		if !translatable[h.base] {
			continue
		}
		lang := h.lang
		if lang == "" {
			lang = plainLang
		}
		if !slices.Contains(into, lang) {
			into = append(into, lang)
		}
	}
	return into
}

// at names a row's cells for errors: `survey sheet, row 7, column C "type"`.
func (t *table) at(row int) place {
	return func(field string) string {
		for _, h := range t.headers {
			if h.base == field {
				return fmt.Sprintf("%s sheet, row %d, column %s %q", t.sheet, row, h.letter, h.text)
			}
		}
		return fmt.Sprintf("%s sheet, row %d", t.sheet, row)
	}
}

// cell normalises one value: booleans as TRUE/FALSE, numbers as typed
// ("1", "2.5", never "1.0" or "1E+3"), date-formatted numbers as dates.
func (wb *workbook) cell(sheet string, col, row int, raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	axis, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return "", fmt.Errorf("%s sheet, row %d: %w", sheet, row, err)
	}
	typ, err := wb.x.GetCellType(sheet, axis)
	if err != nil {
		return "", fmt.Errorf("%s sheet, cell %s: %w", sheet, axis, err)
	}
	switch typ {
	case excelize.CellTypeBool:
		if raw == "1" || strings.EqualFold(raw, "true") {
			return "TRUE", nil
		}
		return "FALSE", nil
	case excelize.CellTypeUnset, excelize.CellTypeNumber:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			break
		}
		isDate, err := wb.dateStyled(sheet, axis)
		if err != nil {
			return "", err
		}
		if isDate {
			return excelDate(f), nil
		}
		return formatNumber(f), nil
	}
	return cleanText(raw), nil
}

// plainQuotes straightens the quotes a spreadsheet or a word processor
// curls ('${a}' = ‘yes’ would never hold) and turns no-break spaces into
// spaces, as pyxform's clean_text_values does.
var plainQuotes = strings.NewReplacer("\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`, "\u00a0", " ")

// cleanText is a cell's text as the form means it: trimmed, quotes and
// spaces plain.
func cleanText(s string) string { return strings.TrimSpace(plainQuotes.Replace(s)) }

func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func excelDate(serial float64) string {
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return formatNumber(serial)
	}
	if serial == math.Trunc(serial) {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02T15:04:05")
}

// dateStyled tells whether a cell's number format shows a date: Excel
// keeps a date as a number of days and only its format says so.
func (wb *workbook) dateStyled(sheet, axis string) (bool, error) {
	idx, err := wb.x.GetCellStyle(sheet, axis)
	if err != nil {
		return false, fmt.Errorf("%s sheet, cell %s: %w", sheet, axis, err)
	}
	if d, ok := wb.dates[idx]; ok {
		return d, nil
	}
	st, err := wb.x.GetStyle(idx)
	if err != nil {
		return false, fmt.Errorf("%s sheet, cell %s: %w", sheet, axis, err)
	}
	d := dateFormat(st.NumFmt)
	if st.CustomNumFmt != nil {
		d = customDateFormat(*st.CustomNumFmt)
	}
	wb.dates[idx] = d
	return d, nil
}

// dateFormat tells Excel's built-in date formats (ECMA-376, 18.8.30).
func dateFormat(id int) bool {
	return (14 <= id && id <= 17) || id == 22 || (27 <= id && id <= 36) || (50 <= id && id <= 58)
}

// customDateFormat looks for a day or a year outside quotes and brackets.
func customDateFormat(f string) bool {
	quoted, bracket := false, false
	for _, r := range f {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case bracket:
		case r == 'y' || r == 'Y' || r == 'd' || r == 'D':
			return true
		}
	}
	return false
}
