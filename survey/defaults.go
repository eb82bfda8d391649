package survey

import (
	"strings"
)

// DynamicDefault reports whether a question's default is an expression
// (today(), ${other}, 5 * 2), which ODK evaluates when the response
// starts, rather than a value offered as it is. The rule is pyxform's: a
// ${name}, a call or brackets, div or mod, or an arithmetic sign; a "-"
// only outside dates, times and places, where it is part of the value.
func DynamicDefault(q *Question) bool {
	d := q.Default
	switch {
	case d == "":
		return false
	case strings.Contains(d, " div ") || strings.Contains(d, " mod ") || strings.ContainsAny(d, "$()[]{}*|+"):
		return true
	case strings.Contains(d, "-"):
		return q.Type != Date && q.Type != DateTime && q.Type != Time && q.Type != Geopoint
	}
	return false
}

// startValue gives a question the value it starts with, once: its
// dynamic default evaluated (when the response starts, as ODK does, or,
// for a question not relevant then, when it becomes relevant), or a
// read-only question's static default, which it shows. A value once set
// stays until the respondent answers.
func (r *Run) startValue(q *Question) {
	if _, ok := r.Answers[q.Key()]; ok || computed(q) {
		return
	}
	switch {
	case DynamicDefault(q):
		v := ""
		if e := r.parsed(q.Default); e != nil {
			v = e.String(env{r: r})
		}
		r.Answers[q.Key()] = Answer{Value: v}
	case q.ReadOnly && q.Default != "":
		r.Answers[q.Key()] = Answer{Value: q.Default}
	}
}
