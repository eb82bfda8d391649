package expr_test

import (
	"fmt"
	"time"

	"bmjbt/survey/expr"
)

// answers is an Env over a map of answers, the simplest a caller can write.
type answers map[string]string

func (a answers) Lookup(name string) (string, bool) { v, ok := a[name]; return v, ok }
func (a answers) Current() string                   { return a["."] }
func (a answers) Column(string) string              { return "" }
func (a answers) Today() time.Time {
	return time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)
}

func ExampleParse() {
	relevant, err := expr.Parse("${age} >= 18 and selected(${services}, 'water')")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(relevant.Refs())
	fmt.Println(relevant.Bool(answers{"age": "34", "services": "water roads"}))
	fmt.Println(relevant.Bool(answers{"services": "water"})) // age unanswered

	_, err = expr.Parse("pulldata('households', 'head', 'id', ${hh})")
	fmt.Println(err)
	// Output:
	// [age services]
	// true
	// false
	// expression "pulldata('households', 'head', 'id', ${hh})", character 1: unsupported function pulldata()
}

func ExampleExpr_String() {
	calc := expr.MustParse("if(${a} = 'yes', 1, 0) + if(${b} = 'yes', 1, 0)")
	fmt.Println(calc.String(answers{"a": "yes", "b": "no"}))

	constraint := expr.MustParse(". <= today()")
	fmt.Println(constraint.Bool(answers{".": "2026-03-16"}), constraint.Bool(answers{".": "2026-03-17"}))
	// Output:
	// 1
	// true false
}

func ExampleExpr_String_dates() {
	env := answers{"dob": "1995-07-01", "visit": "2026-03-01T10:30:00+06:00"}
	fmt.Println(expr.MustParse("int((today() - ${dob}) div 365.25)").String(env))
	fmt.Println(expr.MustParse("format-date(${visit}, '%e %b %Y, %H:%M')").String(env))
	fmt.Println(expr.MustParse("${visit} - date(${visit})").String(env)) // 10:30 is 0.4375 of a day
	// Output:
	// 30
	// 1 Mar 2026, 10:30
	// 0.4375
}
