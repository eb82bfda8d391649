package bot

// Reading an answer: a question takes what its step declares; a typed
// number is an option only where a choice is asked; anything else is asked
// again, briefly saying why.

import (
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// acknowledge answers a part of a question that takes several messages
// (a description, notes, an answer's files) with its controls still
// valid. Acknowledgements collapse: ten photos in a row get one reply.
func (t *turn) acknowledge(prompt, collapse string, columns int) error {
	f := t.top()
	if f.Menu == nil { // resumed from an older state: show the controls anew
		return t.e.steps[f.Step].ask(t)
	}
	f.Menu.Prompt, f.Menu.HTML = prompt, ""
	return t.send(Reply{Text: prompt, Menu: t.menu(columns)}, collapse)
}

// reask says briefly why an answer does not fit, and asks again.
func (t *turn) reask(id string, args catalog.Args) error {
	if err := t.send(Reply{Text: t.T(id, args)}, "reask"); err != nil {
		return err
	}
	return t.resend()
}

// pressed reads a pressed button of the open question. stale is true for a
// button of an older menu, or data never sent.
// A copy of the open question shown again (after a re-ask, /help) still
// takes a press; latest says the press was on the last copy, the only one
// a choice may be edited into.
func (t *turn) pressed() (opt Option, latest, stale bool) {
	f := t.top()
	s, data, found := strings.Cut(t.u.Callback.Data, "|")
	seq, err := strconv.Atoi(s)
	if !found || err != nil || f == nil || f.Menu == nil || seq > f.Menu.Seq || seq < max(f.Menu.Since, 1) && seq != f.Menu.Seq {
		return Option{}, false, true
	}
	for _, o := range f.Menu.Options {
		if o.Data == data {
			return o, seq == f.Menu.Seq, false
		}
	}
	return Option{}, false, true
}

// answer gives an update to the open question, as its step accepts it.
func (t *turn) answer() error {
	f := t.top()
	s := t.e.steps[f.Step]
	if s == nil { // a step of an older version: start that dialogue over
		t.st.Frames = t.st.Frames[:len(t.st.Frames)-1]
		return t.say(t.T("dialogue.gone", nil))
	}
	var opts []Option
	if f.Menu != nil {
		opts = f.Menu.Options
	}
	if t.u.Kind == KindText {
		text := strings.TrimSpace(t.u.Text)
		if o, ok := pickWord(opts, text); ok {
			return t.choose(s, o)
		}
		if s.accepts == inChoice || s.accepts == inContact {
			if o, ok := pick(opts, text); ok {
				return t.choose(s, o)
			}
		}
	}
	if t.u.Kind == KindUnsupported || t.u.Kind == KindEmpty {
		return t.notice("unsupported")
	}
	switch s.accepts {
	case inChoice:
		// A step may take more than its options (the first message's
		// language, more text at a summary); a bare number never.
		if s.input != nil && !(t.u.Kind == KindText && isNumber(t.u.Text)) {
			return s.input(t)
		}
		return t.reaskChoice()
	case inText:
		if t.u.Kind != KindText || strings.TrimSpace(t.u.Text) == "" {
			return t.reask("reask.text", nil)
		}
	case inNumber:
		lo, hi := s.min, s.max
		if s.bounds != nil {
			lo, hi = s.bounds(t)
		}
		n, ok := readNumber(t.u.Text)
		if t.u.Kind != KindText || !ok || n < lo || n > hi {
			return t.reask("reask.number", catalog.Args{"Min": lo, "Max": hi})
		}
	case inDate:
		if _, ok := readDate(t.u.Text); t.u.Kind != KindText || !ok {
			return t.reask("reask.date", nil)
		}
	case inContact:
		_, typed := typedPhone(t.u.Text)
		if t.u.Kind != KindContact && !(t.u.Kind == KindText && typed) {
			return t.reask("phone.invalid", nil)
		}
	}
	if s.accepts == inText || s.accepts == inNumber || s.accepts == inDate {
		t.answered(TruncateText(strings.TrimSpace(t.u.Text), 200)) // shown again after "back"
	}
	return s.input(t)
}

func (t *turn) choose(s *step, o Option) error {
	if o.Data == backData {
		return t.back()
	}
	if s.accepts == inChoice { // a control (Done, Cancel) is no answer to show again
		t.answered(o.Label)
	}
	return s.choose(t, o.Data)
}

// reaskChoice asks a choice again, saying which answers fit.
func (t *turn) reaskChoice() error {
	var opts []Option
	if f := t.top(); f != nil && f.Menu != nil {
		opts = f.Menu.Options
	}
	n := 0
	for _, o := range opts {
		if !o.Word {
			n++
		}
	}
	switch {
	case Numbered(t.u.Channel) && n > 1:
		return t.reask("reask.choice", catalog.Args{"Count": n})
	case Numbered(t.u.Channel):
		return t.reask("reask.choice_one", nil)
	}
	return t.reask("reask.button", nil)
}

// offered reads a typed answer, on a channel with numbered menus, as a
// choice of the last message's own menu, when that menu came after the
// open question: the user answers what they saw last.
func (t *turn) offered() (Option, bool) {
	o := t.st.Offer
	if o == nil || !Numbered(t.u.Channel) || t.u.Kind != KindText || o.At.After(t.tx.Now()) {
		return Option{}, false
	}
	if f := t.top(); f != nil && f.Menu != nil && f.Menu.At.After(o.At) {
		return Option{}, false
	}
	return pick(o.Options, t.u.Text)
}

// pick finds the option a typed answer means: its number, or its label.
func pick(opts []Option, text string) (Option, bool) {
	text = strings.TrimSpace(text)
	var numbered []Option
	for _, o := range opts {
		if !o.Word {
			numbered = append(numbered, o)
		}
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(text, ".")); err == nil {
		if n >= 1 && n <= len(numbered) {
			return numbered[n-1], true
		}
		return Option{}, false
	}
	if f := fold(text); f != "" {
		for _, o := range opts {
			if fold(o.Label) == f {
				return o, true
			}
		}
	}
	return Option{}, false
}

// pickWord matches a typed control word ("Даяр", "Артка") exactly as its
// label reads, never by number: at a question that takes words, "1" is an
// answer, not a button.
func pickWord(opts []Option, text string) (Option, bool) {
	f := fold(text)
	if f == "" {
		return Option{}, false
	}
	for _, o := range opts {
		if o.Word && fold(o.Label) == f {
			return o, true
		}
	}
	if fold("артка") == f || fold("назад") == f || f == "back" {
		for _, o := range opts {
			if o.Data == backData {
				return o, true
			}
		}
	}
	return Option{}, false
}

// readDate reads a day as people in Kyrgyzstan write it: "14.10.2025",
// "14/10/2025", "14-10-2025", or "2025-10-14"; a day that does not exist
// ("31.02.2026") is no date.
func readDate(text string) (time.Time, bool) {
	text = strings.TrimSuffix(strings.TrimSpace(text), ".")
	for _, layout := range []string{"2.1.2006", "2/1/2006", "2-1-2006", "2006-01-02"} {
		if d, err := time.ParseInLocation(layout, text, monitoring.Bishkek); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// readNumber reads a whole number as people type it: "12", " 12.", "12 ".
func readNumber(text string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(text), "."))
	return n, err == nil
}

// isNumber reports whether a typed answer is a bare number ("16", "0.").
func isNumber(text string) bool {
	_, ok := readNumber(text)
	return ok
}
