package survey

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// QuestionType is the kind of a question, named as XLSForm names it.
type QuestionType string

// The question types bmjbt can ask in a chat. XLSForm has more (photos,
// locations, repeats…); those are refused at import rather than half-run.
const (
	SelectOne      QuestionType = "select_one"
	SelectMultiple QuestionType = "select_multiple"
	Integer        QuestionType = "integer"
	Decimal        QuestionType = "decimal"
	Text           QuestionType = "text"
	Note           QuestionType = "note"
	Date           QuestionType = "date"
	Calculate      QuestionType = "calculate"
	Acknowledge    QuestionType = "acknowledge"
	// Range is a number from start to end in steps (its parameters):
	// KoBo's rating sliders, asked as buttons when they are few.
	Range QuestionType = "range"
	// Time and DateTime are typed as people write them and kept as ODK
	// keeps them ("14:30:00.000+06:00", "2026-10-14T14:30:00.000+06:00").
	Time     QuestionType = "time"
	DateTime QuestionType = "dateTime"
	// Geopoint is a place: a location shared in the chat, or "lat lon"
	// typed, kept as ODK keeps it ("42.87 74.59 0 0").
	Geopoint QuestionType = "geopoint"
)

// DefaultLang is the language key of a plain `label` column when the form's
// settings name no default_language (pyxform calls it "default" too).
const DefaultLang = "default"

// Translations is one text in several languages: language code ("ky",
// "ru", or DefaultLang) → text.
type Translations map[string]string

