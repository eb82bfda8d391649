// Package documents writes what the group hands over: the journal as CSV
// and XLSX. Each document is an encoder to an io.Writer, tested by reading
// the output back.
package documents

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Journal is the journal as a table. Contacts is nil unless the operator
// asked for personal data explicitly (--with-contacts).
type Journal struct {
	Lang     monitoring.Lang
	Muni     *monitoring.Municipality
	Entries  []monitoring.Entry
	Files    map[int64]int // files per entry id
	Contacts map[int64]monitoring.Contact
}

func (j Journal) cat() *catalog.Catalog { return catalog.Default() }

// Header is the first row, in the export's language.
func (j Journal) Header() []string {
	ids := []string{"col.number", "col.date", "col.status", "col.village", "col.service", "col.description",
		"col.channel", "col.anonymous", "col.media", "col.location"}
	if j.Contacts != nil {
		ids = append(ids, "col.name", "col.phone")
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = j.cat().T(j.Lang, id, nil)
	}
	return out
}

// Row is one entry as cells.
func (j Journal) Row(e monitoring.Entry) []string {
	c := j.cat()
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
		e.Number.String(), e.CreatedAt.In(monitoring.Bishkek).Format("2006-01-02 15:04"),
		c.T(j.Lang, "status."+string(e.Status), nil), village, service, e.Description,
		c.T(j.Lang, "via."+string(e.Channel), nil), anon, strconv.Itoa(j.Files[e.ID]), loc,
	}
	if j.Contacts != nil {
		ct := j.Contacts[e.ID]
		if e.Anonymous {
			ct = monitoring.Contact{}
		}
		row = append(row, ct.Name, ct.Phone)
	}
	return row
}

// WriteCSV writes the journal as UTF-8 CSV with a byte-order mark, so that
// a spreadsheet on the clerk's PC shows Cyrillic correctly.
func (j Journal) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(j.Header()); err != nil {
		return err
	}
	for _, e := range j.Entries {
		row := j.Row(e)
		for i, c := range row {
			row[i] = inert(c)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
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

// SheetName is the journal's sheet in the XLSX file: «Журнал» is the same
// word in Kyrgyz and Russian (GLOSSARY.md).
const SheetName = "Журнал"

// WriteXLSX writes the journal as a spreadsheet: a bold, frozen header row
// with filters, and readable column widths.
func (j Journal) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return err
	}
	widths := []float64{12, 17, 16, 14, 22, 60, 10, 10, 8, 22, 20, 16}
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
	if err := sw.SetRow("A1", cells(header, bold)); err != nil {
		return err
	}
	cut := j.cat().T(j.Lang, "col.cut", nil)
	for i, e := range j.Entries {
		row := j.Row(e)
		for k, c := range row {
			if r := []rune(c); len(r) > maxCell {
				row[k] = string(r[:maxCell-len([]rune(cut))]) + cut
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells(row, wrap)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(header), len(j.Entries)+1)
	if err := f.AutoFilter(SheetName, "A1:"+last, nil); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func cells(values []string, style int) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = excelize.Cell{Value: v, StyleID: style}
	}
	return out
}
