package expr

import (
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

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
	case numeric(a) || numeric(b) || bothDates(a, b):
		eq = a.Number() == b.Number() // NaN equals nothing, so NaN != x holds
	default:
		eq = a.str == b.str
	}
	return boolVal(eq != n.not)
}

func numeric(v Value) bool {
	return v.kind == KindNumber || v.kind == KindDate || v.kind == KindDateTime
}

// bothDates reports whether a and b are texts that both read as dates or
// date-times, so "2021-01-01" = "2021-01-01T00:00:00+06:00" holds as in
// Enketo.
func bothDates(a, b Value) bool {
	if a.kind != KindString || b.kind != KindString {
		return false
	}
	_, okA := dateString(a.str)
	_, okB := dateString(b.str)
	return okA && okB
}

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
	case f.max < 0 && f.min == 1:
		return "at least 1 argument"
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
	"now": {0, 0, false, func(_ call, env Env) Value {
		return timeVal(instantDays(nowOf(env)))
	}},
	"decimal-date-time": {1, 1, false, func(c call, env Env) Value {
		return numVal(asDays(c.args[0].eval(env)))
	}},
	"format-date":      {2, 2, false, formatDateFunc},
	"format-date-time": {2, 2, false, formatDateFunc},
	"ends-with": {2, 2, false, func(c call, env Env) Value {
		return boolVal(strings.HasSuffix(c.args[0].eval(env).String(), c.args[1].eval(env).String()))
	}},
	"substr": {2, 3, false, substr},
	// substring-before() and substring-after() are XPath 1.0's: the text
	// before or after the first occurrence, "" when there is none.
	"substring-before": {2, 2, false, func(c call, env Env) Value {
		before, _, found := strings.Cut(c.args[0].eval(env).String(), c.args[1].eval(env).String())
		if !found {
			return strVal("")
		}
		return strVal(before)
	}},
	"substring-after": {2, 2, false, func(c call, env Env) Value {
		_, after, found := strings.Cut(c.args[0].eval(env).String(), c.args[1].eval(env).String())
		if !found {
			return strVal("")
		}
		return strVal(after)
	}},
	"translate": {3, 3, false, translate},
	"normalize-space": {0, 1, false, func(c call, env Env) Value {
		return strVal(strings.Join(strings.FieldsFunc(argOrCurrent(c, env).String(), xmlSpace), " "))
	}},
	// selected-at() counts from 0, as ODK does; past either end it is "".
	"selected-at": {2, 2, false, func(c call, env Env) Value {
		choices := strings.Fields(c.args[0].eval(env).String())
		i := c.args[1].eval(env).Number()
		if math.IsNaN(i) || i < 0 || i >= float64(len(choices)) {
			return strVal("")
		}
		return strVal(choices[int(i)])
	}},
	"jr:choice-name": {2, 2, false, choiceName},
	// boolean-from-string() is true only for "true" and "1", as Enketo's
	// tests have it ("True" is false).
	"boolean-from-string": {1, 1, false, func(c call, env Env) Value {
		s := c.args[0].eval(env).String()
		return boolVal(s == "true" || s == "1")
	}},
	// once() keeps a calculation's first non-empty result: the question's
	// stored value wins when it has one.
	"once": {1, 1, false, func(c call, env Env) Value {
		if cur := env.Current(); cur != "" {
			return strVal(cur)
		}
		return c.args[0].eval(env)
	}},
	"uuid":   {0, 1, false, uuidFunc},
	"random": {0, 0, false, func(call, Env) Value { return numVal(rand.Float64()) }},
	"pow": {2, 2, false, func(c call, env Env) Value {
		return numVal(math.Pow(c.args[0].eval(env).Number(), c.args[1].eval(env).Number()))
	}},
	"abs": {1, 1, false, func(c call, env Env) Value {
		return numVal(math.Abs(c.args[0].eval(env).Number()))
	}},
	"min": {1, -1, false, func(c call, env Env) Value { return extreme(c, env, math.Min) }},
	"max": {1, -1, false, func(c call, env Env) Value { return extreme(c, env, math.Max) }},
}

// volatile are the functions that give another value each time, so a
// result with them is not expected to repeat.
var volatile = map[string]bool{"now": true, "uuid": true, "random": true}

