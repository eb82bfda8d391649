package bot

import (
	"context"
	"encoding/json"
	"strings"

	"bmjbt/monitoring"
)

// The router: one update's way from the inbox to the flow that answers it.
// Group chats go to the group's side; in private, buttons and commands
// come first, then the open question, else a new complaint.

// handle routes one update: group chats to the group's side (members only;
// strangers are ignored), private chats to the conversation, where a
// resident reports and a member works. Anonymous senders and system events
// are kept in the inbox and never answered.
func (e *Engine) handle(ctx context.Context, tx Tx, b *batch, u *Update) error {
	if u.Kind == KindAlert {
		t := &turn{ctx: ctx, e: e, tx: tx, b: b, u: u}
		return t.tellGroup(u.Text, nil)
	}
	if u.Kind == KindMoved {
		b.groupsRead = false // the group's chat may be the one that moved
		return tx.MoveChat(ctx, e.Muni.Code, string(u.Channel), u.ChatID, u.Text)
	}
	if u.Anonymous || u.Kind == KindSystem || u.UserID == "" || u.ChatID == "" {
		return nil
	}
	t := &turn{ctx: ctx, e: e, tx: tx, b: b, u: u, key: monitoring.ConversationKey{
		Municipality: e.Muni.Code, Channel: string(u.Channel), ChatID: u.ChatID, UserRef: u.UserID,
	}}
	if u.ChatKind != Private {
		return t.inGroup()
	}
	if err := t.loadResident(); err != nil {
		return err
	}
	t.lang = t.resident.Lang
	if t.lang == "" {
		// Until the resident chooses, answer in their app's language if we
		// speak it, else in Kyrgyz.
		t.lang, _ = monitoring.ParseLang(u.UserLang)
	}
	if u.Kind == KindNotice {
		return t.notice(u.Text) // the dialogue stays where it is
	}
	if err := t.load(); err != nil {
		return err
	}
	if err := t.converse(); err != nil {
		return err
	}
	if err := t.reopen(); err != nil {
		return err
	}
	t.flushChoiceEdit()
	return t.save()
}

// loadResident finds the sender, once per batch on the fast path.
func (t *turn) loadResident() error {
	k := t.residentKey()
	if r, ok := t.b.residents[k]; ok && !t.b.careful {
		t.resident = r
		return nil
	}
	var r monitoring.Resident
	var err error
	known, read := t.b.known[string(t.u.Channel)+"|"+t.u.UserID]
	switch {
	case t.b.careful || !read:
		r, err = t.tx.Resident(t.ctx, t.e.Muni.Code, t.u.Channel, t.u.UserID, t.u.ChatID)
	case known != nil && known.ChatID == t.u.ChatID:
		r = *known // read ahead with the batch
	default: // not on record, or in another chat: the batch knows already
		r, err = t.tx.RecordResident(t.ctx, t.e.Muni.Code, t.u.Channel, t.u.UserID, t.u.ChatID)
		if err == nil {
			t.b.known[string(t.u.Channel)+"|"+t.u.UserID] = &r // as on record now
		}
	}
	if err != nil {
		return err
	}
	t.resident = r
	t.b.residents[k] = r
	return nil
}

func (t *turn) residentKey() string {
	return string(t.u.Channel) + "|" + t.u.UserID + "|" + t.u.ChatID
}

