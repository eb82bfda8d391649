package expr

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"bmjbt/monitoring"
)

// node is a parsed expression. eval never fails and never panics: XPath
// has no runtime errors for what we support, only NaN, "" and false.
type node interface {
	eval(env Env) Value
}

type literal struct{ v Value }

func (n literal) eval(Env) Value { return n.v }

// ref is ${name}; an unanswered question reads as "".
type ref struct{ name string }

func (n ref) eval(env Env) Value {
	s, _ := env.Lookup(n.name)
	return strVal(s)
}

// current is ".", the answer a constraint checks.
type current struct{}

func (current) eval(env Env) Value { return strVal(env.Current()) }

// column is a bare name: a column of the choice row in a choice_filter.
type column struct{ name string }

func (n column) eval(env Env) Value { return strVal(env.Column(n.name)) }

type neg struct{ x node }

func (n neg) eval(env Env) Value { return numVal(-n.x.eval(env).Number()) }

// logic is "and" or "or", evaluated left to right and no further than
// needed, so "${n} != 0 and 10 div ${n} > 2" reads the division only when
// it means something.
type logic struct {
	or   bool
	l, r node
}

func (n logic) eval(env Env) Value {
	if l := n.l.eval(env).Bool(); l == n.or {
		return boolVal(l)
	}
	return boolVal(n.r.eval(env).Bool())
}

// equals is "=" or "!=" (not set). XPath 1.0, section 3.4: booleans if
// either side is one, else numbers if either side is a number (a date
// counts as one), else strings. So an empty answer, NaN as a number,
// never equals 0.
type equals struct {
	not  bool
	l, r node
}

func (n equals) eval(env Env) Value {
	a, b := n.l.eval(env), n.r.eval(env)
	var eq bool
	switch {
	case a.kind == KindBoolean || b.kind == KindBoolean:
		eq = a.Bool() == b.Bool()
	case numeric(a) || numeric(b):
		eq = a.Number() == b.Number() // NaN equals nothing, so NaN != x holds
	default:
		eq = a.str == b.str
	}
	return boolVal(eq != n.not)
}

func numeric(v Value) bool { return v.kind == KindNumber || v.kind == KindDate }

// compare is "<", "<=", ">" or ">=": both sides as numbers, false when
// either is NaN, so "${age} > 18" is false while age is unanswered.
type compare struct {
	op   kind
	l, r node
}

func (n compare) eval(env Env) Value {
	a, b := n.l.eval(env).Number(), n.r.eval(env).Number()
	switch n.op {
	case tLt:
		return boolVal(a < b)
	case tLte:
		return boolVal(a <= b)
	case tGt:
		return boolVal(a > b)
	}
	return boolVal(a >= b)
}

type arithOp uint8

const (
	opAdd arithOp = iota
	opSub
	opMul
	opDiv
	opMod
)

// arith is "+", "-", "*", "div" or "mod" on numbers. Division by zero is
// IEEE's: Infinity, -Infinity or NaN; mod keeps the dividend's sign, as
// XPath's (and JavaScript's %) does.
type arith struct {
	op   arithOp
	l, r node
}

func (n arith) eval(env Env) Value {
	a, b := n.l.eval(env).Number(), n.r.eval(env).Number()
	switch n.op {
	case opAdd:
		return numVal(a + b)
	case opSub:
		return numVal(a - b)
	case opMul:
		return numVal(a * b)
	case opDiv:
		return numVal(a / b)
	}
	return numVal(math.Mod(a, b))
}

type call struct {
	name string
	f    function
	args []node
	re   *regexp.Regexp // regex() with a literal pattern, compiled by Parse
}

func (n call) eval(env Env) Value { return n.f.call(n, env) }

// function is one supported function: how many arguments it takes (max -1
// for any number) and what it does. Arguments are handed over unevaluated
// so if() and coalesce() evaluate only the one they give.
type function struct {
	min, max int
	regex    bool // the second argument is a pattern to compile at parse time
	call     func(c call, env Env) Value
}

func (f function) arity() string {
	switch {
	case f.min == f.max && f.min == 1:
		return "1 argument"
	case f.min == f.max:
		return strconv.Itoa(f.min) + " arguments"
	case f.max < 0:
		return "at least " + strconv.Itoa(f.min) + " arguments"
	case f.min == 0 && f.max == 1:
		return "at most 1 argument"
	}
	return strconv.Itoa(f.min) + " to " + strconv.Itoa(f.max) + " arguments"
}

