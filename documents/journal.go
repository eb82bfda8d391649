// Package documents writes what the group hands over: the journal as CSV
// and XLSX, a survey's results as CSV, XLSX and PDF. Each document is an
// encoder to an io.Writer, tested by reading the output back.
package documents

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Journal is the journal as a table, in one language.
type Journal struct {
	Lang monitoring.Lang
	Muni *monitoring.Municipality
	// WithContacts adds the names and phones residents left and shows the
	// numbers and addresses they typed into texts. Only when the operator
	// asks for personal data explicitly (--with-contacts).
	WithContacts bool
}

// Lines hands the journal's lines to yield in order, one at a time, and
// stops at the first error yield returns (storage.DB.EachEntry is one).
type Lines func(yield func(monitoring.JournalLine) error) error

// Of is a Lines over lines already in memory: one entry, or tests.
func Of(lines ...monitoring.JournalLine) Lines {
	return func(yield func(monitoring.JournalLine) error) error {
		for _, l := range lines {
			if err := yield(l); err != nil {
				return err
			}
		}
		return nil
	}
}

func (j Journal) cat() *catalog.Catalog { return catalog.Default() }

// Columns, in order. The residents' additions sit beside the description;
// members' notes are the group's working notes and stay out of the table.
var columns = []string{"col.number", "col.date", "col.status", "col.village", "col.service", "col.description",
	"col.additions", "col.channel", "col.anonymous", "col.media", "col.location"}

// Column indexes the command line reads.
const (
	ColNumber = iota
	ColDate
	ColStatus
	ColVillage
	ColService
	ColDescription
	ColAdditions
	ColChannel
	ColAnonymous
	ColFiles
	ColLocation
)

// Header is the first row, in the export's language.
func (j Journal) Header() []string {
	ids := columns
	if j.WithContacts {
		ids = append(ids[:len(ids):len(ids)], "col.name", "col.phone")
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = j.cat().T(j.Lang, id, nil)
	}
	return out
}

// Text is a resident's or a member's free text as this table may show it:
// phone numbers and e-mail addresses masked unless WithContacts.
func (j Journal) Text(s string) string {
	if j.WithContacts {
		return s
	}
	masked, _ := monitoring.MaskPersonal(s)
	return masked
}

// Row is one line as cells.
func (j Journal) Row(l monitoring.JournalLine) []string {
	c := j.cat()
	e := l.Entry
	service := c.T(j.Lang, "service.other", nil)
	if p, ok := j.Muni.Service(e.Service); ok && e.Service != monitoring.OtherService {
		service = p.Name.In(j.Lang)
	}
	village := e.Village
	if p, ok := j.Muni.Village(e.Village); ok {
		village = p.Name.In(j.Lang)
	}
	anon := c.T(j.Lang, "no", nil)
	if e.Anonymous {
		anon = c.T(j.Lang, "yes", nil)
	}
	loc := ""
	if e.Location != nil {
		loc = fmt.Sprintf("%.6f, %.6f", e.Location.Lat, e.Location.Lon)
	}
	row := []string{
		e.Number.String(), e.CreatedAt.In(monitoring.Bishkek).Format(timeLayout),
		c.T(j.Lang, "status."+string(e.Status), nil), village, service, j.Text(e.Description),
		j.additions(l.Additions), c.T(j.Lang, "via."+string(e.Channel), nil), anon, strconv.Itoa(l.Files), loc,
	}
	if j.WithContacts {
		ct := l.Contact
		if e.Anonymous { // the resident chose not to be named: not even on request
			ct = monitoring.Contact{}
		}
		row = append(row, ct.Name, ct.Phone)
	}
	return row
}

// timeLayout is how the table writes a moment, in Bishkek time: sortable
// as text in a spreadsheet.
const timeLayout = "2006-01-02 15:04"

// additions is one cell: each addition on its own line, with its time.
func (j Journal) additions(adds []monitoring.Addition) string {
	if len(adds) == 0 {
		return ""
	}
	var b strings.Builder
	for i, a := range adds {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(a.At.In(monitoring.Bishkek).Format(timeLayout))
		b.WriteString(": ")
		b.WriteString(j.AdditionText(a))
	}
	return b.String()
}

