package bot

import (
	"fmt"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Roles come from the database, checked on every member action by the
// sender's identity, never by the chat it came from; a refusal is written
// to the audit and explained in the sender's language.

// memberCommand is one command of the group's members, declared once: who
// may run it and what it does. The dispatcher checks the sender's role in
// the database before anything else, every time.
type memberCommand struct {
	// who may run it; nil means anyone (/join).
	who func(m monitoring.Member) bool
	// inGroup: it works in the group's chat too.
	inGroup bool
	run     func(t *turn, m monitoring.Member, args string) error
	// lacking is the refusal when who says no ("role.lacking" if unset).
	lacking string
}

func anyMember(m monitoring.Member) bool { return m.Active() }

// actor names a member in audit rows.
func actor(m monitoring.Member) string { return fmt.Sprintf("member:%d", m.ID) }

// stranger names a non-member in audit rows: channel and user id.
func (t *turn) stranger() string { return string(t.u.Channel) + ":" + t.u.UserID }

// member returns the sender as a member, from the database by their
// identity on this channel. ok is false for anyone else.
func (t *turn) member() (monitoring.Member, bool, error) {
	m, err := t.tx.MemberBy(t.ctx, t.e.Muni.Code, string(t.u.Channel), t.u.UserID)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		return m, false, nil
	}
	return m, err == nil, err
}

// memberCommand runs a member command after checking who sent it.
func (t *turn) memberCommand(c memberCommand, args string) error {
	if c.who == nil {
		return c.run(t, monitoring.Member{}, args)
	}
	m, ok, err := t.member()
	if err != nil {
		return err
	}
	if !ok {
		return t.refuse(t.stranger(), "command", 0, "members.only")
	}
	if !c.who(m) {
		reason := "role.lacking"
		if c.lacking != "" {
			reason = c.lacking
		}
		return t.refuse(actor(m), "command", 0, reason)
	}
	return c.run(t, m, args)
}

// refuse answers a refused action with a clear reason in the sender's
// language and writes the refusal to the audit log. A pressed button gets
// its answer as a notice on the button.
func (t *turn) refuse(who, action string, entryID int64, reasonID string) error {
	return t.refuseWith(who, action, entryID, reasonID, t.T(reasonID, nil))
}

// refuseWith is refuse with the audit's detail and the answer given apart.
func (t *turn) refuseWith(who, action string, entryID int64, detail, text string) error {
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, who, action, entryID, "refused", detail); err != nil {
		return err
	}
	if t.u.Kind == KindCallback {
		if err := t.send(Reply{CallbackID: t.u.Callback.ID, Text: text}, ""); err != nil {
			return err
		}
		if t.u.ChatKind != Private {
			return nil // a notice on the button is enough; the group is not spammed
		}
	}
	return t.say(text)
}

// inGroup handles the group's chat: members' buttons and /bindgroup.
// Everyone else is ignored; their buttons get a refusal on the button only.
func (t *turn) inGroup() error {
	m, ok, err := t.member()
	if err != nil {
		return err
	}
	// A refusal on a button is read by the one who pressed it: answer in
	// their language.
	t.lang = t.memberLang()
	switch {
	case t.u.Kind == KindCallback && ok:
		return t.scopedButton(t.u.Callback.Data)
	case t.u.Kind == KindCallback:
		return t.refuse(t.stranger(), "button", 0, "members.only")
	case !ok && t.u.Channel == monitoring.WhatsApp && t.u.ChatID == t.e.Muni.WhatsAppGroup && t.e.Muni.WhatsAppGroup != "":
		return groupReport(t)
	case !ok || t.u.Kind != KindText:
		return nil
	}
	cmd, args, isCmd := command(t.u.Text)
	if c, ok := t.e.commands[cmd]; isCmd && ok && c.inGroup {
		return c.run(t, m, args)
	}
	if !isCmd || cmd != "bindgroup" {
		return nil // members talk among themselves here
	}
	if !m.MayInvite() {
		return t.refuse(actor(m), "bindgroup", 0, "role.lacking")
	}
	if err := t.tx.BindGroup(t.ctx, t.e.Muni.Code, string(t.u.Channel), t.u.ChatID, actor(m)); err != nil {
		return err
	}
	t.b.groupsRead = false // the batch's copy is out of date
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "bindgroup", 0, "ok", t.u.ChatID); err != nil {
		return err
	}
	t.lang = t.e.groupLang()
	return t.say(t.T("group.bound", catalog.Args{"Municipality": t.e.Muni.Name.In(t.lang)}))
}

// memberLang is the language the sender chose in private chat, else their
// app's language if we speak it, else Kyrgyz.
func (t *turn) memberLang() monitoring.Lang {
	lang, err := t.tx.ResidentLang(t.ctx, t.e.Muni.Code, string(t.u.Channel), t.u.UserID)
	if err != nil || lang == "" {
		lang, _ = monitoring.ParseLang(t.u.UserLang)
	}
	return lang
}

// groupLang is the language of the group chat's cards.
func (e *Engine) groupLang() monitoring.Lang {
	if e.Muni.GroupLang != "" {
		return e.Muni.GroupLang
	}
	return monitoring.DefaultLang
}

// errOr returns err if set, else alt.
func errOr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}