// converse is the private conversation: a resident's report, and a
// member's work. Buttons and commands come first; then, on a channel
// without buttons, a number answering the last message's own menu; then
// the open question; with none open, anything with content starts a
// complaint.
func (t *turn) converse() error {
	u := t.u
	if u.Kind == KindCallback && scoped(u.Callback.Data) {
		return t.scopedButton(u.Callback.Data)
	}
	if u.Kind == KindCallback {
		// Always stop the button's spinner, whatever the button was.
		if err := t.send(Reply{CallbackID: u.Callback.ID}, ""); err != nil {
			return err
		}
		opt, latest, stale := t.pressed()
		if stale {
			if t.top() == nil {
				return t.say(t.T("button.old", nil))
			}
			if err := t.say(t.T("button.stale", nil)); err != nil {
				return err
			}
			return t.resend()
		}
		f := t.top()
		if u.Callback.MessageID != "" && latest {
			// Show the choice in place of the buttons, so they cannot be
			// pressed twice; the next question joins this edit (see send).
			t.choiceEdit = &Reply{Lang: t.lang, EditMessageID: u.Callback.MessageID, Text: f.Menu.Prompt + "\n\n✓ " + opt.Label}
			if f.Menu.HTML != "" {
				t.choiceEdit.HTML = f.Menu.HTML + "\n\n✓ " + escapeHTML(opt.Label)
			}
		}
		return t.choose(t.e.steps[f.Step], opt)
	}
	if u.Kind == KindText {
		if cmd, args, ok := command(u.Text); ok {
			return t.command(cmd, args)
		}
	}
	if u.Edited {
		return editedMessage(t)
	}
	if opt, ok := t.offered(); ok {
		// "3" for the last message's own choices ("Was it fixed?"), then
		// the dialogue's open question again, unless the choice asked a
		// question of its own.
		before, seq := t.top(), t.menuSeq()
		if err := t.scopedButton(opt.Data); err != nil {
			return err
		}
		if t.top() == before && t.menuSeq() == seq {
			return t.resend()
		}
		return nil
	}
	if t.top() != nil {
		return t.answer()
	}
	if started, err := startInvited(t); started || err != nil {
		return err
	}
	return startIntake(t, true)
}

// command parses "/status@some_bot 2025-0042" into "status" and "2025-0042".
func command(text string) (name, args string, ok bool) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return "", "", false
	}
	name, args, _ = strings.Cut(text[1:], " ")
	name, _, _ = strings.Cut(name, "@")
	return strings.ToLower(name), strings.TrimSpace(args), true
}

func (t *turn) command(name, args string) error {
	if c, ok := t.e.commands[name]; ok {
		return t.memberCommand(c, args)
	}
	switch name {
	case "start":
		if t.resident.Lang == "" {
			return t.start("lang", nil)
		}
		if err := welcome(t); err != nil {
			return err
		}
		if inIntake(t) {
			return t.resend()
		}
		return startIntake(t, false)
	case "help":
		if err := t.say(t.T("help", nil)); err != nil {
			return err
		}
		if _, ok, err := t.member(); err != nil {
			return err
		} else if ok {
			if err := t.say(t.T("member.help", nil)); err != nil {
				return err
			}
		}
		return t.resend() // and the question still open, if any
	case "lang", "language", "til", "тил", "язык":
		return t.start("lang", nil)
	case "cancel":
		return t.cancel()
	case "stop":
		return stopSurveys(t)
	case "subscribe":
		return subscribe(t)
	case "survey":
		return takeSurvey(t)
	case "back", "артка", "назад":
		return t.back()
	case "status":
		return showStatus(t, args)
	case "my", "mine":
		return showMine(t)
	}
	return t.say(t.T("unknown_command", nil))
}

// cancel ends the open dialogue only, with the files it gathered; the one
// under it, if any, asks its question again.
func (t *turn) cancel() error {
	if f := t.top(); f != nil {
		if s := t.e.steps[f.Step]; s != nil && s.cancel != nil {
			return s.cancel(t)
		}
		var held struct {
			Media []int64 `json:"media"`
		}
		if f.data != nil {
			raw, _ := json.Marshal(f.data)
			f.Data = raw
		}
		if json.Unmarshal(f.Data, &held) == nil && len(held.Media) > 0 {
			if err := t.tx.DropDraftMedia(t.ctx, held.Media); err != nil {
				return err
			}
		}
		t.end()
	}
	if err := t.send(Reply{Text: t.T("cancelled", nil), RemoveKeyboard: true}, ""); err != nil {
		return err
	}
	return t.resend()
}
