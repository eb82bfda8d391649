package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// The dialogue framework. A conversation's state is a stack of frames, kept
// in the database so a restart mid-dialogue resumes it. The top frame is the
// open question: its step declares what it accepts (a choice, free text,
// media, a contact, a number, a date); an answer that does not fit is asked
// again with a short reason and is never added to anything. An interruption
// (/help, /lang, a card action in private) runs on top and then the open
// question is asked again; /cancel ends the top dialogue only; "back" asks
// the question before, with its answer shown.

// State is one chat's conversation.
type State struct {
	Frames []*Frame `json:"frames,omitempty"`
	// Seq numbers every menu shown, and is in every button's data, so an
	// old or forged button is recognised.
	Seq int `json:"seq,omitempty"`
	// Offer is the last menu a message carried of its own (an entry's
	// actions, "Was it fixed?", a list of entries): on a channel without
	// buttons, a typed number answers it when it came after the open
	// question.
	Offer *Offer `json:"offer,omitempty"`
}

// Frame is one dialogue in progress.
type Frame struct {
	Step string `json:"step"`
	// Data is the dialogue's own data (a complaint's draft, an errand's
	// subject), one type per dialogue.
	Data json.RawMessage `json:"data,omitempty"`
	// History is the steps asked before, for "back"; Answers shows what was
	// answered at each, when the question is asked again.
	History []string          `json:"history,omitempty"`
	Answers map[string]string `json:"answers,omitempty"`
	Menu    *MenuState        `json:"menu,omitempty"`

	data any // Data decoded, while a turn works on it
}

// MenuState is the open question as it was shown: its prompt and choices,
// under the sequence number its buttons carry.
type MenuState struct {
	Seq int `json:"seq"`
	// Since is the sequence the question was first shown under: copies
	// shown again since take a press too.
	Since   int       `json:"since,omitempty"`
	Prompt  string    `json:"prompt"`
	HTML    string    `json:"html,omitempty"` // the prompt formatted, when it has formatting
	Options []Option  `json:"options,omitempty"`
	At      time.Time `json:"at"`
}

// Offer is a message's own menu, and when the user saw it.
type Offer struct {
	Options []Option  `json:"options"`
	At      time.Time `json:"at"`
}

// Input is what a question accepts.
type Input int

const (
	inChoice  Input = iota // one of the menu's options, by button, number or label
	inText                 // words; digits are words too
	inMedia                // text, photos, voice, video, a location: kept as they come
	inContact              // a shared contact or a typed phone number, or a choice
	inNumber               // a whole number within bounds
	inDate                 // a day: "14.10.2025", "2025-10-14", "14/10/2025"
)

// step is one question of a dialogue, declared once: what it accepts, how
// it asks, and what it does with an accepted answer. Adding a question is
// one declaration and one test.
type step struct {
	accepts  Input
	min, max int // for Number
	// bounds, when set, gives a Number's bounds as they stand now (votes
	// left to count), instead of min and max.
	bounds func(t *turn) (lo, hi int)
	// ask sends the question; it usually ends in t.askMenu.
	ask func(t *turn) error
	// choose handles a chosen option or control (its Data).
	choose func(t *turn, data string) error
	// input handles an accepted answer that is not an option.
	input func(t *turn) error
	// cancel, when set, ends the dialogue on /cancel instead of dropping
	// it: for a question whose answers are kept as they come.
	cancel func(t *turn) error
	// back, when set, goes back within the dialogue its own way (a
	// survey, whose questions share one step).
	back func(t *turn) error
}

// flow is one conversation the engine knows, declared in its own file
// set: its questions by name ("intake.village") and the commands that
// start it.
type flow struct {
	steps    map[string]*step
	commands map[string]memberCommand
}

// flows are the conversations of this engine: language, a resident's
// complaint, a complaint taken down by a member, what a resident adds, the
// members' work on entries, their queue, requests for information, the
// group's own business, consent, surveys, and a group's meeting recorded
// before its answers.
func flows() []flow {
	return []flow{langFlow(), intakeFlow(), registerFlow(), additionFlow(), entryWorkFlow(), queueFlow(), requestFlow(), membersFlow(), meetingFlow(), consentFlow(), surveyFlow(), gatheringFlow()}
}

