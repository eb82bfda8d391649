package documents

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/survey"
)

// SurveyResults are one survey's documents: its raw answers as KoBoToolbox
// exports them (CSV, the first sheet of the XLSX) and its summary (the
// second sheet, the PDF for the council and the public).
type SurveyResults struct {
	Record survey.Record
	// Versions are every version of its form, oldest first: the raw table
	// has the union of their questions.
	Versions []survey.Version
	Muni     *monitoring.Municipality
	Lang     monitoring.Lang // of the summary; the raw table has XLSForm names
	Invited  int             // residents invited (storage.DB.CountInvited)
	Date     time.Time       // the document's date
}

// Responses hands a survey's responses to yield in order, one at a time,
// and stops at the first error yield returns (storage.DB.EachResponse is
// one, bound to a survey).
type Responses func(yield func(survey.Response) error) error

// ResponsesOf is a Responses over responses in memory: tests.
func ResponsesOf(rs ...survey.Response) Responses {
	return func(yield func(survey.Response) error) error {
		for _, r := range rs {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	}
}

func (s SurveyResults) cat() *catalog.Catalog { return catalog.Default() }

func (s SurveyResults) t(id string, args catalog.Args) string { return s.cat().T(s.Lang, id, args) }

// rawTable is the raw answers' layout: the forms' union and its columns.
type rawTable struct {
	form     *survey.Form
	versions map[int64]string // version id → the form's version, for __version__
	cols     []rawColumn
}

// rawColumn is one column: a question's answer, a choice of a
// select_multiple (0/1), or one of KoBo's trailing columns (q nil).
type rawColumn struct {
	name   string
	meta   bool // a metadata row's column: start, end, deviceid…
	q      *survey.Question
	choice string // select_multiple split: the choice's name
	number bool   // a number in a spreadsheet
}

// The trailing columns, as KoBoToolbox ends its exports, and bmjbt's two:
// the village and, in field mode, how many people a response stands for.
// No resident, chat or member ids: the table carries no personal data.
const (
	colID         = "_id"
	colUUID       = "_uuid"
	colSubmission = "_submission_time"
	colVersion    = "__version__"
	colIndex      = "_index"
	colVillage    = "_village"
	colGroupSize  = "_group_size"
)

// submissionLayout is ISO 8601 with Bishkek's offset.
const submissionLayout = "2006-01-02T15:04:05Z07:00"

func (s SurveyResults) table() (*rawTable, error) {
	forms := make([]*survey.Form, 0, len(s.Versions))
	names := make(map[int64]string, len(s.Versions))
	for _, v := range s.Versions {
		f, err := survey.LoadForm(v)
		if err != nil {
			return nil, err
		}
		forms = append(forms, f)
		names[v.ID] = v.Version
	}
	t := &rawTable{form: unionForm(forms, s.Record), versions: names}
	// Metadata first, as KoBoToolbox's forms have start and end at the top.
	seen := map[string]bool{}
	for k := len(forms) - 1; k >= 0; k-- {
		for _, m := range forms[k].Meta {
			if !seen[m.Name] {
				seen[m.Name] = true
				t.cols = append(t.cols, rawColumn{name: m.Name, meta: true})
			}
		}
	}
	for i := range t.form.Questions {
		q := &t.form.Questions[i]
		if q.Type == survey.Note {
			continue
		}
		t.cols = append(t.cols, rawColumn{name: q.Name, q: q, number: q.Type == survey.Integer || q.Type == survey.Decimal || q.Type == survey.Range})
		if q.Type == survey.SelectMultiple {
			for _, c := range t.form.Options(q) {
				t.cols = append(t.cols, rawColumn{name: q.Name + "/" + c.Name, q: q, choice: c.Name, number: true})
			}
		}
	}
	t.cols = append(t.cols, rawColumn{name: colID, number: true}, rawColumn{name: colUUID}, rawColumn{name: colSubmission},
		rawColumn{name: colVersion}, rawColumn{name: colIndex, number: true}, rawColumn{name: colVillage}, rawColumn{name: colGroupSize, number: true})
	return t, nil
}

// unionForm is every version's questions in one form: the newest
// version's, in its order, with the questions only older versions had put
// back after the question they followed there; choice lists likewise
// merged, the newest labels first. Responses to any version count by
// question name against it.
func unionForm(forms []*survey.Form, rec survey.Record) *survey.Form {
	if len(forms) == 0 {
		return &survey.Form{ID: rec.FormID, Title: rec.Title, Choices: map[string][]survey.Choice{}}
	}
	newest := forms[len(forms)-1]
	u := *newest
	u.Questions = slices.Clone(newest.Questions)
	u.Choices = make(map[string][]survey.Choice, len(newest.Choices))
	for list, cs := range newest.Choices {
		u.Choices[list] = slices.Clone(cs)
	}
	for k := len(forms) - 2; k >= 0; k-- {
		f := forms[k]
		for i, q := range f.Questions {
			if _, ok := u.Question(q.Name); ok {
				continue
			}
			at := 0
			for j := i - 1; j >= 0; j-- {
				if p := slices.IndexFunc(u.Questions, func(x survey.Question) bool { return x.Name == f.Questions[j].Name }); p >= 0 {
					at = p + 1
					break
				}
			}
			u.Questions = slices.Insert(u.Questions, at, q)
		}
		for list, cs := range f.Choices {
			for _, c := range cs {
				if !slices.ContainsFunc(u.Choices[list], func(x survey.Choice) bool { return x.Name == c.Name }) {
					u.Choices[list] = append(u.Choices[list], c)
				}
			}
		}
	}
	if rec.Title != "" {
		u.Title = rec.Title
	}
	return &u
}

func (t *rawTable) header() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.name
	}
	return out
}

