package expr

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
)

// maxDepth bounds nesting (parentheses, calls, unary minus), so a hostile
// or broken cell cannot exhaust the stack; real forms nest a few levels.
const maxDepth = 64

// parser is a recursive-descent parser, one method per level of XPath's
// precedence, loosest first: or, and, equality, relational, additive,
// multiplicative, unary.
type parser struct {
	src      string
	toks     []token
	i        int
	depth    int
	refs     []string
	columns  []string
	volatile bool
}

func (p *parser) parse() (node, error) {
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t, "an operator or the end")
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// word reports whether the next token is the operator word w. Operator
// words are only recognised where an operator may stand, so a choice
// column may still be called "mod".
func (p *parser) word(w string) bool {
	t := p.peek()
	return t.kind == tName && t.text == w
}

func (p *parser) or() (node, error) {
	l, err := p.and()
	for err == nil && p.word("or") {
		p.next()
		var r node
		if r, err = p.and(); err == nil {
			l = logic{or: true, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) and() (node, error) {
	l, err := p.equality()
	for err == nil && p.word("and") {
		p.next()
		var r node
		if r, err = p.equality(); err == nil {
			l = logic{l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) equality() (node, error) {
	l, err := p.relational()
	for err == nil && (p.peek().kind == tEq || p.peek().kind == tNeq) {
		op := p.next().kind
		var r node
		if r, err = p.relational(); err == nil {
			l = equals{not: op == tNeq, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) relational() (node, error) {
	l, err := p.additive()
	for err == nil {
		op := p.peek().kind
		if op != tLt && op != tLte && op != tGt && op != tGte {
			break
		}
		p.next()
		var r node
		if r, err = p.additive(); err == nil {
			l = compare{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) additive() (node, error) {
	l, err := p.multiplicative()
	for err == nil && (p.peek().kind == tPlus || p.peek().kind == tMinus) {
		op := opAdd
		if p.next().kind == tMinus {
			op = opSub
		}
		var r node
		if r, err = p.multiplicative(); err == nil {
			l = arith{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) multiplicative() (node, error) {
	l, err := p.unary()
	for err == nil {
		var op arithOp
		switch {
		case p.peek().kind == tStar:
			op = opMul
		case p.word("div"):
			op = opDiv
		case p.word("mod"):
			op = opMod
		default:
			return l, nil
		}
		p.next()
		var r node
		if r, err = p.unary(); err == nil {
			l = arith{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) unary() (node, error) {
	if p.peek().kind != tMinus {
		return p.step()
	}
	t := p.next()
	if err := p.enter(t); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	return neg{x}, nil
}

// step reads an operand and refuses what XPath would let follow it: a
// path step or a predicate, neither of which has a meaning without an XML
// instance to walk.
func (p *parser) step() (node, error) {
	n, err := p.primary()
	if err != nil {
		return nil, err
	}
	switch t := p.peek(); t.kind {
	case tSlash, tDSlash:
		return nil, unsupportedAt(p.src, t.pos, "unsupported path step "+p.pathText(t))
	case tLBracket:
		return nil, unsupportedAt(p.src, t.pos, "unsupported predicate [...]")
	}
	return n, nil
}

func (p *parser) primary() (node, error) {
	t := p.next()
	switch t.kind {
	case tNumber:
		n, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, errAt(p.src, t.pos, fmt.Sprintf("number %s is out of range", t.text))
		}
		return literal{numVal(n)}, nil
	case tString:
		return literal{strVal(t.text)}, nil
	case tRef:
		if !slices.Contains(p.refs, t.text) {
			p.refs = append(p.refs, t.text)
		}
		return ref{t.text}, nil
	case tDot:
		return current{}, nil
	case tLParen:
		if err := p.enter(t); err != nil {
			return nil, err
		}
		defer p.leave()
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, p.unexpected(c, "')'")
		}
		return n, nil
	case tName:
		switch p.peek().kind {
		case tLParen:
			return p.call(t)
		case tAxis:
			return nil, unsupportedAt(p.src, t.pos, fmt.Sprintf("unsupported axis %s::", t.text))
		case tColon:
			if full, ok := p.prefixedCall(t); ok {
				return p.call(full)
			}
			return nil, p.prefixed(t)
		}
		if !slices.Contains(p.columns, t.text) {
			p.columns = append(p.columns, t.text)
		}
		return column{t.text}, nil
	case tSlash, tDSlash, tDotDot, tAt, tStar:
		return nil, unsupportedAt(p.src, t.pos, "unsupported path "+p.pathText(t)+" (refer to a question as ${name})")
	case tDollar:
		return nil, unsupportedAt(p.src, t.pos, fmt.Sprintf("unsupported variable %s (refer to a question as ${name})", t.text))
	}
	return nil, p.unexpected(t, "a value")
}

// prefixedCall reads the colon and name of a supported prefixed function,
// jr:choice-name(, and gives the whole name as one token.
func (p *parser) prefixedCall(prefix token) (token, bool) {
	if p.i+2 >= len(p.toks) {
		return token{}, false
	}
	name, open := p.toks[p.i+1], p.toks[p.i+2]
	full := prefix.text + ":" + name.text
	if name.kind != tName || open.kind != tLParen || name.pos != prefix.pos+len(prefix.text)+1 {
		return token{}, false
	}
	if _, ok := functions[full]; !ok {
		return token{}, false
	}
	p.i += 2
	return token{tName, full, prefix.pos}, true
}

// prefixed refuses a namespaced name other than jr:choice-name(), such as
// jr:itext(...), which needs the form's translations as an instance.
func (p *parser) prefixed(prefix token) error {
	p.next() // the colon
	if t := p.peek(); t.kind == tName {
		p.next()
		if p.peek().kind == tLParen {
			return unsupportedAt(p.src, prefix.pos, fmt.Sprintf("unsupported function %s:%s()", prefix.text, t.text))
		}
	}
	return unsupportedAt(p.src, prefix.pos, fmt.Sprintf("unsupported namespace prefix %s:", prefix.text))
}

func (p *parser) call(name token) (node, error) {
	f, ok := functions[name.text]
	if !ok {
		return nil, unsupportedAt(p.src, name.pos, fmt.Sprintf("unsupported function %s()", name.text))
	}
	open := p.next()
	if err := p.enter(open); err != nil {
		return nil, err
	}
	defer p.leave()
	var args []node
	if p.peek().kind != tRParen {
		for {
			a, err := p.or()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
	}
	if c := p.next(); c.kind != tRParen {
		return nil, p.unexpected(c, "',' or ')'")
	}
	if len(args) < f.min || f.max >= 0 && len(args) > f.max {
		return nil, errAt(p.src, name.pos, fmt.Sprintf("%s() takes %s, not %d", name.text, f.arity(), len(args)))
	}
	c := call{name: name.text, f: f, args: args}
	p.volatile = p.volatile || volatile[name.text]
	switch name.text {
	case "format-date", "format-date-time":
		// A literal pattern with a code ODK does not know fails in Collect:
		// stop it at import.
		if lit, ok := args[1].(literal); ok && lit.v.kind == KindString {
			if bad := badFormat(lit.v.str); bad != "" {
				return nil, errAt(p.src, name.pos, fmt.Sprintf("%s() pattern %q: unknown code %s", name.text, lit.v.str, bad))
			}
		}
	case "jr:choice-name":
		// '${q}' names the question whose choices label the value: a
		// reference the importer must check like any other.
		if lit, ok := args[1].(literal); ok && lit.v.kind == KindString {
			if q := questionName(lit.v.str); isName(q) && !slices.Contains(p.refs, q) {
				p.refs = append(p.refs, q)
			}
		}
	}
	if f.regex {
		// A literal pattern is compiled once, here, so a bad one stops the
		// import instead of quietly failing every answer.
		if lit, ok := args[1].(literal); ok && lit.v.kind == KindString {
			re, err := compileWhole(lit.v.str)
			if err != nil {
				return nil, errAt(p.src, name.pos, fmt.Sprintf("regex() pattern %q: %v", lit.v.str, err))
			}
			c.re = re
		}
	}
	return c, nil
}

// compileWhole compiles a regex() pattern so it must match the whole
// value, as ODK Collect does (Java's String.matches).
func compileWhole(pattern string) (*regexp.Regexp, error) {
	return regexp.Compile(`^(?:` + pattern + `)$`)
}

func (p *parser) enter(t token) error {
	p.depth++
	if p.depth > maxDepth {
		return errAt(p.src, t.pos, fmt.Sprintf("nested more than %d levels deep", maxDepth))
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// pathText is the source text of the location path starting at token
// from, to name it in an error.
func (p *parser) pathText(from token) string {
	i := slices.IndexFunc(p.toks, func(t token) bool { return t.pos == from.pos })
	start, end := from.pos, from.pos
	for ; i >= 0 && i < len(p.toks); i++ {
		t := p.toks[i]
		switch t.kind {
		case tSlash, tDSlash, tName, tDot, tDotDot, tAt, tStar, tAxis, tColon:
			end = t.pos + len(t.text)
			continue
		}
		break
	}
	return p.src[start:end]
}

// unexpected describes a token that cannot stand where it is; tokens that
// are valid XPath but not supported here say so.
func (p *parser) unexpected(t token, want string) error {
	switch t.kind {
	case tEOF:
		return errAt(p.src, t.pos, fmt.Sprintf("the expression ends where %s was expected", want))
	case tPipe:
		return unsupportedAt(p.src, t.pos, "unsupported union |")
	case tLBracket:
		return unsupportedAt(p.src, t.pos, "unsupported predicate [...]")
	case tSlash, tDSlash:
		return unsupportedAt(p.src, t.pos, "unsupported path step "+p.pathText(t))
	case tString:
		return errAt(p.src, t.pos, fmt.Sprintf("unexpected string %q where %s was expected", t.text, want))
	case tRef:
		return errAt(p.src, t.pos, fmt.Sprintf("unexpected ${%s} where %s was expected", t.text, want))
	}
	return errAt(p.src, t.pos, fmt.Sprintf("unexpected %q where %s was expected", t.text, want))
}
