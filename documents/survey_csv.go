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
	Lang     monitoring.Lang // of the summary
	Invited  int             // residents invited (storage.DB.CountInvited)
	Date     time.Time       // the document's date
	// Labels, when set, heads the raw table's columns and writes choices
	// with labels in that language (KoBo's "labels" export); "" writes
	// XLSForm names (KoBo's "XML values and headers").
	Labels monitoring.Lang
	// Groups heads columns with their group path ("water/comment"), as
	// KoBo's "include groups in headers"; without it, names alone.
	Groups bool
	// Members are the group's members' names by id, for _submitted_by on
	// what a member recorded in field mode (a resident's is always blank).
	Members map[int64]string
	// Presiding signs the summary, as every document the group issues
	// (3.6): the chair, or the deputy as acting chair.
	Presiding monitoring.Signature
	// Recused are the members who took no part because of a conflict of
	// interest with what the survey monitors, or with the survey (6.3).
	Recused []string
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
	forms    map[int64]*survey.Form // version id → its form, to read a response by
	versions map[int64]string       // version id → the form's version, for __version__
	members  map[int64]string
	labels   string // the language of labels, "" for names
	groups   bool   // group paths in headers
	cols     []rawColumn
}

// rawColumn is one column: a question's answer, a choice of a
// select_multiple (0/1), a metadata row's, or one of KoBo's trailing
// columns (q nil, meta false).
type rawColumn struct {
	name   string // its header
	path   string // the answer it reads, by group path (a metadata row's name)
	meta   *survey.Meta
	q      *survey.Question
	choice string // select_multiple split: the choice's name
	kind   cellKind
}

// cellKind is how a column's cells are typed in a spreadsheet.
type cellKind int

const (
	textCell cellKind = iota
	numberCell
	dateCell     // YYYY-MM-DD
	dateTimeCell // ISO 8601 with an offset
	utcCell      // _submission_time: ISO 8601 in UTC, no offset, as KoBo writes it
)

// The trailing columns, as KoBoToolbox ends its exports, and bmjbt's two
// after them: the village and, in field mode, how many people a response
// stands for. No resident, chat or member ids: the table carries no
// personal data (_submitted_by names only the member who recorded it).
const (
	colID          = "_id"
	colUUID        = "_uuid"
	colSubmission  = "_submission_time"
	colStatus      = "_status"
	colSubmittedBy = "_submitted_by"
	colVersion     = "__version__"
	colIndex       = "_index"
	colVillage     = "_village"
	colGroupSize   = "_group_size"
)

// submissionLayout is KoBo's _submission_time: UTC, no offset.
const submissionLayout = "2006-01-02T15:04:05"

func (s SurveyResults) table() (*rawTable, error) {
	forms := make([]*survey.Form, 0, len(s.Versions))
	t := &rawTable{forms: map[int64]*survey.Form{}, versions: map[int64]string{}, members: s.Members, labels: string(s.Labels), groups: s.Groups}
	for _, v := range s.Versions {
		f, err := survey.LoadForm(v)
		if err != nil {
			return nil, err
		}
		forms = append(forms, f)
		t.forms[v.ID] = f
		t.versions[v.ID] = v.Version
	}
	t.form = unionForm(forms, s.Record)
	f := t.form
	// Survey order: each metadata row where it stood, among the questions.
	metaAt := map[int][]survey.Meta{}
	for _, m := range f.Meta {
		metaAt[m.At] = append(metaAt[m.At], m)
	}
	addMeta := func(at int) {
		for _, m := range metaAt[at] {
			kind := textCell
			switch m.Type {
			case "start", "end":
				kind = dateTimeCell
			case "today":
				kind = dateCell
			}
			t.cols = append(t.cols, rawColumn{name: m.Name, path: m.Name, meta: &m, kind: kind})
		}
	}
	for i := range f.Questions {
		addMeta(i)
		q := &f.Questions[i]
		if q.Name == colVersion {
			// KoBo's download adds the calculate __version__; its value is
			// the form's version, which the trailing __version__ column
			// has: KoBo's exports have it once, there.
			continue
		}
		path := f.PathOf(q)
		kind := textCell
		switch q.Type {
		case survey.Integer, survey.Decimal, survey.Range:
			kind = numberCell
		case survey.Date:
			kind = dateCell
		case survey.DateTime:
			kind = dateTimeCell
		}
		t.cols = append(t.cols, rawColumn{name: t.header(q, path, ""), path: path, q: q, kind: kind})
		if q.Type == survey.SelectMultiple {
			for _, c := range f.Options(q) {
				t.cols = append(t.cols, rawColumn{name: t.header(q, path, c.Name), path: path, q: q, choice: c.Name, kind: numberCell})
			}
		}
	}
	for at := len(f.Questions); len(metaAt) > 0 && at <= maxAt(metaAt); at++ {
		addMeta(at) // rows after the last question, and any a newer version moved
	}
	for _, c := range []rawColumn{{name: colID, kind: numberCell}, {name: colUUID}, {name: colSubmission, kind: utcCell}, {name: colStatus},
		{name: colSubmittedBy}, {name: colVersion}, {name: colIndex, kind: numberCell}, {name: colVillage}, {name: colGroupSize, kind: numberCell}} {
		t.cols = append(t.cols, c)
	}
	return t, nil
}