// In gives the text in lang, else in Kyrgyz (the municipality's default
// and fallback), Russian, the form's unnamed default language, and last
// in any language there is, so a resident never gets an empty prompt.
func (t Translations) In(lang string) string {
	for _, l := range []string{lang, "ky", "ru", DefaultLang} {
		if s := t[l]; shown(s) {
			return s
		}
	}
	keys := make([]string, 0, len(t))
	for l, s := range t {
		if shown(s) {
			keys = append(keys, l)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	return t[keys[0]]
}

// shown reports whether a text is one to show: KoBo writes "-" in a
// language's column left for later.
func shown(s string) bool { return s != "" && s != "-" }

// Form is a questionnaire as bmjbt runs it: an XLSForm's survey, choices
// and settings, with groups flattened into the questions they hold.
type Form struct {
	ID              string `json:"id"`
	Title           string `json:"title"`
	Version         string `json:"version,omitempty"`
	DefaultLanguage string `json:"default_language,omitempty"`
	// Languages are the codes the form has texts in, in the order its
	// columns came; DefaultLang stands for plain columns without one.
	Languages []string   `json:"languages"`
	Groups    []Group    `json:"groups,omitempty"`
	Questions []Question `json:"questions"`
	// Choices are the answer options per list name.
	Choices map[string][]Choice `json:"choices,omitempty"`
	// Meta are the form's metadata rows (start, end, today, deviceid…):
	// nothing asked, filled by bmjbt (see FillMeta).
	Meta []Meta `json:"meta,omitempty"`
	// Warnings say what the reader passed over (sheets and columns bmjbt
	// does not read), for the operator; not kept with the form.
	Warnings []string `json:"-"`
}

// Group is a group of questions. Its relevant is already AND-ed into each
// question it holds; the group itself is kept for field mode, where a
// member goes through a paper questionnaire section by section.
type Group struct {
	Name       string       `json:"name"`
	Label      Translations `json:"label,omitempty"`
	Appearance string       `json:"appearance,omitempty"`
	Parent     string       `json:"parent,omitempty"` // the enclosing group, "" at the top
}

// Question is one row of the survey sheet. Relevant already includes the
// relevant of every group around it, as "(group) and (question)".
type Question struct {
	Type              QuestionType `json:"type"`
	Name              string       `json:"name"`
	Group             string       `json:"group,omitempty"` // the innermost group, "" at the top
	Label             Translations `json:"label,omitempty"`
	Hint              Translations `json:"hint,omitempty"`
	ConstraintMessage Translations `json:"constraint_message,omitempty"`
	RequiredMessage   Translations `json:"required_message,omitempty"`
	Required          bool         `json:"required,omitempty"`
	RequiredIf        string       `json:"required_if,omitempty"` // a condition in the required column
	Relevant          string       `json:"relevant,omitempty"`
	Constraint        string       `json:"constraint,omitempty"`
	Calculation       string       `json:"calculation,omitempty"`
	ChoiceFilter      string       `json:"choice_filter,omitempty"`
	Default           string       `json:"default,omitempty"`
	Appearance        string       `json:"appearance,omitempty"`
	Parameters        string       `json:"parameters,omitempty"` // range: "start=1 end=5 step=1"
	ListName          string       `json:"list_name,omitempty"`  // selects only
	// OrOther: the list got the choice "other" and the form the text
	// question <name>_other, asked when "other" is chosen.
	OrOther bool `json:"or_other,omitempty"`
	// Path is the name with its groups ("water/comment"; forms imported
	// before group paths leave it empty: see Form.PathOf). Shared says
	// another question (or metadata row) of the form has the same name,
	// so the answer is kept under Path rather than Name: see Key.
	Path   string `json:"path,omitempty"`
	Shared bool   `json:"shared,omitempty"`
	// Trigger names the question whose change sets this one to its
	// calculation (ODK's setvalue on xforms-value-changed); the
	// calculation is then not recomputed otherwise. Without a label the
	// question is a hidden value.
	Trigger string `json:"trigger,omitempty"`
	// ReadOnly: shown with its value (a calculation, a default or a
	// trigger's), never asked.
	ReadOnly bool `json:"read_only,omitempty"`
}

// Choice is one answer option of a list. Extra keeps the choices sheet's
// other columns (e.g. "village"), which a choice_filter reads by name.
type Choice struct {
	Name  string            `json:"name"`
	Label Translations      `json:"label,omitempty"`
	Extra map[string]string `json:"extra,omitempty"`
}

// Meta is one metadata row: its type, the name of its column, and where
// it stood: At questions came before it (0, the top, in forms imported
// before it was kept).
type Meta struct {
	Type string `json:"type"`
	Name string `json:"name"`
	At   int    `json:"at,omitempty"`
}

// Key is what q's answer is kept under in a response: its name, unless
// the name is shared with a question in another group, then its group path
// (pyxform requires only siblings to differ). A ${name} in an expression
// is a key: a shared name is refused there as ambiguous.
func (q *Question) Key() string {
	if q.Shared && q.Path != "" {
		return q.Path
	}
	return q.Name
}

// Question finds a question by its key (see Question.Key).
func (f *Form) Question(key string) (*Question, bool) {
	for i := range f.Questions {
		if f.Questions[i].Key() == key {
			return &f.Questions[i], true
		}
	}
	return nil, false
}

// PathOf is q's name with its groups, outermost first ("water/comment"),
// as KoBo's exports head a column with groups shown.
func (f *Form) PathOf(q *Question) string {
	if q.Path != "" {
		return q.Path
	}
	return strings.Join(append(groupPath(f, q.Group), q.Name), "/")
}

// Group finds a group by its name.
func (f *Form) Group(name string) (*Group, bool) {
	for i := range f.Groups {
		if f.Groups[i].Name == name {
			return &f.Groups[i], true
		}
	}
	return nil, false
}

// Options are the choices a select question offers (before any
// choice_filter, which needs the answers so far).
func (f *Form) Options(q *Question) []Choice {
	if q.ListName == "" {
		return nil
	}
	return f.Choices[q.ListName]
}

// Introduction checks that the form opens with its introduction: a note
// in Kyrgyz and in Russian that says who runs the survey, why, how the
// answers are used, that they are anonymous, how long it is and how to
// stop. Every respondent reads it first, so a survey without one is not
// opened.
func (f *Form) Introduction() error {
	for _, q := range f.Questions {
		if q.Type == Calculate {
			continue
		}
		if q.Type == Note && q.Relevant == "" && q.Label["ky"] != "" && q.Label["ru"] != "" {
			return nil
		}
		break
	}
	return fmt.Errorf("form %s does not open with an introduction: make its first row a note (label::Kyrgyz (ky) and label::Russian (ru)) that says who runs the survey, why, how the answers are used, that they are anonymous, how many questions there are and that /stop ends it", f.ID)
}

// ForImport gives what storage.ImportSurvey takes: the survey's record
// (a new survey in draft, or matched by form id) and this version of its
// form, kept as JSON so each response can be read with the form it had.
func (f *Form) ForImport(municipality string) (*Record, *Version, error) {
	data, err := json.Marshal(f)
	if err != nil {
		return nil, nil, fmt.Errorf("encode form %s: %w", f.ID, err)
	}
	return &Record{Municipality: municipality, FormID: f.ID, Title: f.Title},
		&Version{Version: f.Version, Form: data}, nil
}

// LoadForm reads back the form a version keeps.
func LoadForm(v Version) (*Form, error) {
	var f Form
	if err := json.Unmarshal(v.Form, &f); err != nil {
		return nil, fmt.Errorf("decode form of survey %d version %q: %w", v.SurveyID, v.Version, err)
	}
	return &f, nil
}

// Range reads a range question's parameters ("start=1 end=5 step=1",
// ODK's defaults 1, 10 and 1): the numbers it takes.
func (q *Question) Range() (start, end, step float64, err error) {
	start, end, step = 1, 10, 1
	for _, p := range strings.Fields(strings.ReplaceAll(q.Parameters, ";", " ")) {
		k, v, ok := strings.Cut(p, "=")
		x, perr := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || perr != nil {
			return 0, 0, 0, fmt.Errorf("parameters: %q is not name=number", p)
		}
		switch strings.TrimSpace(k) {
		case "start":
			start = x
		case "end":
			end = x
		case "step":
			step = x
		}
	}
	if step <= 0 || end < start || (end-start)/step > 1000 {
		return 0, 0, 0, fmt.Errorf("parameters: a range from %v to %v in steps of %v cannot be asked", start, end, step)
	}
	return start, end, step, nil
}

// Steps are a range's numbers, as answers are stored ("1", "2.5").
func (q *Question) Steps() []string {
	start, end, step, err := q.Range()
	if err != nil {
		return nil
	}
	var out []string
	for i := 0; start+float64(i)*step <= end+1e-9; i++ {
		out = append(out, strconv.FormatFloat(start+float64(i)*step, 'f', -1, 64))
	}
	return out
}
