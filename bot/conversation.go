package bot

import (
	"context"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// turn is the handling of one update: the transaction, the dialogue's state
// and the replies it produces.
type turn struct {
	ctx context.Context
	e   *Engine
	tx  Tx
	b   *batch
	u   *Update
	key monitoring.ConversationKey
	st  State

	resident monitoring.Resident
	lang     monitoring.Lang

	// choiceEdit is the edit of a question whose button was just pressed,
	// showing the choice; the next question, when it follows at once,
	// goes into the same edit, so a step costs one message, not two.
	choiceEdit *Reply

	// closed is set when a dialogue ended in this turn, asked is the frame
	// whose question this turn showed: a dialogue left under a finished one
	// is asked again, not left to catch the next message unseen.
	closed bool
	asked  *Frame
	// gaveChoices: this turn ended on a message's own choices, which a
	// typed number must still answer where there are no buttons.
	gaveChoices bool
}

// T is a catalogue message in the turn's language, in its typed wording
// where the channel has no buttons.
func (t *turn) T(id string, args catalog.Args) string {
	return t.e.Catalog.T(t.lang, t.wording(id), args)
}

// N is T for a message that counts.
func (t *turn) N(id string, n int, args catalog.Args) string {
	return t.e.Catalog.N(t.lang, t.wording(id), n, args)
}

// wording picks a message's ".typed" sibling on channels without buttons,
// where people type what others press.
func (t *turn) wording(id string) string {
	if Numbered(t.u.Channel) && t.e.Catalog.IDs(t.lang)[id+".typed"] {
		return id + ".typed"
	}
	return id
}

// say sends a plain message.
func (t *turn) say(text string) error { return t.send(Reply{Text: text}, "") }

// send puts a reply in the outbox, in the turn's language. A message's own
// menu becomes the chat's offer (see offered).
func (t *turn) send(r Reply, collapse string) error {
	if r.Lang == "" {
		r.Lang = t.lang
	}
	if t.u.ChatKind == Private && t.offer(r, t.tx.Now()) {
		t.gaveChoices = true
	}
	if p := t.choiceEdit; p != nil && r.CallbackID == "" {
		t.choiceEdit = nil
		if mergeable(r, collapse) && utf16Len(p.Text)+2+utf16Len(r.Text) <= MaxText {
			if p.Text != "" { // "" redraws the question itself (a toggle)
				if p.HTML != "" || r.HTML != "" {
					r.HTML = htmlOf(*p) + "\n\n" + htmlOf(r)
				}
				r.Text = p.Text + "\n\n" + r.Text
			}
			r.EditMessageID = p.EditMessageID
		} else {
			t.e.enqueue(t.b, t.u, *p, "")
		}
	}
	t.e.enqueue(t.b, t.u, r, collapse)
	return nil
}

// withdraw takes back the replies still waiting under a collapse key: those
// this batch has not written yet (left as empty places, so a failed
// update's replies can still be cut off by position) and those in the store.
func (t *turn) withdraw(key string) error {
	for i, it := range t.b.out {
		if it.CollapseKey == key {
			t.b.out[i] = monitoring.OutboxItem{}
		}
	}
	return t.tx.Supersede(t.ctx, t.e.Muni.Code, key)
}

// flushChoiceEdit sends the edit of a pressed question when nothing followed it.
func (t *turn) flushChoiceEdit() {
	if p := t.choiceEdit; p != nil {
		t.choiceEdit = nil
		t.e.enqueue(t.b, t.u, *p, "")
	}
}

// mergeable reports whether a reply can go into the edit of the question
// before it: a plain message whose buttons an edit can carry (a reply
// keyboard, such as the contact button, cannot).
func mergeable(r Reply, collapse string) bool {
	if collapse != "" || r.EditMessageID != "" || r.EditOutboxID != 0 || r.MediaID != 0 || r.RemoveKeyboard {
		return false
	}
	if r.Menu != nil {
		for _, o := range r.Menu.Options {
			if o.RequestContact {
				return false
			}
		}
	}
	return true
}

// sendTo puts a reply to another chat of the same channel in the outbox,
// held back until notBefore when that is set.
func (t *turn) sendTo(chat string, lang monitoring.Lang, r Reply, collapse string, notBefore time.Time) error {
	return t.sendOn(string(t.u.Channel), chat, lang, r, collapse, notBefore)
}

// sendOn puts a reply to a chat of any channel in the outbox.
func (t *turn) sendOn(channel, chat string, lang monitoring.Lang, r Reply, collapse string, notBefore time.Time) error {
	r.Lang = lang
	t.b.out = append(t.b.out, t.e.outboxItem(channel, chat, r, collapse, notBefore))
	return nil
}
