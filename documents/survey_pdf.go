package documents

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"
	"github.com/go-analyze/charts"

	"bmjbt/catalog"
	"bmjbt/survey"
)

// WritePDF writes the survey's summary in the layout of the council's
// documents (GLOSSARY.md, "How documents are written"): the municipality
// and the group, the kind of document, date and place, the title, then
// numbered sections: the sampling guide with who answered, each question
// with a bar chart of its options' shares and a table of counts, and the
// table by village. It is meant for the public: every count under 5 reads
// "<5", and no share is shown for fewer than 5 answers. Liberation Sans
// is embedded, so ң ө ү print and copy as text.
func (s SurveyResults) WritePDF(w io.Writer, responses Responses) error {
	t, err := s.table()
	if err != nil {
		return err
	}
	var complete []survey.Response
	if err := responses(func(r survey.Response) error { collect(&complete, r); return nil }); err != nil {
		return err
	}
	d := &pdfDoc{SurveyResults: s, sum: s.summarize(t, complete)}
	d.begin()
	d.heading()
	d.sampling()
	d.questions()
	d.byVillage()
	d.signature()
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("survey results PDF: %w", err)
	}
	return d.pdf.Output(w)
}

const (
	fontFamily = "LiberationSans"
	bodySize   = 11
	lineH      = 5.5
	pageBottom = 20 // mm kept free for the page number
)

type pdfDoc struct {
	SurveyResults
	sum    summary
	pdf    *fpdf.Fpdf
	width  float64 // between the margins
	charts int
}

func (d *pdfDoc) begin() {
	p := newA4(d.t("results.title", catalog.Args{"Title": d.sum.all.Form.Title}), d.Date)
	pw, _ := p.GetPageSize()
	l, _, r, _ := p.GetMargins()
	d.pdf, d.width = p, pw-l-r
}

// newA4 starts an A4 page of the group's documents: Liberation Sans
// embedded (ң ө ү print and copy as text), a wide left margin for binding
// as official papers here keep, page numbers at the foot.
func newA4(title string, date time.Time) *fpdf.Fpdf {
	p := a4(title, date)
	p.AddPage()
	return p
}

// a4 is newA4 before its first page, for a paper that sets its own header
// or footer first. The same content gives the same bytes (fixed dates,
// resources in a fixed order), which `act verify` relies on.
func a4(title string, date time.Time) *fpdf.Fpdf {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCatalogSort(true)
	p.AddUTF8FontFromBytes(fontFamily, "", liberationsansregular.TTF)
	p.AddUTF8FontFromBytes(fontFamily, "B", liberationsansbold.TTF)
	p.SetMargins(25, 15, 15)
	p.SetAutoPageBreak(true, pageBottom)
	p.AliasNbPages("{nb}")
	p.SetTitle(title, true)
	p.SetCreator("bmjbt", true)
	p.SetCreationDate(date)
	p.SetModificationDate(date)
	p.SetFooterFunc(func() {
		p.SetY(-15)
		p.SetFont(fontFamily, "", 9)
		p.CellFormat(0, 5, fmt.Sprintf("%d / {nb}", p.PageNo()), "", 0, "C", false, 0, "")
	})
	return p
}

func (d *pdfDoc) font(style string, size float64) { d.pdf.SetFont(fontFamily, style, size) }

// para writes a wrapped paragraph.
func (d *pdfDoc) para(style string, size float64, align, text string) {
	d.font(style, size)
	d.pdf.MultiCell(0, lineH, text, "", align, false)
}

// room starts a new page unless h mm fit above the bottom margin.
func (d *pdfDoc) room(h float64) {
	_, ph := d.pdf.GetPageSize()
	if d.pdf.GetY()+h > ph-pageBottom {
		d.pdf.AddPage()
	}
}

// heading is the letterhead: municipality and group, the document's
// kind in capitals, date on the left and place on the right, the title.
func (d *pdfDoc) heading() {
	(&officialPDF{pdf: d.pdf, width: d.width}).letterhead(councilHead(d.Muni, d.Lang, d.t("results.doc_kind", nil),
		d.cat().DocumentDate(d.Lang, d.Date), d.Muni.Seat.In(d.Lang), d.t("results.title", catalog.Args{"Title": d.sum.all.Form.Title})))
}

