package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

// State is a dialogue's position, kept in the database so that a restart
// in the middle of a conversation resumes it.
type State struct {
	Step  string     `json:"step,omitempty"`
	Menu  *MenuState `json:"menu,omitempty"`
	Draft *Draft     `json:"draft,omitempty"`
	// Work is what a member's (or a resident's) errand in progress is
	// about: the reason for a rejection, a note, a request…
	Work *Work `json:"work,omitempty"`
}

// Work holds a multi-step errand besides the complaint draft.
type Work struct {
	EntryID   int64    `json:"entry,omitempty"`
	Action    string   `json:"action,omitempty"`
	RequestID int64    `json:"request,omitempty"`
	Count     int      `json:"count,omitempty"`
	Addressee string   `json:"to,omitempty"`
	Question  string   `json:"question,omitempty"`
	Entries   []string `json:"entries,omitempty"`
	Parts     []Part   `json:"parts,omitempty"`
	Media     []int64  `json:"media,omitempty"`
}

// MenuState is the menu last shown: its sequence number (in every button's
// data, so an old or forged button is recognised) and its choices.
type MenuState struct {
	Seq     int      `json:"seq"`
	Prompt  string   `json:"prompt"`
	Options []Option `json:"options"`
}

// Draft is a complaint being written, before it gets a journal number.
type Draft struct {
	// Via is set when a member registers a complaint for a resident who
	// came in person or phoned.
	Via       monitoring.Channel   `json:"via,omitempty"`
	Village   string               `json:"village,omitempty"`
	Service   string               `json:"service,omitempty"`
	Parts     []Part               `json:"parts,omitempty"`
	Media     []int64              `json:"media,omitempty"`
	Location  *monitoring.Location `json:"location,omitempty"`
	Described bool                 `json:"described,omitempty"` // "Done" pressed
	Contact   *monitoring.Contact  `json:"contact,omitempty"`
	Anonymous bool                 `json:"anonymous,omitempty"`
}

// Part is one message of the description, kept with its message id so an
// edit of that message replaces it.
type Part struct {
	MessageID string `json:"msg,omitempty"`
	Text      string `json:"text"`
}

func (d *Draft) text() string {
	var parts []string
	for _, p := range d.Parts {
		if s := strings.TrimSpace(p.Text); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n")
}

func (d *Draft) hasContent() bool {
	return d.text() != "" || len(d.Media) > 0 || d.Location != nil
}

func (d *Draft) contactDecided() bool { return d.Contact != nil || d.Anonymous }

// step is one question of a dialogue, declared once: how it asks, and what
// it does with a chosen option or with other input. Adding a question is one
// declaration in a steps table and one test.
type step struct {
	// ask sends the question; it usually ends in t.askMenu.
	ask func(t *turn) error
	// choose handles a chosen menu option (its Data).
	choose func(t *turn, data string) error
	// input handles anything that is not a menu choice. nil means the
	// default: keep text, media and location as part of the description.
	input func(t *turn) error
}

// turn is the handling of one update: the transaction, the dialogue's state
// and the replies it produces.
type turn struct {
	ctx context.Context
	e   *Engine
	tx  *storage.Tx
	b   *batch
	u   *Update
	key monitoring.ConversationKey
	st  State

	resident monitoring.Resident
	lang     monitoring.Lang
}

func (t *turn) T(id string, args catalog.Args) string { return t.e.Catalog.T(t.lang, id, args) }

// say sends a plain message.
func (t *turn) say(text string) error { return t.send(Reply{Text: text}, "") }

// send puts a reply in the outbox, in the turn's language.
func (t *turn) send(r Reply, collapse string) error {
	if r.Lang == "" {
		r.Lang = t.lang
	}
	t.e.enqueue(t.b, t.u, r, collapse)
	return nil
}

// askMenu sends a question with choices and remembers them, under a new
// sequence number, so the answer can be checked against what was asked.
func (t *turn) askMenu(step, prompt string, columns int, opts []Option) error {
	seq := 1
	if t.st.Menu != nil {
		seq = t.st.Menu.Seq + 1
	}
	t.st.Step = step
	t.st.Menu = &MenuState{Seq: seq, Prompt: prompt, Options: opts}
	return t.send(Reply{Text: prompt, Menu: t.menu(columns)}, "")
}

// menu renders the current menu with each option's data prefixed by the
// sequence number.
func (t *turn) menu(columns int) *Menu {
	m := &Menu{Columns: columns}
	for _, o := range t.st.Menu.Options {
		o.Data = strconv.Itoa(t.st.Menu.Seq) + "|" + o.Data
		m.Options = append(m.Options, o)
	}
	return m
}

// chosen finds which option of the current menu an update picks: a pressed
// button carrying this menu's sequence, a number ("2"), or the label typed.
// stale is true for a button from an older menu or data we never sent.
func (t *turn) chosen() (Option, bool, bool) {
	m := t.st.Menu
	if t.u.Kind == KindCallback {
		seq, data, found := strings.Cut(t.u.Callback.Data, "|")
		if !found || m == nil || seq != strconv.Itoa(m.Seq) {
			return Option{}, false, true
		}
		for _, o := range m.Options {
			if o.Data == data {
				return o, true, false
			}
		}
		return Option{}, false, true
	}
	if m == nil || t.u.Kind != KindText {
		return Option{}, false, false
	}
	opt, ok := pick(m.Options, t.u.Text)
	return opt, ok, false
}

// load reads the dialogue's state; on the fast path a batch reads each
// dialogue once and saves it once, at its end.
// offeredChoice reads a typed number or label, on a channel with
// numbered menus, as a choice of the last menu the chat was sent when that
// menu was a message's own (an entry's actions, "Was it fixed?") rather
// than the dialogue's question: the user answers what they saw last.
func (t *turn) offeredChoice() (Option, bool, error) {
	if !Numbered(t.u.Channel) || t.u.Kind != KindText {
		return Option{}, false, nil
	}
	raw, err := t.tx.LastSentMenu(t.ctx, t.e.Muni.Code, string(t.u.Channel), t.u.ChatID)
	if err != nil || raw == nil {
		return Option{}, false, err
	}
	var r Reply
	if json.Unmarshal(raw, &r) != nil || !ownChoices(r) {
		return Option{}, false, nil
	}
	opt, ok := pick(r.Menu.Options, t.u.Text)
	return opt, ok, nil
}

// pick finds the option a typed answer means: its number, or its label.
func pick(opts []Option, text string) (Option, bool) {
	text = strings.TrimSpace(text)
	if n, err := strconv.Atoi(strings.TrimSuffix(text, ".")); err == nil && n >= 1 && n <= len(opts) {
		return opts[n-1], true
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

func (t *turn) load() error {
	if st, ok := t.b.convs[t.key]; ok && !t.b.careful {
		t.st = *st
		return nil
	}
	raw, err := t.tx.Conversation(t.ctx, t.key)
	if err != nil {
		return err
	}
	t.st = State{}
	if raw != nil {
		if err := json.Unmarshal(raw, &t.st); err != nil {
			// A state we cannot read (e.g. from a future version) starts over
			// rather than locking the resident out.
			t.e.Log.Warn("conversation state unreadable; starting over", "channel", t.key.Channel, "err", err)
			t.st = State{}
		}
	}
	return nil
}

func (t *turn) save() error {
	if !t.b.careful {
		st := t.st
		t.b.convs[t.key] = &st
		return nil
	}
	return saveState(t.ctx, t.tx, t.key, &t.st)
}

func saveState(ctx context.Context, tx *storage.Tx, k monitoring.ConversationKey, st *State) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return tx.SaveConversation(ctx, k, raw)
}
