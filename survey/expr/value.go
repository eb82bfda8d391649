package expr

import (
	"math"
	"strconv"
	"strings"
)

// Kind is the type of a Value.
type Kind uint8

const (
	KindString   Kind = iota // answers, literals, string()
	KindNumber               // float64; NaN when a string is not a number
	KindBoolean              // comparisons, and/or, true(), not()
	KindDate                 // days since 1970-01-01: today(), date()
	KindDateTime             // days and a fraction of a day: now()
)

func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindBoolean:
		return "boolean"
	case KindDate:
		return "date"
	case KindDateTime:
		return "date-time"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is what an expression gives: a string, a number, a boolean or a
// date. Each converts to the others by XPath 1.0's rules, with OpenRosa's
// dates and Enketo's reading of "YYYY-MM-DD" strings as dates.
type Value struct {
	kind Kind
	str  string
	num  float64 // a number, or a date's days since 1970-01-01 (NaN: no date)
	b    bool
}

func strVal(s string) Value      { return Value{kind: KindString, str: s} }
func numVal(n float64) Value     { return Value{kind: KindNumber, num: n} }
func boolVal(b bool) Value       { return Value{kind: KindBoolean, b: b} }
func dateVal(days float64) Value { return Value{kind: KindDate, num: days} }
func timeVal(days float64) Value { return Value{kind: KindDateTime, num: days} }

// Kind is the value's type.
func (v Value) Kind() Kind { return v.kind }

// String converts v as XPath's string() does: numbers without a trailing
// ".0" or an exponent ("NaN", "Infinity" when so), booleans as "true" and
// "false", dates as YYYY-MM-DD ("" for no date, as Enketo gives for an empty date),
// date-times as ODK writes them, 2026-03-01T10:30:00.000+06:00.
func (v Value) String() string {
	switch v.kind {
	case KindNumber:
		return formatNumber(v.num)
	case KindBoolean:
		if v.b {
			return "true"
		}
		return "false"
	case KindDate:
		return formatDate(v.num)
	case KindDateTime:
		return formatDateTime(v.num)
	}
	return v.str
}

// Number converts v as XPath's number() does: a string is a number only
// if it is one in full ("12", " -1.5 ", not "1e3" or "12 kg"), else NaN;
// a string YYYY-MM-DD is its date's day number and a date-time string its
// days with a fraction (Enketo's rule, so answers kept as text compare as
// dates); true is 1, false 0.
func (v Value) Number() float64 {
	switch v.kind {
	case KindNumber, KindDate, KindDateTime:
		return v.num
	case KindBoolean:
		if v.b {
			return 1
		}
		return 0
	}
	return parseNumber(v.str)
}

// Bool converts v as XPath's boolean() does: a number is true when it is
// neither zero nor NaN, a string when it is not empty, a date when it is a
// date.
func (v Value) Bool() bool {
	switch v.kind {
	case KindNumber:
		return v.num != 0 && !math.IsNaN(v.num)
	case KindBoolean:
		return v.b
	case KindDate, KindDateTime:
		return !math.IsNaN(v.num)
	}
	return v.str != ""
}

func formatNumber(n float64) string {
	switch {
	case math.IsNaN(n):
		return "NaN"
	case math.IsInf(n, 1):
		return "Infinity"
	case math.IsInf(n, -1):
		return "-Infinity"
	case n == 0:
		return "0" // also -0, which XPath writes as 0
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// parseNumber reads s by XPath's Number production (optional spaces and
// minus, digits with an optional decimal point), which is narrower than
// strconv.ParseFloat: no '+', exponent, "Inf" or hex. A valid date
// YYYY-MM-DD or date-time gives its days.
func parseNumber(s string) float64 {
	s = strings.Trim(s, " \t\r\n")
	if days, ok := dateString(s); ok {
		return days
	}
	digits := strings.TrimPrefix(s, "-")
	seen, dot := false, false
	for i := 0; i < len(digits); i++ {
		switch c := digits[i]; {
		case isDigit(c):
			seen = true
		case c == '.' && !dot:
			dot = true
		default:
			return math.NaN()
		}
	}
	if !seen {
		return math.NaN()
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN() // out of range: XPath has no such numbers to give
	}
	return n
}