// section starts a numbered section.
func (d *pdfDoc) section(n int, id string) {
	d.room(30)
	d.pdf.Ln(3)
	d.para("B", 12, "L", fmt.Sprintf("%d. %s", n, d.t(id, nil)))
	d.pdf.Ln(1)
}

// signature ends the summary with the presiding signature block, as
// every document the group issues (3.6).
func (d *pdfDoc) signature() {
	if d.Presiding.Name == "" {
		return // no chair yet: nobody to sign
	}
	role := d.t("role.chair", nil)
	if d.Presiding.Acting {
		role = d.t("signature.acting_chair", nil)
	}
	d.room(3 * lineH)
	d.pdf.Ln(8)
	(&officialPDF{pdf: d.pdf, width: d.width}).signature(capitalize(role), d.Presiding.Name)
}

// sampling is section 1: the sampling guide (Regulation 5.6) and who
// answered against who was planned and invited.
func (d *pdfDoc) sampling() {
	d.section(1, "results.section.sampling")
	rec, sum := d.Record, d.sum
	notSet := d.t("results.not_set", nil)
	villages := d.t("results.all_villages", nil)
	if len(rec.Sampling.Villages) > 0 {
		names := make([]string, len(rec.Sampling.Villages))
		for i, code := range rec.Sampling.Villages {
			names[i] = code
			if v, ok := d.Muni.Village(code); ok {
				names[i] = v.Name.In(d.Lang)
			}
		}
		villages = strings.Join(names, ", ")
	}
	lines := []string{
		d.t("results.method", catalog.Args{"Value": orText(rec.Sampling.Method, notSet)}),
		d.t("results.target", catalog.Args{"Value": orText(rec.Sampling.TargetGroup, notSet)}),
		d.t("results.villages", catalog.Args{"Value": villages}),
	}
	if rec.StartsOn != "" || rec.EndsOn != "" {
		lines = append(lines, d.t("results.period", catalog.Args{"From": tableDate(rec.StartsOn), "To": tableDate(rec.EndsOn)}))
	}
	planned := notSet
	if rec.Sampling.Planned > 0 {
		planned = thousands(rec.Sampling.Planned)
	}
	lines = append(lines, d.t("results.planned", catalog.Args{"Count": planned}),
		d.t("results.respondents", catalog.Args{"Count": public(sum.all.People)}))
	if rec.Sampling.Planned > 0 {
		lines = append(lines, d.t("results.of_planned", catalog.Args{"Percent": percent(100 * float64(sum.all.People) / float64(rec.Sampling.Planned))}))
	}
	if d.Invited > 0 {
		lines = append(lines, d.invitedLine(sum, true))
	}
	if sum.field > 0 {
		lines = append(lines, d.t("results.field", catalog.Args{"Count": public(sum.field)}))
	}
	lines = append(lines, d.groupLines(sum, public)...)
	if rec.NoticeWaiver != "" { // 5.2: launched without telling the stakeholders first
		lines = append(lines, d.t("results.notice_waived", catalog.Args{"Reason": rec.NoticeWaiver}))
	}
	if len(d.Recused) > 0 { // 6.3: printed in the documents of that monitoring
		lines = append(lines, d.t("results.recused", catalog.Args{"Names": strings.Join(d.Recused, ", ")}))
	}
	for _, l := range lines {
		d.bullet(l)
	}
	d.pdf.Ln(1)
	d.para("", 9, "L", d.t("results.small_note", nil))
}

func (d *pdfDoc) bullet(text string) {
	p := d.pdf
	d.font("", bodySize)
	l, _, _, _ := p.GetMargins()
	p.SetX(l + 3)
	p.CellFormat(4, lineH, "–", "", 0, "L", false, 0, "")
	p.MultiCell(d.width-7, lineH, text, "", "L", false)
}

