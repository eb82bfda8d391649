package documents

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"bmjbt/catalog"
	"bmjbt/survey"
)

// WriteXLSX writes the survey as a workbook: sheet 1 the raw table of
// WriteCSV (numbers as numbers; a frozen, filterable header), streamed as
// the responses come; sheet 2 the summary: per question "N answered of M
// asked", each option's count and share, the mean of numbers and scales,
// in a column pair for all and for each village; then the satisfaction
// index by village when the form is a report card.
func (s SurveyResults) WriteXLSX(w io.Writer, responses Responses) error {
	t, err := s.table()
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	raw, sum := s.t("results.sheet.raw", nil), s.t("results.sheet.summary", nil)
	if err := f.SetSheetName("Sheet1", raw); err != nil {
		return err
	}
	if _, err := f.NewSheet(sum); err != nil {
		return err
	}
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	var complete []survey.Response
	if err := s.writeRawSheet(f, raw, t, st, func(yield func(survey.Response) error) error {
		return responses(func(r survey.Response) error {
			collect(&complete, r)
			return yield(r)
		})
	}); err != nil {
		return err
	}
	if err := s.writeSummarySheet(f, sum, st, s.summarize(t, complete)); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	// As the journal's export: the file goes to w as it is compressed.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return f.Write(io.Discard)
}

type sheetStyles struct {
	header, bold, wrap, percent, mean, title int
	date, dateTime                           int
}

func newSheetStyles(f *excelize.File) (sheetStyles, error) {
	var st sheetStyles
	var err error
	for _, s := range []struct {
		into  *int
		style excelize.Style
	}{
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&st.bold, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}},
		{&st.wrap, excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&st.percent, excelize.Style{NumFmt: 9}},
		{&st.mean, excelize.Style{CustomNumFmt: new("0.0")}},
		{&st.date, excelize.Style{CustomNumFmt: new("yyyy-mm-dd")}},
		{&st.dateTime, excelize.Style{CustomNumFmt: new("yyyy-mm-dd hh:mm:ss")}},
	} {
		if *s.into, err = f.NewStyle(&s.style); err != nil {
			return st, err
		}
	}
	return st, nil
}