// AdditionText is what a resident added, as the table shows it: the text
// (masked as Text does) and how many files came with it.
func (j Journal) AdditionText(a monitoring.Addition) string {
	text := j.Text(strings.TrimSpace(a.Text))
	if a.Files == 0 {
		return text
	}
	files := j.cat().T(j.Lang, "col.addition_files", catalog.Args{"Count": a.Files})
	if text == "" {
		return files
	}
	return text + " " + files
}

// WriteCSV writes the journal as UTF-8 CSV with a byte-order mark, so that
// a spreadsheet on the clerk's PC shows Cyrillic correctly. Rows are written
// as they come.
func (j Journal) WriteCSV(w io.Writer, lines Lines) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(j.Header()); err != nil {
		return err
	}
	err := lines(func(l monitoring.JournalLine) error {
		row := j.Row(l)
		for i, c := range row {
			row[i] = inert(c)
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// inert keeps a spreadsheet from reading a resident's text as a formula
// (a cell starting with =, +, - or @ would run on the clerk's PC).
func inert(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) || phoneOnly(cell) {
		return cell
	}
	return "'" + cell
}

// phoneOnly is "+996555123456": no formula in it.
func phoneOnly(s string) bool {
	return len(s) > 1 && s[0] == '+' && strings.Trim(s[1:], "0123456789") == ""
}

// maxCell is the most characters a spreadsheet cell holds; longer texts are
// cut in XLSX (the CSV export and the journal keep them whole).
const maxCell = 32767

// SheetName is the journal's sheet in the XLSX file: the same word in
// Kyrgyz and Russian (GLOSSARY: journal).
const SheetName = "Журнал"

// widths of the columns, in characters.
var widths = []float64{12, 17, 16, 14, 22, 60, 40, 16, 10, 8, 22, 20, 16}

// WriteXLSX writes the journal as a spreadsheet: a bold, frozen header row
// with filters, and readable column widths. Rows go to excelize's stream
// writer as they come, which keeps them on disk past 16 MB.
func (j Journal) WriteXLSX(w io.Writer, lines Lines) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return err
	}
	header := j.Header()
	for i := range header {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(header, bold, nil)); err != nil {
		return err
	}
	cut := j.cat().T(j.Lang, "col.cut", nil)
	n := 1
	buf := make([]any, len(header))
	err = lines(func(l monitoring.JournalLine) error {
		row := j.Row(l)
		for k, c := range row {
			if len(c) > maxCell { // bytes ≥ runes: only then count runes
				if r := []rune(c); len(r) > maxCell {
					row[k] = string(r[:maxCell-len([]rune(cut))]) + cut
				}
			}
		}
		n++
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		buf = cells(row, wrap, buf)
		buf[ColFiles] = excelize.Cell{Value: l.Files, StyleID: wrap} // a number, to sum and sort
		return sw.SetRow(cell, buf)
	})
	if err != nil {
		return err
	}
	// A stream has its filter through a table over the rows written (the
	// way excelize documents for stream writers): a worksheet filter set
	// with File.AutoFilter is dropped when the stream is saved.
	last, err := excelize.CoordinatesToCellName(len(header), max(n, 2))
	if err != nil {
		return err
	}
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: tableName, ShowRowStripes: new(false)}); err != nil {
		return fmt.Errorf("filter on the header: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// excelize builds the whole file in a buffer before writing it out; its
	// zip writer hook sends the file to w as it is compressed instead, and
	// its own buffer stays empty.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return f.Write(io.Discard)
}

// tableName names the table that carries the header's filters; Excel shows
// it in formulas and the name box (letters, no spaces).
const tableName = "Журнал"

// cells turns a row into stream cells, reusing buf when it fits.
func cells(values []string, style int, buf []any) []any {
	if len(buf) != len(values) {
		buf = make([]any, len(values))
	}
	for i, v := range values {
		buf[i] = excelize.Cell{Value: v, StyleID: style}
	}
	return buf
}
