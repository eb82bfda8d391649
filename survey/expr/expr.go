// Package expr parses and evaluates the expressions of XLSForm's relevant,
// constraint, calculation, choice_filter and default columns: the part of
// ODK's XPath that needs no repeat, no secondary instance and no GPS.
//
// Supported: ${name}, "." (the answer being checked, or a calculation's
// stored value), bare names (choice columns in a choice_filter), numbers and
// strings, = != < <= > >=, and, or, + - * div mod, unary minus, and the
// functions
//
//	if coalesce concat substr string-length contains starts-with ends-with
//	substring-before substring-after translate normalize-space regex
//	selected count-selected selected-at jr:choice-name int round number
//	string boolean boolean-from-string not true false today now date
//	decimal-date-time format-date format-date-time once uuid random pow
//	abs min max
//
// with JavaRosa's arities (coalesce takes two, round one or two).
//
// Refused with ErrUnsupported and the position: repeats and node-sets
// (paths, predicates, unions, axes, position(), count(), sum(),
// indexed-repeat()), lookups (instance(), pulldata(), ${last-saved#name}),
// GPS (area(), distance()), XPath variables, other namespaced functions
// (jr:itext()) and any other function (date-time(), randomize(), digest()…).
// Parse refuses them so a form that would behave differently here than in
// ODK Collect or Enketo is stopped at import, not in a resident's chat.
//
// Evaluation never fails: like XPath, a value that does not convert becomes
// NaN or "" and comparisons with NaN are false.
//
// The rules are those of XPath 1.0 with OpenRosa's dates, counted as days
// since 1970-01-01 on Bishkek's clock: today() is midnight in Bishkek, a
// date-time has a fraction of a day. A string written YYYY-MM-DD or as an
// ISO 8601 date-time reads as a date wherever a number is wanted, as in
// Enketo, because bmjbt keeps every answer as text; regex() matches the
// whole string, as Collect does.
//
// What ODK does around an expression is the caller's: a constraint is not
// checked on a blank answer, a question whose relevant turns false is
// skipped and its answer cleared, and the names Refs and Columns list are
// checked against the form when it is imported. An Env may also be a Nower
// (for now()) and a ChoiceLabeler (for jr:choice-name()).
package expr

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Env gives an expression the values it refers to.
type Env interface {
	// Lookup gives the answer to the question ${name}; ok is false when the
	// question has no answer, which reads as "" (so does an answer "").
	Lookup(name string) (answer string, ok bool)
	// Current gives ".", the answer being checked by a constraint; in a
	// calculation, the question's stored value, which once() keeps.
	Current() string
	// Column gives a column of the choice row a choice_filter is tested on:
	// the bare name "village" in "village = ${district}".
	Column(name string) string
	// Today gives the current instant; today() is its date in Bishkek.
	Today() time.Time
}

// Nower is an Env that knows the current instant to the second, for
// now(). An Env without it gives now() its Today.
type Nower interface {
	Now() time.Time
}

// ChoiceLabeler is an Env that can label choices, for jr:choice-name():
// ChoiceLabel gives the label of the choice named value of the question
// named question, in the respondent's language, or "" when there is none.
// Without it (or with ""), jr:choice-name() gives the value itself.
type ChoiceLabeler interface {
	ChoiceLabel(question, value string) string
}

// Expr is a parsed expression. It is immutable and safe to evaluate from
// several goroutines at once.
type Expr struct {
	src      string
	root     node
	refs     []string
	columns  []string
	volatile bool // calls now(), uuid() or random(), which change between evaluations
}

// Parse reads src. Its error is an *Error that says where the expression
// stops making sense and what is wrong there; errors.Is(err,
// ErrUnsupported) tells valid XPath that this package refuses (a path, a
// function such as pulldata()) from a plain syntax error.
func Parse(src string) (*Expr, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	root, err := p.parse()
	if err != nil {
		return nil, err
	}
	return &Expr{src: src, root: root, refs: p.refs, columns: p.columns, volatile: p.volatile}, nil
}

// MustParse is Parse for expressions written in Go source; it panics on an
// error.
func MustParse(src string) *Expr {
	e, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return e
}

// Source is the text the expression was parsed from.
func (e *Expr) Source() string { return e.src }

// Refs lists the questions the expression refers to as ${name}, each once,
// in the order they first appear, so an importer can check that they exist.
func (e *Expr) Refs() []string { return append([]string(nil), e.refs...) }

// Columns lists the bare names, each once, in the order they first appear:
// in a choice_filter these are columns of the choices sheet; elsewhere an
// importer should refuse them.
func (e *Expr) Columns() []string { return append([]string(nil), e.columns...) }

// Eval evaluates the expression.
func (e *Expr) Eval(env Env) Value { return e.root.eval(env) }

// Bool evaluates the expression as a condition, for relevant, constraint
// and choice_filter.
func (e *Expr) Bool(env Env) bool { return e.root.eval(env).Bool() }

// String evaluates the expression as text, for calculation and default.
func (e *Expr) String(env Env) string { return e.root.eval(env).String() }

// Number evaluates the expression as a number (NaN when it is none).
func (e *Expr) Number(env Env) float64 { return e.root.eval(env).Number() }

// ErrUnsupported is wrapped by the errors of Parse that refuse something
// ODK supports but this package does not.
var ErrUnsupported = errors.New("not supported")

// Error is an error of Parse.
type Error struct {
	Source string // the whole expression
	Offset int    // byte offset in Source where the problem is
	Msg    string // what is wrong, e.g. "unsupported function pulldata()"
	err    error  // ErrUnsupported or nil
}

// Column is the 1-based position of the problem in characters, as a form
// designer would count it.
func (e *Error) Column() int { return utf8.RuneCountInString(e.Source[:e.Offset]) + 1 }

func (e *Error) Error() string {
	return fmt.Sprintf("expression %q, character %d: %s", e.Source, e.Column(), e.Msg)
}

func (e *Error) Unwrap() error { return e.err }

func errAt(src string, offset int, msg string) *Error {
	return &Error{Source: src, Offset: offset, Msg: msg}
}

func unsupportedAt(src string, offset int, msg string) *Error {
	return &Error{Source: src, Offset: offset, Msg: msg, err: ErrUnsupported}
}