func (s SurveyResults) writeRawSheet(f *excelize.File, sheet string, t *rawTable, st sheetStyles, responses Responses) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := t.headers()
	for i, c := range t.cols {
		width := 14.0
		switch {
		case c.q != nil && c.q.Type == survey.Text:
			width = 40
		case c.name == colUUID:
			width = 38
		case c.name == colSubmission || c.kind == dateTimeCell:
			width = 20
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(header, st.header, nil)); err != nil {
		return err
	}
	n := 0
	var buf []string
	row := make([]any, len(t.cols))
	err = responses(func(r survey.Response) error {
		if !r.Complete() {
			return nil
		}
		n++
		buf = t.row(r, n, buf)
		for i, c := range t.cols {
			row[i] = excelize.Cell{Value: buf[i], StyleID: st.wrap}
			if v, style, ok := typed(c.kind, buf[i], st); ok {
				row[i] = excelize.Cell{Value: v, StyleID: style}
			} else if len(buf[i]) > maxCell {
				if r := []rune(buf[i]); len(r) > maxCell {
					row[i] = excelize.Cell{Value: string(r[:maxCell]), StyleID: st.wrap}
				}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n+1)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return err
	}
	// The header's filters: a table over the rows, as for the journal. A
	// table needs headers that differ and fit a column name (Excel "repairs"
	// the file otherwise), and names without groups may not differ
	// ("comment" of two groups), nor a long note fit as a label: then a
	// plain filter on the header.
	last, err := excelize.CoordinatesToCellName(len(header), max(n+1, 2))
	if err != nil {
		return err
	}
	unique := tableHeaders(header)
	if unique {
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: sheet, ShowRowStripes: new(false)}); err != nil {
			return fmt.Errorf("filter on the header: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if !unique {
		if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
			return fmt.Errorf("filter on the header: %w", err)
		}
	}
	return nil
}

// tableHeaders reports whether the headers can name a table's columns:
// no two the same, as Excel compares them (ignoring case), none longer
// than Excel's 255 characters.
func tableHeaders(header []string) bool {
	seen := make(map[string]bool, len(header))
	for _, h := range header {
		k := strings.ToLower(h)
		if seen[k] || utf8.RuneCountInString(h) > 255 {
			return false
		}
		seen[k] = true
	}
	return true
}

// summaryRows writes the summary sheet top to bottom.
type summaryRows struct {
	sw *excelize.StreamWriter
	n  int
}

func (r *summaryRows) add(cells ...any) error {
	r.n++
	cell, err := excelize.CoordinatesToCellName(1, r.n)
	if err != nil {
		return err
	}
	return r.sw.SetRow(cell, cells)
}

func (s SurveyResults) writeSummarySheet(f *excelize.File, sheet string, st sheetStyles, sum summary) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	groups := append([]villageResults{{name: s.t("results.col.total", nil), res: sum.all}}, sum.villages...)
	if err := sw.SetColWidth(1, 1, 48); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 1+2*len(groups), 11); err != nil {
		return err
	}
	rows := &summaryRows{sw: sw}
	text := func(v string, style int) excelize.Cell { return excelize.Cell{Value: v, StyleID: style} }
	if err := rows.add(text(s.t("results.title", catalog.Args{"Title": sum.all.Form.Title}), st.title)); err != nil {
		return err
	}
	if err := rows.add(text(s.t("results.respondents", catalog.Args{"Count": thousands(sum.all.People)}), 0)); err != nil {
		return err
	}
	for _, l := range s.groupLines(sum, thousands) {
		if err := rows.add(text(l, 0)); err != nil {
			return err
		}
	}
	if s.Invited > 0 {
		if err := rows.add(text(s.invitedLine(sum, false), 0)); err != nil {
			return err
		}
	}
	// The column pairs' header: all, then each village.
	head := []any{text(s.t("results.col.option", nil), st.header)}
	sub := []any{text("", st.header)}
	for _, g := range groups {
		head = append(head, text(g.name, st.header), text("", st.header))
		sub = append(sub, text(s.t("results.col.count", nil), st.header), text(s.t("results.col.percent", nil), st.header))
	}
	for i, qr := range sum.all.Questions {
		q := qr.Question
		if err := rows.add(); err != nil {
			return err
		}
		if err := rows.add(text(fmt.Sprintf("%d. %s (%s)", i+1, q.Label.In(string(s.Lang)), q.Name), st.bold)); err != nil {
			return err
		}
		if err := rows.add(text(s.answeredOfAsked(qr, false), 0)); err != nil {
			return err
		}
		head[0] = text("", st.header)
		if qr.Options != nil {
			head[0] = text(s.t("results.col.option", nil), st.header)
		}
		if err := rows.add(head...); err != nil {
			return err
		}
		if err := rows.add(sub...); err != nil {
			return err
		}
		line := func(label string, value func(*survey.QuestionResult) []any) error {
			cells := []any{text(label, st.wrap)}
			for _, g := range groups {
				cells = append(cells, value(question(g.res, q.Key()))...)
			}
			return rows.add(cells...)
		}
		count := func(n func(*survey.QuestionResult) int) func(*survey.QuestionResult) []any {
			return func(g *survey.QuestionResult) []any {
				if g == nil {
					return []any{0, nil}
				}
				return []any{n(g), nil}
			}
		}
		if err := line(s.t("results.col.asked", nil), count(func(g *survey.QuestionResult) int { return g.Asked })); err != nil {
			return err
		}
		if err := line(s.t("results.col.answered", nil), count(func(g *survey.QuestionResult) int { return g.Answered })); err != nil {
			return err
		}
		for _, o := range qr.Options {
			err := line(o.Choice.Label.In(string(s.Lang)), func(g *survey.QuestionResult) []any {
				c, p := optionCount(g, o.Choice.Name)
				if g == nil || g.Answered == 0 {
					return []any{c, nil}
				}
				return []any{c, excelize.Cell{Value: p / 100, StyleID: st.percent}}
			})
			if err != nil {
				return err
			}
		}
		if qr.Numbers != nil {
			err := line(s.t("results.col.mean", nil), func(g *survey.QuestionResult) []any {
				if g == nil || g.Numbers == nil {
					return []any{nil, nil}
				}
				return []any{excelize.Cell{Value: g.Numbers.Mean, StyleID: st.mean}, nil}
			})
			if err != nil {
				return err
			}
		}
	}
	if sum.satisfaction {
		if err := s.satisfactionRows(rows, st, groups); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// satisfactionRows is the satisfaction index table: all, then by village.
func (s SurveyResults) satisfactionRows(rows *summaryRows, st sheetStyles, groups []villageResults) error {
	text := func(v string, style int) excelize.Cell { return excelize.Cell{Value: v, StyleID: style} }
	if err := rows.add(); err != nil {
		return err
	}
	if err := rows.add(text(s.t("results.section.satisfaction", nil), st.bold)); err != nil {
		return err
	}
	if err := rows.add(text(s.t("results.satisfaction_note", nil), 0)); err != nil {
		return err
	}
	if err := rows.add(text(s.t("results.col.village", nil), st.header), text(s.t("results.col.respondents", nil), st.header),
		text(s.t("results.col.satisfaction", nil), st.header)); err != nil {
		return err
	}
	for _, g := range groups {
		var index any
		if x, ok := g.res.SatisfactionIndex(survey.Satisfaction); ok {
			index = excelize.Cell{Value: x, StyleID: st.mean}
		}
		if err := rows.add(text(g.name, st.wrap), g.res.People, index); err != nil {
			return err
		}
	}
	return nil
}

// answeredOfAsked is "N answered of M asked" for a question; pub shows
// counts under 5 as "<5".
func (s SurveyResults) answeredOfAsked(qr survey.QuestionResult, pub bool) string {
	asked, answered := thousands(qr.Asked), thousands(qr.Answered)
	if pub {
		asked, answered = public(qr.Asked), public(qr.Answered)
	}
	return s.t("results.answered_of_asked", catalog.Args{"Asked": asked, "Answered": answered})
}

// invitedLine is "N answered of M invited" with the response rate: the
// residents who answered in a chat against those invited.
func (s SurveyResults) invitedLine(sum summary, pub bool) string {
	answered := thousands(sum.online)
	if pub {
		answered = public(sum.online)
	}
	rate := 0.0
	if s.Invited > 0 {
		rate = 100 * float64(sum.online) / float64(s.Invited)
	}
	return s.t("results.invited", catalog.Args{"Invited": thousands(s.Invited), "Answered": answered, "Rate": percent(rate)})
}

// typed is a raw cell as a spreadsheet value: a number, or a date and time
// as the wall clock it was given in (Bishkek's; _submission_time's UTC),
// since a spreadsheet's dates have no time zone. false leaves it text.
func typed(kind cellKind, v string, st sheetStyles) (any, int, bool) {
	if v == "" {
		return nil, 0, false
	}
	switch kind {
	case numberCell:
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return x, 0, true
		}
	case dateCell:
		if d, err := time.Parse("2006-01-02", v); err == nil {
			return d, st.date, true
		}
	case dateTimeCell:
		if d, err := time.Parse("2006-01-02T15:04:05.000-07:00", v); err == nil {
			return wallClock(d), st.dateTime, true
		}
	case utcCell:
		if d, err := time.Parse(submissionLayout, v); err == nil {
			return d, st.dateTime, true
		}
	}
	return nil, 0, false
}

// wallClock is t's reading on its own clock, as a UTC time: what excelize
// writes as the cell's serial date.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
