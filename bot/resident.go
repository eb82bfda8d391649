package bot

import (
	"context"
	"fmt"
	"strings"

	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

// handle routes one update: group chats to the group's side (members only;
// strangers are ignored), private chats to the conversation, where a
// resident reports and a member works. Anonymous senders and system events
// are kept in the inbox and never answered.
func (e *Engine) handle(ctx context.Context, tx *storage.Tx, b *batch, u *Update) error {
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
// member's work.
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
		opt, ok, _ := t.chosen()
		if !ok {
			if err := t.say(t.T("button.stale", nil)); err != nil {
				return err
			}
			return t.resend()
		}
		if u.Callback.MessageID != "" {
			// Show the choice in place of the buttons, so they cannot be pressed twice.
			edit := Reply{EditMessageID: u.Callback.MessageID, Text: t.st.Menu.Prompt + "\n\n✓ " + opt.Label}
			if err := t.send(edit, ""); err != nil {
				return err
			}
		}
		return t.choose(opt)
	}
	if u.Kind == KindText {
		if cmd, args, ok := command(u.Text); ok {
			return t.command(cmd, args)
		}
	}
	if u.Edited {
		return t.edited()
	}
	if opt, ok, err := t.offeredChoice(); err != nil || ok {
		if err != nil {
			return err
		}
		// "3" for the last message's own choices ("Was it fixed?"), then
		// the dialogue's open question again, if there is one.
		if err := t.scopedButton(opt.Data); err != nil {
			return err
		}
		return t.resend()
	}
	if opt, ok, _ := t.chosen(); ok {
		return t.choose(opt)
	}
	if s := steps[t.st.Step]; s != nil {
		if s.input != nil {
			return s.input(t)
		}
		return t.keepAndResend()
	}
	// No dialogue yet: anything with content starts a complaint.
	kept, err := t.keep()
	if err != nil || !kept {
		return err
	}
	return t.advance()
}

func (t *turn) choose(opt Option) error {
	s := steps[t.st.Step]
	if s == nil || s.choose == nil {
		return t.resend()
	}
	return s.choose(t, opt.Data)
}

// resend shows the current question again, with the same buttons still valid.
func (t *turn) resend() error {
	if t.st.Menu == nil || len(t.st.Menu.Options) == 0 {
		return nil
	}
	return t.send(Reply{Text: t.st.Menu.Prompt, Menu: t.menu(0)}, "")
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
			return t.ask("lang")
		}
		if err := t.welcome(); err != nil {
			return err
		}
		return t.advance()
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
		return t.ask("lang")
	case "cancel", "stop":
		return t.cancel()
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

func (t *turn) cancel() error {
	if d := t.st.Draft; d != nil && len(d.Media) > 0 {
		if err := t.tx.DropDraftMedia(t.ctx, d.Media); err != nil {
			return err
		}
	}
	// Keep the menu sequence, with no choices, so old buttons stay stale.
	t.st = State{Menu: &MenuState{Seq: t.st.Menu.seq()}}
	return t.send(Reply{Text: t.T("cancelled", nil), RemoveKeyboard: true}, "")
}

func (m *MenuState) seq() int {
	if m == nil {
		return 0
	}
	return m.Seq
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
	if d := t.st.Draft; d != nil && t.u.Kind == KindText {
		for i := range d.Parts {
			if d.Parts[i].MessageID != "" && d.Parts[i].MessageID == t.u.MessageID {
				d.Parts[i].Text = t.u.Text
				return t.send(Reply{Text: t.T("edited.draft", nil)}, "edited")
			}
		}
	}
	if t.st.Draft != nil && t.st.Draft.hasContent() {
		return t.send(Reply{Text: t.T("edited.other", nil)}, "edited")
	}
	return t.send(Reply{Text: t.T("edited.late", nil)}, "edited")
}