// row is one complete response as cells; index counts rows from 1.
func (t *rawTable) row(r survey.Response, index int, buf []string) []string {
	if len(buf) != len(t.cols) {
		buf = make([]string, len(t.cols))
	}
	for i, c := range t.cols {
		buf[i] = t.cell(c, r, index)
	}
	return buf
}

func (t *rawTable) cell(c rawColumn, r survey.Response, index int) string {
	if c.meta {
		return r.Answers[c.name].Value // filled by bmjbt, never personal data
	}
	if c.q == nil {
		switch c.name {
		case colID:
			return strconv.FormatInt(r.ID, 10)
		case colUUID:
			return r.UUID
		case colSubmission:
			return r.CompletedAt.In(monitoring.Bishkek).Format(submissionLayout)
		case colVersion:
			return t.versions[r.VersionID]
		case colIndex:
			return strconv.Itoa(index)
		case colVillage:
			return r.Village
		case colGroupSize:
			return strconv.Itoa(max(r.GroupSize, 1))
		}
		return ""
	}
	a, ok := r.Answers[c.q.Name]
	// A question not asked (not relevant) or left blank is blank, its
	// choice columns too: as KoBoToolbox writes an unanswered question.
	if !ok || !a.Asked || a.Value == "" {
		return ""
	}
	if c.choice != "" {
		if slices.Contains(strings.Fields(a.Value), c.choice) {
			return "1"
		}
		return "0"
	}
	if c.q.Type == survey.Text {
		// Typed by a resident: phone numbers and e-mail addresses masked,
		// as in the journal's exports, and never read as a formula.
		masked, _ := monitoring.MaskPersonal(a.Value)
		return inert(masked)
	}
	return a.Value
}

// WriteCSV writes the complete responses as KoBoToolbox exports them:
// ";"-separated, every field quoted, CRLF line ends, UTF-8 with a
// byte-order mark; one row per complete response, one column per question
// in its XLSForm name, a select_multiple also split into a 0/1 column per
// choice ("q/choice"), then the trailing columns. Rows are written as they
// come.
func (s SurveyResults) WriteCSV(w io.Writer, responses Responses) error {
	t, err := s.table()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	writeKoBoRow(bw, t.header())
	n := 0
	var buf []string
	err = responses(func(r survey.Response) error {
		if !r.Complete() {
			return nil
		}
		n++
		buf = t.row(r, n, buf)
		writeKoBoRow(bw, buf)
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// writeKoBoRow writes one row with every field quoted; bufio keeps the
// first write error for Flush.
func writeKoBoRow(w *bufio.Writer, cells []string) {
	for i, c := range cells {
		if i > 0 {
			w.WriteByte(';')
		}
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(c, `"`, `""`))
		w.WriteByte('"')
	}
	w.WriteString("\r\n")
}