// functions are the supported ones, by ODK's names. Anything else, such as
// pulldata(), position() or indexed-repeat(), is refused by Parse.
var functions = map[string]function{
	"true":  {0, 0, false, func(call, Env) Value { return boolVal(true) }},
	"false": {0, 0, false, func(call, Env) Value { return boolVal(false) }},
	"not": {1, 1, false, func(c call, env Env) Value {
		return boolVal(!c.args[0].eval(env).Bool())
	}},
	"boolean": {1, 1, false, func(c call, env Env) Value {
		return boolVal(c.args[0].eval(env).Bool())
	}},
	"number": {0, 1, false, func(c call, env Env) Value {
		return numVal(argOrCurrent(c, env).Number())
	}},
	"string": {0, 1, false, func(c call, env Env) Value {
		return strVal(argOrCurrent(c, env).String())
	}},
	"int": {1, 1, false, func(c call, env Env) Value {
		return numVal(math.Trunc(c.args[0].eval(env).Number()))
	}},
	"round": {1, 2, false, func(c call, env Env) Value {
		x, digits := c.args[0].eval(env).Number(), 0.0
		if len(c.args) == 2 {
			digits = c.args[1].eval(env).Number()
		}
		return numVal(round(x, digits))
	}},
	"string-length": {0, 1, false, func(c call, env Env) Value {
		return numVal(float64(utf8.RuneCountInString(argOrCurrent(c, env).String())))
	}},
	"concat": {0, -1, false, func(c call, env Env) Value {
		var b strings.Builder
		for _, a := range c.args {
			b.WriteString(a.eval(env).String())
		}
		return strVal(b.String())
	}},
	"contains": {2, 2, false, func(c call, env Env) Value {
		return boolVal(strings.Contains(c.args[0].eval(env).String(), c.args[1].eval(env).String()))
	}},
	"starts-with": {2, 2, false, func(c call, env Env) Value {
		return boolVal(strings.HasPrefix(c.args[0].eval(env).String(), c.args[1].eval(env).String()))
	}},
	"if": {3, 3, false, func(c call, env Env) Value {
		if c.args[0].eval(env).Bool() {
			return c.args[1].eval(env)
		}
		return c.args[2].eval(env)
	}},
	"coalesce": {2, 2, false, func(c call, env Env) Value {
		if v := c.args[0].eval(env); v.String() != "" {
			return v
		}
		return c.args[1].eval(env)
	}},
	// selected() and count-selected() read a select_multiple answer, its
	// choice names separated by spaces.
	"selected": {2, 2, false, func(c call, env Env) Value {
		want := strings.TrimSpace(c.args[1].eval(env).String())
		for _, v := range strings.Fields(c.args[0].eval(env).String()) {
			if v == want {
				return boolVal(true)
			}
		}
		return boolVal(false)
	}},
	"count-selected": {1, 1, false, func(c call, env Env) Value {
		return numVal(float64(len(strings.Fields(c.args[0].eval(env).String()))))
	}},
	"regex": {2, 2, true, func(c call, env Env) Value {
		re := c.re
		if re == nil {
			var err error
			if re, err = compileWhole(c.args[1].eval(env).String()); err != nil {
				return boolVal(false) // a computed pattern that is no regex matches nothing
			}
		}
		return boolVal(re.MatchString(c.args[0].eval(env).String()))
	}},
	"today": {0, 0, false, func(_ call, env Env) Value {
		return dateVal(daysOf(env.Today().In(monitoring.Bishkek)))
	}},
	"date": {1, 1, false, func(c call, env Env) Value {
		return toDate(c.args[0].eval(env))
	}},
}

// argOrCurrent is the one argument of number(), string() and
// string-length(), which XPath lets default to the context: ".".
func argOrCurrent(c call, env Env) Value {
	if len(c.args) == 0 {
		return strVal(env.Current())
	}
	return c.args[0].eval(env)
}

// toDate is date(): a number counts days since 1970-01-01; a string is a
// date if it starts YYYY-MM-DD, alone or followed by a time ("T..."), whose
// calendar day it takes. Anything else is no date, which prints as "".
func toDate(v Value) Value {
	switch v.kind {
	case KindDate:
		return v
	case KindNumber:
		return dateVal(v.num)
	case KindString:
		s := strings.TrimSpace(v.str)
		if len(s) >= 10 && (len(s) == 10 || s[10] == 'T') {
			if days, ok := parseDate(s[:10]); ok {
				return dateVal(days)
			}
		}
	}
	return dateVal(math.NaN())
}

// round rounds x to digits decimal places (negative: to tens, hundreds…),
// halves away from zero, as ODK does. It shifts the decimal point in the
// number's text rather than multiplying, so round(2.15, 1) is 2.2 although
// 2.15 * 10 is 21.499999999999996 in binary.
func round(x, digits float64) float64 {
	if math.IsNaN(digits) || math.IsInf(digits, 0) {
		return math.NaN()
	}
	d := int(math.Max(-400, math.Min(400, math.Trunc(digits))))
	shifted := shift(x, d)
	if math.IsInf(shifted, 0) || math.Abs(shifted) >= 1<<53 {
		return x // already exact at that many digits
	}
	return shift(math.Round(shifted), -d)
}

// shift multiplies x by 10^k exactly in decimal: 2.15 becomes "2.15e1",
// parsed as 21.5.
func shift(x float64, k int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	s := strconv.FormatFloat(x, 'e', -1, 64)
	e := strings.IndexByte(s, 'e')
	exp, _ := strconv.Atoi(s[e+1:])
	f, _ := strconv.ParseFloat(s[:e]+"e"+strconv.Itoa(exp+k), 64)
	return f
}