// register takes in a flow's steps and commands; a name declared twice is
// a programming error, caught at start.
func (e *Engine) register(f flow) {
	for name, s := range f.steps {
		if _, dup := e.steps[name]; dup {
			panic("step declared twice: " + name)
		}
		e.steps[name] = s
	}
	for name, c := range f.commands {
		if _, dup := e.commands[name]; dup {
			panic("command declared twice: " + name)
		}
		e.commands[name] = c
	}
}

// Back is the data of the back control, on every question after a first.
const backData = "back"

// top is the open dialogue, nil when there is none.
func (t *turn) top() *Frame {
	if n := len(t.st.Frames); n > 0 {
		return t.st.Frames[n-1]
	}
	return nil
}

// dialogueData returns the top dialogue's own data, decoded once per turn.
func dialogueData[T any](t *turn) *T {
	f := t.top()
	if f == nil {
		return new(T)
	}
	if p, ok := f.data.(*T); ok {
		return p
	}
	p := new(T)
	if len(f.Data) > 0 {
		if err := json.Unmarshal(f.Data, p); err != nil {
			t.e.Log.Warn("dialogue data unreadable; starting it empty", "step", f.Step, "err", err)
		}
	}
	f.data = p
	return p
}

// start opens a dialogue on top of whatever is open, with its data, and
// asks its first question.
func (t *turn) start(first string, data any) error {
	if f := t.top(); f != nil && sameDialogue(f, first, data) {
		return t.resend() // a double tap, /start twice: the open question again
	}
	t.st.Frames = append(t.st.Frames, &Frame{Step: first, data: data})
	return t.ask(first)
}

// sameDialogue reports whether frame f is the dialogue that starts at first
// with data, still at its first question: the same errand on the same
// entry, the language asked again.
func sameDialogue(f *Frame, first string, data any) bool {
	if f.Step != first || len(f.History) > 0 {
		return false
	}
	now, err := json.Marshal(data)
	if err != nil {
		return false
	}
	was := f.Data
	if f.data != nil {
		if was, err = json.Marshal(f.data); err != nil {
			return false
		}
	}
	return string(now) == string(was) || string(now) == "null" && len(was) == 0
}

// ask asks a step's question in the top dialogue; moving to another step
// remembers the one before, for "back".
func (t *turn) ask(name string) error {
	if f := t.top(); f != nil && f.Step != name {
		if f.Step != "" && !contains(f.History, f.Step) {
			f.History = append(f.History, f.Step)
		}
		f.Step, f.Menu = name, nil
	}
	return t.e.steps[name].ask(t)
}

// end closes the top dialogue. The one under it, if any, is asked again
// once the turn is done (see reopen), after the closing dialogue's last word.
func (t *turn) end() {
	if len(t.st.Frames) > 0 {
		t.st.Frames = t.st.Frames[:len(t.st.Frames)-1]
		t.closed = true
	}
}

// reopen asks the question of the dialogue a finished one was on top of,
// unless this turn asked it already or ended on a message's own choices
// (a list from /queue), which a typed number must still answer.
func (t *turn) reopen() error {
	f := t.top()
	if !t.closed || f == nil || t.asked == f || t.gaveChoices && Numbered(t.u.Channel) {
		return nil
	}
	return t.resend()
}

// back asks the previous question of the top dialogue again.
func (t *turn) back() error {
	f := t.top()
	if f != nil {
		if s := t.e.steps[f.Step]; s != nil && s.back != nil {
			return s.back(t)
		}
	}
	if f == nil || len(f.History) == 0 {
		return t.resend()
	}
	prev := f.History[len(f.History)-1]
	f.History = f.History[:len(f.History)-1]
	f.Step, f.Menu = prev, nil
	return t.e.steps[prev].ask(t)
}