// questions is section 2: each question with its chart and counts.
func (d *pdfDoc) questions() {
	d.section(2, "results.section.questions")
	for i, qr := range d.sum.all.Questions {
		q := qr.Question
		// A question's heading, chart and table stay on one page when a
		// page can hold them.
		const headH = 16.0
		var c *chartImage
		need := headH + 8
		if qr.Options != nil && qr.Answered >= minPublic {
			c = d.chart(q.Name, ordered(qr))
			if c != nil {
				need = headH + c.h + 2 + 6*float64(len(qr.Options)+1) + 2
			}
		}
		_, ph := d.pdf.GetPageSize()
		_, top, _, _ := d.pdf.GetMargins()
		d.room(min(need, ph-pageBottom-top))
		d.pdf.Ln(2)
		d.para("B", bodySize, "L", fmt.Sprintf("2.%d. %s", i+1, orText(q.Label.In(string(d.Lang)), q.Name)))
		d.para("", 10, "L", d.answeredOfAsked(qr, true))
		switch {
		case c != nil:
			d.place(c)
			d.optionTable(ordered(qr))
		case qr.Options != nil && qr.Answered > 0:
			d.para("", 10, "L", d.t("results.too_few", nil))
		case q.Type == survey.Text && qr.Answered > 0:
			d.para("", 10, "L", d.t("results.text_answers", nil))
		}
		if n := qr.Numbers; n != nil && qr.Answered >= minPublic {
			d.para("", 10, "L", d.t("results.mean_range", catalog.Args{"Mean": decimal(n.Mean), "Min": decimal(n.Min), "Max": decimal(n.Max)}))
		}
	}
}

// ordered are a question's options as the summary shows them: a scale
// (1–5) in its own order, other options most chosen first.
func ordered(qr survey.QuestionResult) []survey.OptionCount {
	if qr.Numbers != nil {
		return qr.Options
	}
	return qr.Order()
}

// optionTable is a question's options with their counts and shares.
func (d *pdfDoc) optionTable(opts []survey.OptionCount) {
	rows := make([][]string, 0, len(opts))
	for _, o := range opts {
		rows = append(rows, []string{o.Choice.Label.In(string(d.Lang)), public(o.Count), percent(o.Percent)})
	}
	d.table([]float64{d.width - 50, 25, 25}, "LRR",
		[]string{d.t("results.col.option", nil), d.t("results.col.count", nil), d.t("results.col.percent", nil)}, rows)
}

// byVillage is section 3: respondents per village and, for a report card,
// the satisfaction index.
func (d *pdfDoc) byVillage() {
	d.section(3, "results.section.villages")
	header := []string{d.t("results.col.village", nil), d.t("results.col.respondents", nil)}
	widths := []float64{d.width - 40, 40}
	align := "LR"
	if d.sum.satisfaction {
		header = append(header, d.t("results.col.satisfaction", nil))
		widths = []float64{d.width - 100, 40, 60}
		align = "LRR"
	}
	groups := append(slices.Clone(d.sum.villages), villageResults{name: d.t("results.col.total", nil), res: d.sum.all})
	rows := make([][]string, 0, len(groups))
	for _, g := range groups {
		row := []string{g.name, public(g.res.People)}
		if d.sum.satisfaction {
			index := "—"
			if x, ok := g.res.SatisfactionIndex(survey.Satisfaction); ok && g.res.Complete >= minPublic {
				index = decimal(x)
			}
			row = append(row, index)
		}
		rows = append(rows, row)
	}
	d.table(widths, align, header, rows)
	if d.sum.satisfaction {
		d.pdf.Ln(1)
		d.para("", 9, "L", d.t("results.satisfaction_note", nil)+" "+d.t("results.index_hidden", nil))
	}
}

