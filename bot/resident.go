package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

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
	if err := t.load(); err != nil {
		return err
	}
	if err := t.converse(); err != nil {
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
	r, err := t.tx.Resident(t.ctx, t.e.Muni.Code, t.u.Channel, t.u.UserID, t.u.ChatID)
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
		opt, stale := t.pressed()
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
		if u.Callback.MessageID != "" {
			// Show the choice in place of the buttons, so they cannot be
			// pressed twice; the next question joins this edit (see send).
			t.choiceEdit = &Reply{Lang: t.lang, EditMessageID: u.Callback.MessageID, Text: f.Menu.Prompt + "\n\n✓ " + opt.Label}
		}
		return t.choose(steps[f.Step], opt)
	}
	if u.Kind == KindText {
		if cmd, args, ok := command(u.Text); ok {
			return t.command(cmd, args)
		}
	}
	if u.Edited {
		return t.edited()
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
	return t.startIntake(true)
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
	if c, ok := memberCommands[name]; ok {
		return t.memberCommand(c, args)
	}
	switch name {
	case "start":
		if t.resident.Lang == "" {
			return t.start("lang", nil)
		}
		if err := t.welcome(); err != nil {
			return err
		}
		if t.inIntake() {
			return t.resend()
		}
		return t.startIntake(false)
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
	case "cancel", "stop":
		return t.cancel()
	case "back", "артка", "назад":
		return t.back()
	case "status":
		return t.status(args)
	case "my", "mine":
		return t.mine()
	}
	return t.say(t.T("unknown_command", nil))
}

func (t *turn) welcome() error {
	return t.say(t.T("welcome", catalog.Args{"Municipality": t.e.Muni.Name.In(t.lang)}))
}

// cancel ends the open dialogue only, with the files it gathered; the one
// under it, if any, asks its question again.
func (t *turn) cancel() error {
	if f := t.top(); f != nil {
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
		t.endQuiet()
	}
	if err := t.send(Reply{Text: t.T("cancelled", nil), RemoveKeyboard: true}, ""); err != nil {
		return err
	}
	return t.resend()
}

func (t *turn) status(args string) error {
	if args == "" {
		return t.say(t.T("status.usage", nil))
	}
	n, err := monitoring.ParseNumber(args)
	if err != nil {
		return t.say(t.T("status.usage", nil))
	}
	e, err := t.tx.ResidentEntry(t.ctx, t.e.Muni.Code, t.resident.ID, n)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		return t.say(t.T("status.not_found", catalog.Args{"Number": n.String()}))
	}
	if err != nil {
		return err
	}
	r := Reply{Text: t.T("status.entry", catalog.Args{
		"Number": e.Number.String(), "Date": t.e.Catalog.Date(t.lang, e.CreatedAt),
		"Village": t.villageName(e.Village), "Service": t.serviceName(e.Service),
		"Status": t.T("status."+string(e.Status), nil),
	})}
	if e.Status.Open() {
		r.Menu = &Menu{Options: []Option{{Label: t.T("button.add_info", nil), Data: fmt.Sprintf("x|%d", e.ID)}}}
	}
	return t.send(r, "")
}

func (t *turn) mine() error {
	list, err := t.tx.ResidentEntries(t.ctx, t.e.Muni.Code, t.resident.ID, 10)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return t.say(t.T("my.none", nil))
	}
	lines := []string{t.T("my.header", nil)}
	for _, e := range list {
		lines = append(lines, t.T("my.line", catalog.Args{
			"Number": e.Number.String(), "Date": t.e.Catalog.Date(t.lang, e.CreatedAt),
			"Status": t.T("status."+string(e.Status), nil),
		}))
	}
	return t.say(strings.Join(lines, "\n"))
}

func (t *turn) villageName(code string) string { return t.placeName(t.lang, code, true) }

func (t *turn) serviceName(code string) string { return t.placeName(t.lang, code, false) }

// edited handles an edited message: an edit of a description part still in
// the draft replaces it; an edit after the entry is registered changes
// nothing, and the resident is told so.
func (t *turn) edited() error {
	d := t.openDraft()
	if d != nil && t.u.Kind == KindText {
		for i := range d.Parts {
			if d.Parts[i].MessageID != "" && d.Parts[i].MessageID == t.u.MessageID {
				masked, found := monitoring.MaskPersonal(t.u.Text)
				d.Parts[i].Text = masked
				for _, f := range found {
					if !contains(d.Found, f.Value) {
						d.Found = append(d.Found, f.Value)
					}
				}
				return t.send(Reply{Text: t.T("edited.draft", nil)}, "edited")
			}
		}
	}
	if d != nil && d.hasContent() {
		return t.send(Reply{Text: t.T("edited.other", nil)}, "edited")
	}
	return t.send(Reply{Text: t.T("edited.late", nil)}, "edited")
}

// openDraft is the complaint in progress anywhere in the stack (an edit may
// come while /lang is on top of it), or nil.
func (t *turn) openDraft() *Draft {
	for i := len(t.st.Frames) - 1; i >= 0; i-- {
		f := t.st.Frames[i]
		if !strings.HasPrefix(f.Step, "intake.") && f.Step != "m.reg.via" {
			continue
		}
		if d, ok := f.data.(*Draft); ok {
			return d
		}
		d := &Draft{}
		if err := json.Unmarshal(f.Data, d); err != nil {
			return nil
		}
		f.data = d
		return d
	}
	return nil
}
