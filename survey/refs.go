package survey

import (
	"regexp"
	"strings"
	"unicode"

	"bmjbt/survey/expr"
)

var refPattern = regexp.MustCompile(`\$\{([^{}]*)\}`)

// refusedFunc finds the functions that need what bmjbt does not have:
// pulldata() and instance() read other files and lists of choices. They
// are refused with a word on repeats, before the parser refuses them too.
var refusedFunc = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_.:-])(pulldata|instance|indexed-repeat)\s*\(`)

// textRefs gives the ${names} in a text or an expression, in order.
func textRefs(src string) []string {
	var refs []string
	for _, m := range refPattern.FindAllStringSubmatch(src, -1) {
		refs = append(refs, strings.TrimSpace(m[1]))
	}
	return refs
}

// references checks every queued expression and text: each ${name} must
// be a question of the form, so a typo is caught at import and not in a
// resident's chat.
func (b *builder) references() {
	questions := make(map[string]bool, len(b.f.Questions))
	shared := map[string][]string{} // a shared name → the paths that have it
	for _, q := range b.f.Questions {
		questions[q.Name] = true
		if q.Shared {
			shared[q.Name] = append(shared[q.Name], q.Path)
		}
	}
	for _, c := range b.checks {
		where := c.at(c.field)
		if strings.Count(c.src, "${") != len(refPattern.FindAllString(c.src, -1)) {
			b.p.add(where, "a ${ is not closed with }")
			continue
		}
		refs := textRefs(c.src)
		if c.expr {
			if m := refusedFunc.FindStringSubmatch(c.src); m != nil {
				if m[1] == "indexed-repeat" {
					b.p.add(where, "repeats are not supported yet")
				} else {
					b.p.add(where, "%s() is not supported yet", m[1])
				}
				continue
			}
			e, err := expr.Parse(c.src)
			if err != nil {
				b.p.add(where, "%v", err)
				continue
			}
			refs = e.Refs()
			if cols := e.Columns(); c.filterList == "" && len(cols) > 0 {
				// A bare name means a choice's column only in a choice_filter;
				// elsewhere it is a question written without ${}.
				b.p.add(where, "%q is not an expression here: write ${%s} for the question, or 'yes' for a text", cols[0], cols[0])
				continue
			}
			if c.filterList != "" {
				b.filterColumns(c, where)
			}
		}
		for _, name := range refs {
			switch {
			case strings.Contains(name, "/"):
				b.p.add(where, "${%s}: write the question's name only, as pyxform reads it", name)
			case len(shared[name]) > 0:
				// As pyxform: which of them is meant cannot be told.
				b.p.add(where, "${%s} is ambiguous: %s have that name; give them different names", name, strings.Join(shared[name], " and "))
			case !questions[name]:
				b.p.add(where, "${%s} refers to no question", name)
			}
		}
	}
}

// Words of XPath that are not names of choice columns.
var xpathWords = map[string]bool{"and": true, "or": true, "div": true, "mod": true}

// filterColumns checks the bare names of a choice_filter: each is a column
// of the choices sheet (name, label or an extra one such as "village").
func (b *builder) filterColumns(c check, where string) {
	src := c.src
	for i := 0; i < len(src); {
		r := rune(src[i])
		switch {
		case r == '\'' || r == '"':
			end := strings.IndexByte(src[i+1:], src[i])
			if end < 0 {
				return // the parser, where there is one, says what is wrong
			}
			i += end + 2
		case strings.HasPrefix(src[i:], "${"):
			end := strings.IndexByte(src[i:], '}')
			if end < 0 {
				return
			}
			i += end + 1
		case r == '_' || unicode.IsLetter(r) || r >= 0x80:
			j := i
			for j < len(src) && isNameByte(src[j]) {
				j++
			}
			word := src[i:j]
			next := strings.TrimLeft(src[j:], " \t\n")
			if !strings.HasPrefix(next, "(") && !xpathWords[word] && !b.choiceColumn(word) {
				b.p.add(where, "choice_filter names the column %q, which the choices of list %q do not have", word, c.filterList)
			}
			i = j
		case unicode.IsDigit(r):
			for i < len(src) && (isNameByte(src[i]) || src[i] == '.') {
				i++
			}
		default:
			i++
		}
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c == ':' || c >= 0x80 ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

func (b *builder) choiceColumn(word string) bool {
	return word == "name" || word == "label" || b.raw.choiceColumns[word]
}
