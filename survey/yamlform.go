package survey

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"go.yaml.in/yaml/v3"
)

// ReadYAML reads a form written as YAML, for those without a spreadsheet.
// It is the XLSForm in another shape, read and checked by the same rules:
//
//	settings:
//	  form_id: water_2026          # required; letters, digits, _ . -
//	  title: Ичүүчү суу            # defaults to form_id
//	  version: "1"
//	  default_language: ky         # the language of texts given without one
//	questions:                     # in the order they are asked
//	  - type: select_one           # any XLSForm type, or "group"
//	    name: village              # unique in the form
//	    label:                     # a text, or a text per language
//	      ky: Кайсы айылда жашайсыз?
//	      ru: В каком селе вы живёте?
//	    hint: {ky: "…", ru: "…"}   # inside {…}, quote texts with ? or :
//	    required: yes
//	    relevant: ${consent} = 'yes'
//	    constraint: . > 0
//	    constraint_message: {ky: "…", ru: "…"}
//	    required_message: {ky: "…", ru: "…"}
//	    choice_filter: village = ${village}
//	    calculation: …             # for calculate
//	    default: …
//	    appearance: …
//	    or_other: yes              # adds the choice "other" and <name>_other
//	    list: villages             # the choice list; defaults to the name
//	    choices:                   # the list, once, where it is first used
//	      - name: masy
//	        label: {ky: Масы, ru: Масы}
//	        district: x            # any other key: a column for choice_filter
//	  - type: group
//	    name: details
//	    relevant: …                # passed down to each question inside
//	    questions: [ … ]
//
// Problems name the question, the field and the line.
func ReadYAML(r io.Reader) (*Form, error) { return ReadYAMLWith(r, ReadOptions{}) }

// ReadYAMLWith is ReadYAML with options.
func ReadYAMLWith(r io.Reader, o ReadOptions) (*Form, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(r).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("read YAML form: the file is empty")
		}
		return nil, fmt.Errorf("read YAML form: %w", err)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("read YAML form: line %d: expected a mapping with settings and questions", root.Line)
	}
	raw := &rawForm{surveyAt: "questions", choicesAt: "the choices of any question", choiceColumns: map[string]bool{}, opts: o}
	y := &yamlReader{raw: raw, listAt: map[string]string{}}
	var settings, questions *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch k, v := root.Content[i], root.Content[i+1]; k.Value {
		case "settings":
			settings = v
		case "questions":
			questions = v
		default:
			y.p.add(fmt.Sprintf("line %d", k.Line), "unknown key %q (a form has settings: and questions:)", k.Value)
		}
	}
	y.settings(settings, root)
	if questions == nil {
		y.p.add(fmt.Sprintf("line %d", root.Line), "no questions:")
	} else {
		y.questions(questions)
	}
	if !y.p.empty() {
		return nil, y.p.err()
	}
	if len(y.raw.choices) == 0 {
		y.raw.noChoices = "no question gives its choices"
	}
	return y.raw.build()
}

// yamlReader turns YAML nodes into the rows an XLSForm would have, so the
// builder checks both alike. Its own problems are the YAML's shape.
type yamlReader struct {
	raw       *rawForm
	p         problems
	plainLang string
	listAt    map[string]string // list name → the question that gave its choices
}

var questionKeys = []string{"type", "name", "label", "hint", "required", "required_message", "relevant", "constraint",
	"constraint_message", "calculation", "choice_filter", "default", "appearance", "list", "or_other", "choices", "questions", "parameters",
	"trigger", "read_only"}

// yamlPlace names a field of a mapping: `question "water", field "type" (line 12)`.
func yamlPlace(what string, n *yaml.Node) place {
	return func(field string) string {
		if k, _ := lookup(n, field); k != nil {
			return fmt.Sprintf("%s, field %q (line %d)", what, field, k.Line)
		}
		return fmt.Sprintf("%s (line %d)", what, n.Line)
	}
}

