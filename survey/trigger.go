package survey

import (
	"strings"
)

// ODK's trigger and read_only columns. A question with a trigger takes
// its calculation's value when the named question's answer changes, and
// only then: "when was the problem last seen?" set to now() as the
// problem is answered, kept as it was when later answers change. A
// read-only question shows its value (a calculation, a default or a
// trigger's) and is not asked; in a chat it reads like a note.

// triggerAndReadOnly reads a question's trigger and read_only cells.
func (b *builder) triggerAndReadOnly(r rawRow, q *Question) {
	if t := strings.TrimSpace(r.cells["trigger"]); t != "" {
		refs := textRefs(t)
		if len(refs) != 1 || strings.TrimSpace(refPattern.ReplaceAllString(t, "")) != "" {
			b.p.add(r.at("trigger"), "only a reference to another question, as ${name}, is allowed in the trigger column")
		} else {
			q.Trigger = refs[0]
			b.checks = append(b.checks, check{src: t, field: "trigger", at: r.at})
		}
	}
	ro, err := parseYesNo(r.cells["read_only"])
	if err != nil {
		b.p.add(r.at("read_only"), "expected yes or no, not %q (conditions in read_only are not supported yet)", r.cells["read_only"])
	}
	q.ReadOnly = ro
}

// triggers checks that each trigger names a question the respondent
// answers, as pyxform does: a calculation never changes by an answer.
// (A name that is no question at all was refused with the references.)
func (b *builder) triggers() {
	for i := range b.f.Questions {
		q := &b.f.Questions[i]
		if q.Trigger == "" {
			continue
		}
		t, ok := b.f.Question(q.Trigger)
		if ok && (t.Type == Calculate || len(t.Label) == 0 || t.ReadOnly || t.Type == Note) {
			b.p.add(b.at(q.Name, "trigger"), "${%s} is not answered by the respondent, so it cannot trigger ${%s}", q.Trigger, q.Name)
		}
	}
}

// at is where a question's field is, for a problem found once the whole
// form is read.
func (b *builder) at(name, field string) string {
	for _, r := range b.raw.rows {
		if r.name == name {
			return r.at(field)
		}
	}
	return "question " + name
}

// fire sets the questions that changed triggers: each takes its
// calculation's value now ("" without one), as ODK's setvalue does.
func (r *Run) fire(changed string) {
	for i := range r.Form.Questions {
		q := &r.Form.Questions[i]
		if q.Trigger != changed || !r.Relevant(q) {
			continue
		}
		v := ""
		if e := r.parsed(q.Calculation); e != nil {
			v = e.String(env{r: r, current: r.Answers[q.Key()].Value})
		}
		r.Answers[q.Key()] = Answer{Value: v}
	}
}

// computed reports whether a question's value is its calculation,
// recomputed as the answers change: a calculate, or a read-only question
// with a calculation; never one a trigger sets.
func computed(q *Question) bool {
	return q.Calculation != "" && q.Trigger == "" && (q.Type == Calculate || q.ReadOnly)
}

// Display reports whether a question is shown, not answered: a note, or a
// read-only question showing its value.
func (q *Question) Display() bool {
	return q.Type == Note || q.ReadOnly
}