func maxAt(m map[int][]survey.Meta) int {
	n := 0
	for at := range m {
		n = max(n, at)
	}
	return n
}

// header is a question's column header: its name, or its group path
// when groups are wanted, and for a choice's column "/choice"; in labels
// mode the question's label (after its groups' labels when groups are
// wanted: KoBo's "hierarchy in labels") and the choice's label.
func (t *rawTable) header(q *survey.Question, path, choice string) string {
	if t.labels == "" {
		h := q.Name
		if t.groups {
			h = path
		}
		if choice != "" {
			return h + "/" + choice
		}
		return h
	}
	h := orName(q.Label.In(t.labels), q.Name) // a calculate has no label
	if t.groups {
		var labels []string
		for g := q.Group; g != ""; {
			grp, ok := t.form.Group(g)
			if !ok {
				break
			}
			labels = append([]string{orName(grp.Label.In(t.labels), grp.Name)}, labels...)
			g = grp.Parent
		}
		h = strings.Join(append(labels, h), "/")
	}
	if choice != "" {
		for _, c := range t.form.Options(q) {
			if c.Name == choice {
				return h + "/" + orName(c.Label.In(t.labels), c.Name)
			}
		}
		return h + "/" + choice
	}
	return h
}

func orName(label, name string) string {
	if label == "" {
		return name
	}
	return label
}

// unionForm is every version's questions in one form: the newest
// version's, in its order, with the questions only older versions had put
// back after the question they followed there; choice lists and metadata
// rows likewise merged, the newest labels first. Questions are matched by
// group path, so a response to any version finds its columns.
func unionForm(forms []*survey.Form, rec survey.Record) *survey.Form {
	if len(forms) == 0 {
		return &survey.Form{ID: rec.FormID, Title: rec.Title, Choices: map[string][]survey.Choice{}}
	}
	newest := forms[len(forms)-1]
	u := *newest
	u.Questions = slices.Clone(newest.Questions)
	for i := range u.Questions {
		u.Questions[i].Path = newest.PathOf(&u.Questions[i])
	}
	u.Meta = slices.Clone(newest.Meta)
	u.Choices = make(map[string][]survey.Choice, len(newest.Choices))
	for list, cs := range newest.Choices {
		u.Choices[list] = slices.Clone(cs)
	}
	at := func(path string) int {
		return slices.IndexFunc(u.Questions, func(x survey.Question) bool { return x.Path == path })
	}
	for k := len(forms) - 2; k >= 0; k-- {
		f := forms[k]
		for i := range f.Questions {
			q := f.Questions[i]
			q.Path = f.PathOf(&f.Questions[i])
			if at(q.Path) >= 0 {
				continue
			}
			pos := 0
			for j := i - 1; j >= 0; j-- {
				if p := at(f.PathOf(&f.Questions[j])); p >= 0 {
					pos = p + 1
					break
				}
			}
			u.Questions = slices.Insert(u.Questions, pos, q)
			for m := range u.Meta {
				if u.Meta[m].At > pos {
					u.Meta[m].At++
				}
			}
		}
		for _, m := range f.Meta {
			if !slices.ContainsFunc(u.Meta, func(x survey.Meta) bool { return x.Name == m.Name }) {
				u.Meta = append(u.Meta, m)
			}
		}
		for list, cs := range f.Choices {
			for _, c := range cs {
				if !slices.ContainsFunc(u.Choices[list], func(x survey.Choice) bool { return x.Name == c.Name }) {
					u.Choices[list] = append(u.Choices[list], c)
				}
			}
		}
	}
	// Keys as the union stands: a name two of its questions share (say, a
	// question moved into a group) is kept apart by path.
	count := map[string]int{}
	for _, q := range u.Questions {
		count[q.Name]++
	}
	for _, m := range u.Meta {
		count[m.Name]++
	}
	for i := range u.Questions {
		u.Questions[i].Shared = count[u.Questions[i].Name] > 1
	}
	if rec.Title != "" {
		u.Title = rec.Title
	}
	return &u
}