// answered records how an answer reads, to show it if the question is asked again.
func (t *turn) answered(label string) {
	if f := t.top(); f != nil {
		if f.Answers == nil {
			f.Answers = map[string]string{}
		}
		f.Answers[f.Step] = label
	}
}

// askMenu sends the open question with its options, under a new sequence
// number, so the answer can be checked against what was asked. A question
// asked again after "back" shows the answer given before. Questions after
// the first get a back control.
func (t *turn) askMenu(name, prompt string, columns int, opts []Option) error {
	return t.askMenuHTML(name, prompt, "", columns, opts)
}

// askMenuHTML is askMenu with the prompt also formatted (see Reply.HTML).
func (t *turn) askMenuHTML(name, prompt, html string, columns int, opts []Option) error {
	f := t.top()
	if f == nil { // a question outside any dialogue: open one
		f = &Frame{Step: name}
		t.st.Frames = append(t.st.Frames, f)
	}
	if f.Step != name {
		if f.Step != "" && !contains(f.History, f.Step) {
			f.History = append(f.History, f.Step)
		}
		f.Step = name
	}
	if prev := f.Answers[name]; prev != "" {
		before := "\n\n" + t.T("answer.before", catalog.Args{"Answer": prev})
		prompt += before
		if html != "" {
			html += escapeHTML(before)
		}
	}
	if t.u.Channel != monitoring.Telegram || html == escapeHTML(prompt) {
		html = "" // nothing a plain message would not show
	}
	if len(f.History) > 0 {
		opts = append(opts, Option{Label: t.T("button.back", nil), Data: backData, Word: true})
	}
	for _, o := range opts {
		if len(strconv.Itoa(t.st.Seq+1))+1+len(o.Data) > MaxCallbackData {
			return fmt.Errorf("%w: button data %q is over Telegram's %d bytes", errPermanent, o.Data, MaxCallbackData)
		}
	}
	t.st.Seq++
	f.Menu = &MenuState{Seq: t.st.Seq, Since: t.st.Seq, Prompt: prompt, HTML: html, Options: opts, At: t.tx.Now()}
	t.asked = f
	return t.send(Reply{Text: prompt, HTML: html, Menu: t.menu(columns)}, "")
}

// menu renders the open question's options, each with the sequence number
// in its data.
func (t *turn) menu(columns int) *Menu {
	f := t.top()
	if f == nil || f.Menu == nil {
		return nil
	}
	m := &Menu{Columns: columns}
	for _, o := range f.Menu.Options {
		o.Data = strconv.Itoa(f.Menu.Seq) + "|" + o.Data
		m.Options = append(m.Options, o)
	}
	return m
}

// menuSeq is the sequence of the open question's menu, 0 with none.
func (t *turn) menuSeq() int {
	if f := t.top(); f != nil && f.Menu != nil {
		return f.Menu.Seq
	}
	return 0
}