// nowOf is the current instant: the Env's Now when it has one, else its
// Today, which callers that predate now() give as the instant they have.
func nowOf(env Env) time.Time {
	if n, ok := env.(Nower); ok {
		return n.Now()
	}
	return env.Today()
}

func formatDateFunc(c call, env Env) Value {
	return strVal(formatMoment(asDays(c.args[0].eval(env)), c.args[1].eval(env).String()))
}

// substr is JavaRosa's substr(s, start[, end]): characters from start up
// to end, both counted from 0; a negative index counts from the end.
func substr(c call, env Env) Value {
	s := []rune(c.args[0].eval(env).String())
	index := func(n node) int {
		i := clampInt(n.eval(env).Number(), len(s))
		if i < 0 {
			i = max(len(s)+i, 0)
		}
		return i
	}
	start, end := index(c.args[1]), len(s)
	if len(c.args) == 3 {
		end = index(c.args[2])
	}
	if end <= start {
		return strVal("")
	}
	return strVal(string(s[start:end]))
}

// clampInt truncates f to an int within -limit..limit; NaN is 0.
func clampInt(f float64, limit int) int {
	switch {
	case math.IsNaN(f):
		return 0
	case f > float64(limit):
		return limit
	case f < -float64(limit):
		return -limit
	}
	return int(f)
}

// translate is XPath 1.0's: each character of s found in from becomes the
// one at the same place in to, or is dropped when to is shorter.
func translate(c call, env Env) Value {
	s := c.args[0].eval(env).String()
	from := []rune(c.args[1].eval(env).String())
	to := []rune(c.args[2].eval(env).String())
	var b strings.Builder
	for _, r := range s {
		i := slices.Index(from, r)
		switch {
		case i < 0:
			b.WriteRune(r)
		case i < len(to):
			b.WriteRune(to[i])
		}
	}
	return strVal(b.String())
}

// xmlSpace is XPath's whitespace, which normalize-space() collapses.
func xmlSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' }

// choiceName is jr:choice-name(value, '${q}'): the label of q's choice
// named value in the respondent's language, from the Env when it is a
// ChoiceLabeler, else the value itself.
func choiceName(c call, env Env) Value {
	value := c.args[0].eval(env).String()
	if value == "" {
		return strVal("")
	}
	if l, ok := env.(ChoiceLabeler); ok {
		if label := l.ChoiceLabel(questionName(c.args[1].eval(env).String()), value); label != "" {
			return strVal(label)
		}
	}
	return strVal(value)
}

// questionName is the name in jr:choice-name()'s second argument, written
// '${q}' in XLSForm.
func questionName(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") {
		s = strings.TrimSpace(s[2 : len(s)-1])
	}
	return s
}

// maxUUIDLength bounds uuid(n), so a computed length cannot exhaust memory.
const maxUUIDLength = 1000

const uuidAlphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// uuidFunc is uuid(): a random UUID version 4, or with a length n, n
// random letters and digits, as ODK documents.
func uuidFunc(c call, env Env) Value {
	if len(c.args) == 0 {
		u, err := uuid.NewRandom()
		if err != nil {
			return strVal("") // no randomness to be had; XPath has no errors
		}
		return strVal(u.String())
	}
	n := clampInt(c.args[0].eval(env).Number(), maxUUIDLength)
	b := make([]byte, max(n, 0))
	for i := range b {
		b[i] = uuidAlphabet[rand.IntN(len(uuidAlphabet))]
	}
	return strVal(string(b))
}

// extreme is min() or max() of numbers; any argument that is no number
// makes the result NaN, as in JavaRosa.
func extreme(c call, env Env, pick func(a, b float64) float64) Value {
	r := c.args[0].eval(env).Number()
	for _, a := range c.args[1:] {
		r = pick(r, a.eval(env).Number())
	}
	return numVal(r)
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
// date if it is YYYY-MM-DD or a date-time. A time of day is dropped, as
// JavaRosa's date() drops it, taking the day on Bishkek's clock. Anything
// else is no date, which prints as "".
func toDate(v Value) Value {
	switch v.kind {
	case KindDate, KindDateTime, KindNumber:
		return dateVal(math.Floor(v.num))
	case KindString:
		if days, ok := dateString(v.str); ok {
			return dateVal(math.Floor(days))
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