// inUnion is a response with its answers keyed as the union form keys
// them, whichever version it answered: what the summary counts.
func (t *rawTable) inUnion(r survey.Response) survey.Response {
	paths := t.byPath(r)
	answers := make(map[string]survey.Answer, len(paths))
	for _, m := range t.form.Meta {
		if a, ok := paths[m.Name]; ok {
			answers[m.Name] = a
		}
	}
	for i := range t.form.Questions {
		q := &t.form.Questions[i]
		if a, ok := paths[q.Path]; ok {
			answers[q.Key()] = a
		}
	}
	r.Answers = answers
	return r
}

func (t *rawTable) headers() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.name
	}
	return out
}

// byPath reads a response's answers by group path, through the form of
// its own version (where a name's key may differ from the newest's).
func (t *rawTable) byPath(r survey.Response) map[string]survey.Answer {
	f := t.forms[r.VersionID]
	if f == nil {
		return r.Answers // a version the table was not given: keys as they are
	}
	out := make(map[string]survey.Answer, len(r.Answers))
	for _, m := range f.Meta {
		if a, ok := r.Answers[m.Name]; ok {
			out[m.Name] = a
		}
	}
	for i := range f.Questions {
		q := &f.Questions[i]
		if a, ok := r.Answers[q.Key()]; ok {
			out[f.PathOf(q)] = a
		}
	}
	return out
}

// row is one complete response as cells; index counts rows from 1.
func (t *rawTable) row(r survey.Response, index int, buf []string) []string {
	if len(buf) != len(t.cols) {
		buf = make([]string, len(t.cols))
	}
	answers := t.byPath(r)
	for i, c := range t.cols {
		buf[i] = t.cell(c, r, answers, index)
	}
	return buf
}

func (t *rawTable) cell(c rawColumn, r survey.Response, answers map[string]survey.Answer, index int) string {
	if c.meta != nil {
		return answers[c.path].Value // filled by bmjbt, never personal data
	}
	if c.q == nil {
		switch c.name {
		case colID, colIndex:
			// 1…N as KoBo numbers them: the database's ids would tell how
			// many responses other surveys had.
			return strconv.Itoa(index)
		case colUUID:
			return r.UUID
		case colSubmission:
			return r.CompletedAt.UTC().Format(submissionLayout)
		case colStatus:
			// KoBo writes how a submission came (submitted_via_web); here
			// the channel: telegram, whatsapp, console, or field (recorded
			// by a member).
			if r.Channel == "" {
				return ""
			}
			return "submitted_via_" + r.Channel
		case colSubmittedBy:
			if r.Channel == "field" {
				return t.members[r.MemberID]
			}
			return "" // a resident: never a name, phone or chat id
		case colVersion:
			return t.versions[r.VersionID]
		case colVillage:
			return r.Village
		case colGroupSize:
			return strconv.Itoa(max(r.GroupSize, 1))
		}
		return ""
	}
	a, ok := answers[c.path]
	// A question not asked (not relevant) or left blank is blank, its
	// choice columns too: as KoBoToolbox writes an unanswered question.
	// A calculate is never asked but has its value.
	if !ok || (!a.Asked && c.q.Type != survey.Calculate) || a.Value == "" {
		return ""
	}
	if c.choice != "" {
		if slices.Contains(strings.Fields(a.Value), c.choice) {
			return "1"
		}
		return "0"
	}
	switch c.q.Type {
	case survey.Text:
		// Typed by a resident: phone numbers and e-mail addresses masked,
		// as in the journal's exports, and never read as a formula.
		masked, _ := monitoring.MaskPersonal(a.Value)
		return inert(masked)
	case survey.SelectOne, survey.SelectMultiple:
		if t.labels != "" {
			return t.choiceLabels(c.q, a.Value)
		}
	}
	return a.Value
}

// choiceLabels writes chosen names as their labels, space-separated as
// KoBo's labels export does.
func (t *rawTable) choiceLabels(q *survey.Question, value string) string {
	names := strings.Fields(value)
	for i, n := range names {
		for _, c := range t.form.Options(q) {
			if c.Name == n {
				names[i] = orName(c.Label.In(t.labels), n)
			}
		}
	}
	return strings.Join(names, " ")
}

// WriteCSV writes the complete responses as KoBoToolbox exports them:
// ";"-separated, every field quoted, CRLF line ends, UTF-8 without a
// byte-order mark (as KoBo's: a script reading it as UTF-8 would find the
// mark glued to the first column's name; Excel users take the XLSX); one row per complete response, one column per question
// in its XLSForm name, a select_multiple also split into a 0/1 column per
// choice ("q/choice"), then the trailing columns. Rows are written as they
// come.
func (s SurveyResults) WriteCSV(w io.Writer, responses Responses) error {
	t, err := s.table()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	writeKoBoRow(bw, t.headers())
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
