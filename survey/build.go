package survey

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// place names where a field of a row is, for errors: on a spreadsheet
// `survey sheet, row 7, column C "type"`, in YAML `question "water",
// field "type" (line 12)`.
type place func(field string) string

// rawForm is a form as a reader found it, cells as text, before any
// check: both readers (XLSForm and YAML) and the built-in forms go through
// the one builder, so they accept and refuse the same things.
type rawForm struct {
	warnings []string // what the reader passed over
	settings rawSettings
	rows     []rawRow
	choices  []rawChoice
	// choiceColumns are the choices' extra columns, which a choice_filter
	// may name; languages the languages of text columns, in their order.
	choiceColumns map[string]bool
	languages     []string
	// choicesAt says where lists are ("the choices sheet"); noChoices why
	// a list cannot be found when there are none ("the workbook has no
	// choices sheet").
	choicesAt, noChoices string
	surveyAt             string // where the questions are, e.g. "survey sheet"
	opts                 ReadOptions
}

type rawSettings struct {
	id, title, version, defaultLanguage string
	at                                  place
}

// rawRow is one survey row. cells hold the plain columns by their XLSForm
// names (relevant, required…); texts the translatable ones (label, hint,
// constraint_message, required_message), already keyed by language.
type rawRow struct {
	typ, name string
	cells     map[string]string
	texts     map[string]Translations
	at        place
}

type rawChoice struct {
	list, name string
	label      Translations
	extra      map[string]string
	at         place
}

// Translatable columns of the survey sheet.
const (
	colLabel             = "label"
	colHint              = "hint"
	colConstraintMessage = "constraint_message"
	colRequiredMessage   = "required_message"
)

// namePattern is an XML name without a colon, as pyxform requires of
// names: the XForm and KoBo's exports use them as element names.
var namePattern = regexp.MustCompile(`^[\p{L}_][\p{L}\p{N}_.-]*$`)

// builder turns a rawForm into a Form, collecting every problem.
type builder struct {
	raw       *rawForm
	f         *Form
	p         problems
	names     map[string]string // sibling scope + name → where first used (see claim)
	groupsAt  map[string]string // group names → where first used
	metaAt    map[string]string // metadata names → where first used
	groups    []openGroup
	checks    []check
	generated []int // indexes of the <name>_other questions or_other added
	otherList map[string]bool
}

type openGroup struct {
	name, relevant string // relevant: the group's own, AND-ed with its parents'
	at             place
	repeat         bool
}

// check is an expression or text whose ${name}s are checked once every
// name is known (a relevant may refer to a later calculate).
type check struct {
	src, field string
	at         place
	expr       bool
	filterList string // for a choice_filter: the list whose columns it may name
}

func (raw *rawForm) build() (*Form, error) {
	b := &builder{raw: raw, f: &Form{}, names: map[string]string{}, groupsAt: map[string]string{},
		metaAt: map[string]string{}, otherList: map[string]bool{}}
	b.settings()
	b.choices()
	b.questions()
	b.orOther()
	b.keys()
	b.references()
	b.triggers()
	if !b.p.empty() {
		return nil, b.p.err()
	}
	b.finish()
	b.f.Warnings = raw.warnings
	return b.f, nil
}

func (b *builder) settings() {
	s := b.raw.settings
	f := b.f
	f.ID, f.Title, f.Version = s.id, s.title, s.version
	switch {
	case f.ID == "":
		b.p.add(s.at("form_id"), "no form_id: give the form a short id such as water_2026")
	case !namePattern.MatchString(f.ID):
		b.p.add(s.at("form_id"), "form_id %q is not a valid name (letters, digits, _ . -, not starting with a digit)", f.ID)
	}
	if f.Title == "" {
		f.Title = f.ID // as pyxform does
	}
	if s.defaultLanguage != "" {
		f.DefaultLanguage = parseLang(s.defaultLanguage)
	}
}

func (b *builder) choices() {
	b.f.Choices = map[string][]Choice{}
	seen := map[string]map[string]bool{}
	for _, c := range b.raw.choices {
		switch {
		case c.list == "":
			b.p.add(c.at("list_name"), "no list_name")
			continue
		case c.name == "":
			b.p.add(c.at("name"), "no name for this choice of list %q", c.list)
			continue
		case seen[c.list][c.name]:
			b.p.add(c.at("name"), "list %q has the choice %q twice", c.list, c.name)
			continue
		case len(c.label) == 0:
			b.p.add(c.at("label"), "choice %q of list %q has no label", c.name, c.list)
		}
		if seen[c.list] == nil {
			seen[c.list] = map[string]bool{}
		}
		seen[c.list][c.name] = true
		b.f.Choices[c.list] = append(b.f.Choices[c.list], Choice{Name: c.name, Label: c.label, Extra: c.extra})
		for _, text := range c.label {
			b.text(text, "label", c.at)
		}
	}
}