// table draws a table with a shaded header, repeated on a new page;
// cells wrap at words.
func (d *pdfDoc) table(widths []float64, align string, header []string, rows [][]string) {
	p := d.pdf
	const h = 5.0
	l, _, _, _ := p.GetMargins()
	_, ph := p.GetPageSize()
	height := func(cells []string, style string) float64 {
		d.font(style, 10)
		lines := 1
		for i, c := range cells {
			lines = max(lines, len(p.SplitText(c, widths[i]-2)))
		}
		return float64(lines)*h + 1
	}
	draw := func(cells []string, style string, rowH float64) {
		d.font(style, 10)
		mode := "D"
		if style == "B" {
			p.SetFillColor(221, 235, 247)
			mode = "FD"
		}
		y, x := p.GetY(), l
		for i, c := range cells {
			p.Rect(x, y, widths[i], rowH, mode)
			p.SetXY(x+1, y+0.5)
			p.MultiCell(widths[i]-2, h, c, "", string(align[i]), false)
			x += widths[i]
		}
		p.SetXY(l, y+rowH)
	}
	headH := height(header, "B")
	for i, r := range rows {
		rowH := height(r, "")
		if i == 0 || p.GetY()+rowH > ph-pageBottom {
			// The header never ends a page alone; on a new page it comes again.
			if p.GetY()+headH+rowH > ph-pageBottom {
				p.AddPage()
			}
			draw(header, "B", headH)
		}
		draw(r, "", rowH)
	}
	p.Ln(2)
}

// chartFont installs Liberation Sans for the charts once (go-analyze's
// own fonts lack ң ө ү).
var chartFont = sync.OnceValue(func() error {
	return charts.InstallFont(fontFamily, liberationsansregular.TTF)
})

// chartImage is a chart registered in the PDF, to place.
type chartImage struct {
	name string
	w, h float64 // mm
}

// chart registers a horizontal bar chart of options' shares, in the
// order given from the top (nil, with the error kept, if it fails).
func (d *pdfDoc) chart(question string, opts []survey.OptionCount) *chartImage {
	png, wpx, hpx, err := barChart(opts, string(d.Lang))
	if err != nil {
		d.pdf.SetError(fmt.Errorf("chart of %s: %w", question, err))
		return nil
	}
	d.charts++
	c := &chartImage{name: fmt.Sprintf("chart%d", d.charts), w: d.width * 0.85}
	c.h = c.w * float64(hpx) / float64(wpx)
	d.pdf.RegisterImageOptionsReader(c.name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	return c
}

// place puts a chart at the left margin, below the text.
func (d *pdfDoc) place(c *chartImage) {
	d.room(c.h + 2)
	l, _, _, _ := d.pdf.GetMargins()
	d.pdf.ImageOptions(c.name, l, d.pdf.GetY()+1, c.w, c.h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	d.pdf.SetY(d.pdf.GetY() + c.h + 2)
}

// barChart draws the options' shares as a PNG and gives its size in pixels.
func barChart(opts []survey.OptionCount, lang string) ([]byte, int, int, error) {
	if err := chartFont(); err != nil {
		return nil, 0, 0, err
	}
	opts = slices.Clone(opts)
	slices.Reverse(opts) // the chart draws its first category at the bottom
	labels := make([]string, len(opts))
	values := make([]float64, len(opts))
	for i, o := range opts {
		labels[i] = shorten(o.Choice.Label.In(lang), 40)
		values[i] = o.Percent
	}
	font := charts.GetFont(fontFamily)
	const width = 1100
	height := 50 + 46*len(opts)
	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Horizontal = true
	opt.Padding = charts.Box{Top: 10, Right: 60, Bottom: 10, Left: 10, IsSet: true}
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: labels, LabelFontStyle: charts.FontStyle{Font: font, FontSize: 17}}
	opt.ValueAxis = []charts.ValueAxisOption{{Min: new(0.0), Max: new(100.0), LabelCount: 6, LabelFontStyle: charts.FontStyle{Font: font, FontSize: 15},
		ValueFormatter: func(x float64) string { return percent(x) }}}
	opt.SeriesList[0].Label = charts.SeriesLabel{Show: new(true), FontStyle: charts.FontStyle{Font: font, FontSize: 17},
		ValueFormatter: func(x float64) string { return percent(x) }}
	opt.SeriesLabelPosition = "right"
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: width, Height: height, Font: font})
	if err := p.BarChart(opt); err != nil {
		return nil, 0, 0, err
	}
	png, err := p.Bytes()
	return png, width, height, err
}

// shorten cuts a label for a chart's axis; the table below has it whole.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func orText(s, otherwise string) string {
	if strings.TrimSpace(s) == "" {
		return otherwise
	}
	return s
}

// tableDate writes a YYYY-MM-DD day as tables do: 14.10.2025; "…" unset.
func tableDate(day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return "…"
	}
	return t.Format("02.01.2006")
}