// lookup finds a key of a mapping and its value.
func lookup(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// scalar gives a field's text, or records that it is not text.
func (y *yamlReader) scalar(n *yaml.Node, field string, at place) string {
	_, v := lookup(n, field)
	if v == nil || (v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		y.p.add(at(field), "expected a text, not a list or a mapping")
		return ""
	}
	return cleanText(v.Value)
}

// texts gives a translatable field: one text (in the default language) or
// a mapping of language → text.
func (y *yamlReader) texts(n *yaml.Node, field string, at place) Translations {
	_, v := lookup(n, field)
	if v == nil {
		return nil
	}
	out := Translations{}
	switch v.Kind {
	case yaml.ScalarNode:
		if s := cleanText(v.Value); s != "" && v.Tag != "!!null" {
			out[y.plainLang] = s
			y.language(y.plainLang)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			lang, text := parseLang(v.Content[i].Value), v.Content[i+1]
			if text.Kind != yaml.ScalarNode {
				y.p.add(at(field), "expected a text for %q", v.Content[i].Value)
				continue
			}
			if s := cleanText(text.Value); s != "" {
				out[lang] = s
				y.language(lang)
			}
		}
	default:
		y.p.add(at(field), "expected a text, or a text per language such as {ky: …, ru: …}")
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (y *yamlReader) language(lang string) {
	if !slices.Contains(y.raw.languages, lang) {
		y.raw.languages = append(y.raw.languages, lang)
	}
}

func (y *yamlReader) settings(n, root *yaml.Node) {
	y.plainLang = DefaultLang
	if n == nil {
		y.raw.settings.at = func(string) string { return fmt.Sprintf("line %d: settings", root.Line) }
		return
	}
	at := yamlPlace("settings", n)
	if n.Kind != yaml.MappingNode {
		y.p.add(at(""), "expected form_id:, title:, version: and default_language:")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; !slices.Contains([]string{"form_id", "title", "form_title", "version", "default_language"}, k) {
			y.p.add(at(k), "unknown setting %q", k)
		}
	}
	s := rawSettings{at: at}
	s.id, s.version, s.defaultLanguage = y.scalar(n, "form_id", at), y.scalar(n, "version", at), y.scalar(n, "default_language", at)
	if s.title = y.scalar(n, "title", at); s.title == "" {
		s.title = y.scalar(n, "form_title", at)
	}
	if s.defaultLanguage != "" {
		y.plainLang = parseLang(s.defaultLanguage)
	}
	y.raw.settings = s
}

func (y *yamlReader) questions(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		y.p.add(fmt.Sprintf("questions (line %d)", n.Line), "expected a list of questions, each starting with \"- \"")
		return
	}
	for _, q := range n.Content {
		y.question(q)
	}
}

func (y *yamlReader) question(n *yaml.Node) {
	what := fmt.Sprintf("question at line %d", n.Line)
	if n.Kind != yaml.MappingNode {
		y.p.add(what, "expected a question with type:, name:, label:…")
		return
	}
	if _, v := lookup(n, "name"); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
		what = fmt.Sprintf("question %q", v.Value)
	}
	at := yamlPlace(what, n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; !slices.Contains(questionKeys, k) {
			y.p.add(at(k), "unknown field %q", k)
		}
	}
	row := rawRow{typ: y.scalar(n, "type", at), name: y.scalar(n, "name", at), cells: map[string]string{}, texts: map[string]Translations{}, at: at}
	for _, col := range []string{"relevant", "required", "constraint", "calculation", "choice_filter", "default", "appearance", "parameters", "trigger", "read_only"} {
		if v := y.scalar(n, col, at); v != "" {
			row.cells[col] = v
		}
	}
	for col := range translatable {
		if t := y.texts(n, col, at); t != nil {
			row.texts[col] = t
		}
	}
	_, children := lookup(n, "questions")
	switch row.typ {
	case "group", "begin group", "begin_group":
		row.typ = "begin group"
		y.raw.rows = append(y.raw.rows, row)
		if children != nil {
			y.questions(children)
		}
		y.raw.rows = append(y.raw.rows, rawRow{typ: "end group", at: at})
		return
	case "repeat":
		row.typ = "begin repeat" // refused by the builder, with its place
	}
	if children != nil {
		y.p.add(at("questions"), "only a group holds questions")
	}
	y.selectList(n, &row, what, at)
	y.raw.rows = append(y.raw.rows, row)
}

// selectList completes a select's type with its list (the list: field,
// else the question's name) and or_other, and reads the choices given.
func (y *yamlReader) selectList(n *yaml.Node, row *rawRow, what string, at place) {
	list := y.scalar(n, "list", at)
	orOther, err := parseYesNo(y.scalar(n, "or_other", at))
	if err != nil {
		y.p.add(at("or_other"), "or_other: %v", err)
	}
	if _, ok := selectTypes[row.typ]; ok {
		if list == "" {
			list = row.name
		}
		row.typ += " " + list
	} else if t, err := parseType(row.typ); err == nil && t.list != "" {
		list = t.list
		orOther = orOther && !t.orOther
	} else if list != "" || orOther {
		y.p.add(at("type"), "list: and or_other: are for select_one and select_multiple")
		return
	}
	if orOther {
		row.typ += " or_other"
	}
	_, choices := lookup(n, "choices")
	if choices == nil {
		return
	}
	if first, ok := y.listAt[list]; ok {
		y.p.add(at("choices"), "the choices of list %q are already given (%s): give them once", list, first)
		return
	}
	y.listAt[list] = at("choices")
	if choices.Kind != yaml.SequenceNode {
		y.p.add(at("choices"), "expected a list of choices, each with name: and label:")
		return
	}
	for _, c := range choices.Content {
		y.choice(c, list, what)
	}
}

// choice reads one choice; its problems name the question and the choice:
// `question "village", choice "masy", field "label" (line 14)`.
func (y *yamlReader) choice(n *yaml.Node, list, question string) {
	what := fmt.Sprintf("%s, choice at line %d", question, n.Line)
	if _, v := lookup(n, "name"); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
		what = fmt.Sprintf("%s, choice %q", question, v.Value)
	}
	if n.Kind != yaml.MappingNode {
		y.p.add(what, "expected a choice with name: and label:")
		return
	}
	at := yamlPlace(what, n)
	c := rawChoice{list: list, name: y.scalar(n, "name", at), label: y.texts(n, "label", at), at: at}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if k == "name" || k == "label" {
			continue
		}
		if v := y.scalar(n, k, at); v != "" {
			if c.extra == nil {
				c.extra = map[string]string{}
			}
			c.extra[k] = v
		}
		y.raw.choiceColumns[k] = true
	}
	y.raw.choices = append(y.raw.choices, c)
}