func (b *builder) questions() {
	for _, r := range b.raw.rows {
		t, err := parseType(r.typ)
		if err != nil {
			b.p.add(r.at("type"), "%v", err)
			continue
		}
		switch t.kind {
		case beginRepeat:
			// Refused, but kept open so that its end does not read as
			// a stray one.
			b.p.add(r.at("type"), "repeats are not supported yet")
			b.groups = append(b.groups, openGroup{repeat: true, at: r.at})
		case endRepeat, endGroup:
			b.end(r, t.kind == endRepeat)
		case beginGroup:
			b.begin(r)
		case questionRow:
			b.question(r, t)
		case metadataRow:
			if b.name(r) {
				if first, ok := b.metaAt[r.name]; ok {
					b.p.add(r.at("name"), "the name %q is already used (%s): metadata names are unique in the form", r.name, first)
				}
				b.metaAt[r.name] = r.at("name")
			}
			b.f.Meta = append(b.f.Meta, Meta{Type: t.meta, Name: r.name, At: len(b.f.Questions)})
		case mediaRow:
			b.media(r, t)
		}
	}
	for _, g := range b.groups {
		if !g.repeat {
			b.p.add(g.at("type"), "this group has no end group")
		}
	}
	if len(b.f.Questions) == 0 && b.p.empty() {
		b.p.add(b.raw.surveyAt, "the form has no questions")
	}
}

// media refuses a media question, or leaves it out when the operator asked
// so and it is not required: a required one would make every response
// incomplete.
func (b *builder) media(r rawRow, t parsedType) {
	required, err := parseYesNo(r.cells["required"])
	switch {
	case !b.raw.opts.SkipUnsupported:
		b.p.addErr(r.at("type"), &MediaError{Type: t.meta})
	case required || err != nil:
		b.p.add(r.at("type"), "the %s question %q is required, so it cannot be left out (bmjbt cannot ask it yet): make it optional or remove it", t.meta, r.name)
	default:
		b.raw.warnings = append(b.raw.warnings, fmt.Sprintf("%s: the %s question %q is left out", r.at("type"), t.meta, r.name))
	}
}

// name checks a question's, group's or metadata row's name and claims it
// among its siblings. As in pyxform, only siblings must differ: water/comment
// and roads/comment are two questions, whose answers are kept by their group
// path (see Question.Key). A group's name is unique in the whole form, as
// bmjbt finds groups by name; metadata names too, as they are filled by name.
func (b *builder) name(r rawRow) bool {
	switch {
	case r.name == "":
		b.p.add(r.at("name"), "no name")
	case !namePattern.MatchString(r.name):
		b.p.add(r.at("name"), "%q is not a valid name (letters, digits, _ . -, not starting with a digit)", r.name)
	default:
		first, ok := b.claim(b.scope(), r.name, r.at("name"))
		if !ok {
			b.p.add(r.at("name"), "the name %q is already used (%s)", r.name, first)
		}
		return ok
	}
	return false
}

// scope is the group path questions are now added to ("" at the top).
func (b *builder) scope() string {
	var path []string
	for _, g := range b.groups {
		if !g.repeat {
			path = append(path, g.name)
		}
	}
	return strings.Join(path, "/")
}

// claim takes name in scope for what is at where; when a sibling has it
// already, in any case (pyxform compares siblings' names ignoring case, so
// KoBo would refuse "Age" beside "age"), it gives where that one is.
func (b *builder) claim(scope, name, where string) (first string, ok bool) {
	k := scope + "/" + strings.ToLower(name)
	if first, taken := b.names[k]; taken {
		return first, false
	}
	b.names[k] = where
	return "", true
}

func (b *builder) begin(r rawRow) {
	if b.name(r) {
		if first, ok := b.groupsAt[r.name]; ok {
			b.p.add(r.at("name"), "the group name %q is already used (%s): give each group its own name", r.name, first)
		}
		b.groupsAt[r.name] = r.at("name")
	}
	parentRel, parent := "", ""
	if n := len(b.groups); n > 0 {
		parentRel, parent = b.groups[n-1].relevant, b.groups[n-1].name
	}
	own := r.cells["relevant"]
	b.expr(own, "relevant", r.at)
	b.texts(r)
	b.groups = append(b.groups, openGroup{name: r.name, relevant: and(parentRel, own), at: r.at})
	b.f.Groups = append(b.f.Groups, Group{Name: r.name, Label: r.texts[colLabel], Appearance: r.cells["appearance"], Parent: parent})
}