// resend shows the open question again, with the same buttons still valid.
func (t *turn) resend() error {
	f := t.top()
	if f == nil {
		return nil
	}
	if f.Menu == nil {
		return t.ask(f.Step)
	}
	// A new sequence, so a press tells which copy it was on: only the
	// latest copy is edited into the choice and the next question.
	t.st.Seq++
	f.Menu.Seq, f.Menu.At, t.asked = t.st.Seq, t.tx.Now(), f
	return t.send(Reply{Text: f.Menu.Prompt, HTML: f.Menu.HTML, Menu: t.menu(0)}, "")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// offer remembers a message's own menu sent to the turn's chat.
func (t *turn) offer(r Reply, at time.Time) bool {
	if r.Menu != nil && len(r.Menu.Options) > 0 && scoped(r.Menu.Options[0].Data) {
		t.st.Offer = &Offer{Options: r.Menu.Options, At: at}
		return true
	}
	return false
}

// offerTo remembers a message's own menu sent to another person's private
// chat (the resident's "Was it fixed?"), as of when they will see it.
func (t *turn) offerTo(k monitoring.ConversationKey, r Reply, at time.Time) error {
	if k == t.key { // the turn's own chat: its state is saved at the turn's end
		t.offer(r, at)
		return nil
	}
	st, err := t.b.state(t.ctx, t.tx, t.e, k)
	if err != nil {
		return err
	}
	ot := &turn{st: *st}
	ot.offer(r, at)
	*st = ot.st
	return t.b.keep(t.ctx, t.tx, k, st)
}

// takeBackOffer forgets another person's offer whose choices start with
// prefix ("f|42|": "Was it fixed?" of entry 42), so a typed number no
// longer answers a question withdrawn before they saw it.
func (t *turn) takeBackOffer(k monitoring.ConversationKey, prefix string) error {
	st, err := t.b.state(t.ctx, t.tx, t.e, k)
	if err != nil || st.Offer == nil || !strings.HasPrefix(st.Offer.Options[0].Data, prefix) {
		return err
	}
	st.Offer = nil
	if k == t.key {
		t.st.Offer = nil
	}
	return t.b.keep(t.ctx, t.tx, k, st)
}

// load reads the dialogue's state; on the fast path a batch reads each
// conversation once and saves it once, at its end.
func (t *turn) load() error {
	st, err := t.b.state(t.ctx, t.tx, t.e, t.key)
	if err != nil {
		return err
	}
	t.st = *st
	return nil
}

func (t *turn) save() error {
	for _, f := range t.st.Frames {
		if f.data != nil {
			raw, err := json.Marshal(f.data)
			if err != nil {
				return fmt.Errorf("encode dialogue data: %w", err)
			}
			f.Data, f.data = raw, nil
		}
	}
	st := t.st
	return t.b.keep(t.ctx, t.tx, t.key, &st)
}

// state returns a conversation's state: from the batch when it has it (the
// fast path), else from the store.
func (b *batch) state(ctx context.Context, tx Tx, e *Engine, k monitoring.ConversationKey) (*State, error) {
	if st, ok := b.convs[k]; ok && !b.careful {
		c := *st
		c.Frames = append([]*Frame(nil), st.Frames...)
		return &c, nil
	}
	raw, read := b.raw[k]
	if !read || b.careful {
		var err error
		if raw, err = tx.Conversation(ctx, k); err != nil {
			return nil, err
		}
	}
	st := &State{}
	if raw != nil {
		if err := json.Unmarshal(raw, st); err != nil {
			// A state we cannot read (e.g. from a future version) starts over
			// rather than locking the resident out.
			e.Log.Warn("conversation state unreadable; starting over", "channel", k.Channel, "err", err)
			st = &State{}
		}
		if st.Frames == nil {
			e.resumeLegacy(raw, st)
		}
	}
	return st, nil
}

// resumeLegacy reads a state saved before the frame stack (one step, one
// draft): a complaint in progress goes on where it was; an errand of the
// old shape starts over.
func (e *Engine) resumeLegacy(raw []byte, st *State) {
	var old struct {
		Step string `json:"step"`
		Menu *struct {
			Seq int `json:"seq"`
		} `json:"menu"`
		Draft *Draft `json:"draft"`
	}
	if json.Unmarshal(raw, &old) != nil {
		return
	}
	if old.Menu != nil {
		st.Seq = old.Menu.Seq // old buttons stay stale
	}
	if old.Draft == nil {
		return
	}
	name := "intake." + old.Step
	if _, ok := e.steps[name]; !ok {
		name = "intake.village"
	}
	d := old.Draft
	st.Frames = []*Frame{{Step: name, data: d}}
}

// keepContent saves a conversation's state: at the batch's end on the fast path,
// at once when each update has its own savepoint.
func (b *batch) keep(ctx context.Context, tx Tx, k monitoring.ConversationKey, st *State) error {
	if !b.careful {
		b.convs[k] = st
		return nil
	}
	return saveState(ctx, tx, k, st)
}

func saveState(ctx context.Context, tx Tx, k monitoring.ConversationKey, st *State) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return tx.SaveConversation(ctx, k, raw)
}