func (b *builder) end(r rawRow, repeat bool) {
	n := len(b.groups)
	if n == 0 {
		b.p.add(r.at("type"), "%q without a begin", r.typ)
		return
	}
	if b.groups[n-1].repeat != repeat {
		b.p.add(r.at("type"), "%q closes a block it did not open", r.typ)
	}
	b.groups = b.groups[:n-1]
}

// enclosing gives the innermost group's name and the relevant it passes down.
func (b *builder) enclosing() (group, relevant string) {
	for i := len(b.groups) - 1; i >= 0; i-- {
		if !b.groups[i].repeat {
			return b.groups[i].name, b.groups[i].relevant
		}
	}
	return "", ""
}

func (b *builder) question(r rawRow, t parsedType) {
	b.name(r)
	group, groupRel := b.enclosing()
	q := Question{
		Type: t.qtype, Name: r.name, Group: group, Path: pathJoin(b.scope(), r.name), ListName: t.list, OrOther: t.orOther,
		Label: r.texts[colLabel], Hint: r.texts[colHint],
		ConstraintMessage: r.texts[colConstraintMessage], RequiredMessage: r.texts[colRequiredMessage],
		Relevant: and(groupRel, r.cells["relevant"]), Constraint: r.cells["constraint"],
		Calculation: r.cells["calculation"], ChoiceFilter: r.cells["choice_filter"],
		Default: r.cells["default"], Appearance: r.cells["appearance"], Parameters: r.cells["parameters"],
	}
	if q.Type == Range {
		if _, _, _, err := q.Range(); err != nil {
			b.p.add(r.at("parameters"), "%v", err)
		}
	}
	b.triggerAndReadOnly(r, &q)
	required, err := parseYesNo(r.cells["required"])
	if err != nil {
		// A condition (KoBo's "custom logic"): required when it holds.
		q.RequiredIf = r.cells["required"]
		b.expr(q.RequiredIf, "required", r.at)
	}
	q.Required = required
	if len(q.Label) == 0 && q.Type != Calculate && q.Trigger == "" {
		b.p.add(r.at("label"), "question %q has no label", q.Name)
	}
	if q.Type == Calculate && q.Calculation == "" {
		b.p.add(r.at("calculation"), "calculate %q has no calculation", q.Name)
	}
	if strings.Contains(q.Appearance, "search(") {
		b.p.add(r.at("appearance"), "external choices (search()) are not supported yet: put the choices on the choices sheet")
	}
	if t.list != "" {
		b.list(r, &q)
	} else if q.ChoiceFilter != "" {
		b.p.add(r.at("choice_filter"), "choice_filter on a question that is not a select")
	}
	b.expr(r.cells["relevant"], "relevant", r.at)
	b.expr(q.Constraint, "constraint", r.at)
	b.expr(q.Calculation, "calculation", r.at)
	b.texts(r)
	if DynamicDefault(&q) {
		b.expr(q.Default, "default", r.at) // evaluated when a response starts
	} else {
		b.text(q.Default, "default", r.at)
	}
	if q.ChoiceFilter != "" {
		b.checks = append(b.checks, check{src: q.ChoiceFilter, field: "choice_filter", at: r.at, expr: true, filterList: q.ListName})
	}
	b.f.Questions = append(b.f.Questions, q)
	if q.OrOther {
		b.other(r, q)
	}
}

// list checks a select's list, and or_other against it.
func (b *builder) list(r rawRow, q *Question) {
	if _, ok := b.f.Choices[q.ListName]; !ok {
		if b.raw.noChoices != "" {
			b.p.add(r.at("type"), "list %q not found: %s", q.ListName, b.raw.noChoices)
		} else {
			b.p.add(r.at("type"), "list %q is not in %s", q.ListName, b.raw.choicesAt)
		}
		return
	}
	if !q.OrOther {
		return
	}
	if q.ChoiceFilter != "" {
		// pyxform refuses it too: the added "other" would have none of
		// the columns the filter reads.
		b.p.add(r.at("type"), "or_other cannot be used with a choice_filter: add a choice \"other\" to list %q and a text question instead", q.ListName)
	}
	for _, c := range b.f.Choices[q.ListName] {
		if c.Name == "other" {
			b.p.add(r.at("type"), "list %q already has a choice \"other\", which or_other adds: remove one of them", q.ListName)
		}
	}
	b.otherList[q.ListName] = true
}

// other adds the text question or_other asks when "other" is chosen. Its
// relevant includes the select's whole relevant (not only the groups'),
// so a form written out without group relevants reads back the same.
func (b *builder) other(r rawRow, q Question) {
	name := q.Name + "_other"
	if first, ok := b.claim(b.scope(), name, r.at("type")); !ok {
		b.p.add(r.at("type"), "or_other adds a question %q, but the name is already used (%s)", name, first)
		return
	}
	b.generated = append(b.generated, len(b.f.Questions))
	// The select is named by its key, which is its path when its name is
	// shared: settled in finish, once every name is known.
	b.f.Questions = append(b.f.Questions, Question{
		Type: Text, Name: name, Group: q.Group, Path: pathJoin(b.scope(), name),
		Relevant: and(q.Relevant, fmt.Sprintf("selected(${%s}, 'other')", otherOf)),
	})
}

// orOther adds the choice "other" to every list an or_other select uses.
func (b *builder) orOther() {
	for list := range b.otherList {
		b.f.Choices[list] = append(b.f.Choices[list], Choice{Name: "other"})
	}
}

func (b *builder) texts(r rawRow) {
	for _, col := range []string{colLabel, colHint, colConstraintMessage, colRequiredMessage} {
		for _, text := range r.texts[col] {
			b.text(text, col, r.at)
		}
	}
}

func (b *builder) expr(src, field string, at place) {
	if src != "" {
		b.checks = append(b.checks, check{src: src, field: field, at: at, expr: true})
	}
}

// text queues a label's or a default's ${name}s: ODK shows the answer there.
func (b *builder) text(src, field string, at place) {
	if strings.Contains(src, "${") {
		b.checks = append(b.checks, check{src: src, field: field, at: at})
	}
}

// otherOf stands for the select in an or_other question's relevant until
// finish puts the select's key there.
const otherOf = "\x00select"

// pathJoin is a name's group path: "water/comment", "comment" at the top.
func pathJoin(scope, name string) string {
	if scope == "" {
		return name
	}
	return scope + "/" + name
}

// and passes a group's relevant down to what it holds.
func and(outer, inner string) string {
	switch {
	case outer == "":
		return inner
	case inner == "":
		return outer
	}
	return "(" + outer + ") and (" + inner + ")"
}

// finish settles the languages and gives or_other's additions their texts
// in each of them.
func (b *builder) finish() {
	f := b.f
	used := map[string]bool{}
	note := func(t Translations) {
		for l := range t {
			used[l] = true
		}
	}
	for _, g := range f.Groups {
		note(g.Label)
	}
	for _, q := range f.Questions {
		note(q.Label)
		note(q.Hint)
		note(q.ConstraintMessage)
		note(q.RequiredMessage)
	}
	for _, cs := range f.Choices {
		for _, c := range cs {
			note(c.Label)
		}
	}
	for _, l := range b.raw.languages {
		if used[l] && !slices.Contains(f.Languages, l) {
			f.Languages = append(f.Languages, l)
		}
	}
	var rest []string
	for l := range used {
		if !slices.Contains(f.Languages, l) {
			rest = append(rest, l)
		}
	}
	slices.Sort(rest)
	f.Languages = append(f.Languages, rest...)

	for _, i := range b.generated {
		f.Questions[i].Label = translate(specifyOtherLabel, f.Languages)
		f.Questions[i].Relevant = strings.Replace(f.Questions[i].Relevant, otherOf, f.Questions[i-1].Key(), 1)
	}
	for list := range b.otherList {
		cs := f.Choices[list]
		cs[len(cs)-1].Label = translate(otherLabel, f.Languages)
	}
	b.pruneGroups()
}

// pruneGroups drops groups with no question in them (say, only metadata
// rows): nothing would show them, and a written form could not keep them.
func (b *builder) pruneGroups() {
	f := b.f
	parent := map[string]string{}
	for _, g := range f.Groups {
		parent[g.Name] = g.Parent
	}
	full := map[string]bool{}
	for _, q := range f.Questions {
		for g := q.Group; g != ""; g = parent[g] {
			full[g] = true
		}
	}
	f.Groups = slices.DeleteFunc(f.Groups, func(g Group) bool { return !full[g.Name] })
	if len(f.Groups) == 0 {
		f.Groups = nil
	}
}

// keys marks the questions whose name another question or metadata row
// also has: their answers are kept by group path. A form whose names are
// all unique keeps answers by name, as bmjbt always did, so responses
// stored before group paths read as they were.
func (b *builder) keys() {
	count := map[string]int{}
	for _, q := range b.f.Questions {
		count[q.Name]++
	}
	for _, m := range b.f.Meta {
		count[m.Name]++
	}
	for i := range b.f.Questions {
		b.f.Questions[i].Shared = count[b.f.Questions[i].Name] > 1
	}
}
