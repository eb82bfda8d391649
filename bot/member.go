package bot

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// memberCommand is one command of the group's members, declared once: who
// may run it and what it does. The dispatcher checks the sender's role in
// the database before anything else, every time.
type memberCommand struct {
	// who may run it; nil means anyone (/join).
	who func(m monitoring.Member) bool
	run func(t *turn, m monitoring.Member, args string) error
}

func anyMember(m monitoring.Member) bool { return m.Active() }

var memberCommands map[string]memberCommand

func init() {
	memberCommands = map[string]memberCommand{
		"join":     {run: cmdJoin},
		"invite":   {who: monitoring.Member.MayInvite, run: cmdInvite},
		"members":  {who: anyMember, run: cmdMembers},
		"queue":    {who: anyMember, run: cmdQueue},
		"register": {who: anyMember, run: cmdRegister},
		"recuse":   {who: anyMember, run: cmdRecuse},
		"request":  {who: anyMember, run: cmdRequest},
		"requests": {who: anyMember, run: cmdRequests},
		// Entry actions typed, for channels without buttons (WhatsApp):
		// "/verify 2026-0042", "/reject 2026-0042 why", "/merge 2026-0042 2026-0040".
		"take":    {who: anyMember, run: typedAction("take")},
		"verify":  {who: anyMember, run: typedAction("verify")},
		"reject":  {who: anyMember, run: typedAction("reject")},
		"resolve": {who: anyMember, run: typedAction("resolve")},
		"merge":   {who: anyMember, run: typedAction("merge")},
		"note":    {who: anyMember, run: typedAction("note")},
		"show":    {who: anyMember, run: cmdShow},
		"undo":    {who: anyMember, run: cmdUndo},
		"link":    {who: anyMember, run: cmdLink},
		// In a private chat /bindgroup only explains where to use it.
		"bindgroup": {who: monitoring.Member.MayInvite, run: func(t *turn, _ monitoring.Member, _ string) error {
			return t.say(t.T("group.bind_here", nil))
		}},
	}
}

// inGroupCommands are the member commands that work in the group's chat too.
var inGroupCommands = map[string]bool{"take": true, "verify": true, "reject": true, "resolve": true, "merge": true, "note": true, "undo": true}

// typedAction is an entry action typed with the entry's number.
func typedAction(action string) func(t *turn, m monitoring.Member, args string) error {
	return func(t *turn, m monitoring.Member, args string) error {
		num, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
		n, err := monitoring.ParseNumber(num)
		if err != nil {
			return t.say(t.T("action.usage", catalog.Args{"Command": action}))
		}
		e, err := t.tx.EntryNumbered(t.ctx, t.e.Muni.Code, n)
		if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
			return t.say(t.T("status.not_found_member", catalog.Args{"Number": n.String()}))
		}
		if err != nil {
			return err
		}
		return t.act(m, e, action, rest)
	}
}

func cmdShow(t *turn, m monitoring.Member, args string) error {
	n, err := monitoring.ParseNumber(args)
	if err != nil {
		return t.say(t.T("action.usage", catalog.Args{"Command": "show"}))
	}
	e, err := t.tx.EntryNumbered(t.ctx, t.e.Muni.Code, n)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		return t.say(t.T("status.not_found_member", catalog.Args{"Number": n.String()}))
	}
	if err != nil {
		return err
	}
	return t.inPrivate(m, func(pt *turn) error { return pt.showEntry(m, e) })
}

// cmdUndo undoes the member's own latest change, within the window.
func cmdUndo(t *turn, m monitoring.Member, _ string) error {
	id, err := t.tx.LastChange(t.ctx, t.e.Muni.Code, m.ID)
	if err != nil {
		return err
	}
	if id == 0 {
		return t.say(t.T("undo.too_late", nil))
	}
	return t.undoButton(m, id)
}

// cmdLink gives a member a code to use on another channel, so that they
// are the same member there (WhatsApp and Telegram).
func cmdLink(t *turn, m monitoring.Member, _ string) error {
	code := NewInviteCode()
	expires, err := t.tx.CreateLink(t.ctx, m, code, actor(m))
	if err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "link", 0, "ok", ""); err != nil {
		return err
	}
	return t.inPrivate(m, func(pt *turn) error {
		return pt.say(pt.T("link.made", catalog.Args{"Code": code, "Expires": pt.e.Catalog.DateTime(pt.lang, expires)}))
	})
}

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
		return t.refuse(actor(m), "command", 0, "role.lacking")
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
		return t.groupReport()
	case !ok || t.u.Kind != KindText:
		return nil
	}
	cmd, args, isCmd := command(t.u.Text)
	if isCmd && inGroupCommands[cmd] {
		return memberCommands[cmd].run(t, m, args)
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

// inviteAlphabet leaves out letters and digits that are easy to confuse.
const inviteAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewInviteCode makes a random one-time code, shown as XXXX-XXXX-XXXX:
// 60 bits, so that even someone who reads the database (codes are kept
// hashed) cannot find a live code within its 72 hours.
func NewInviteCode() string {
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = inviteAlphabet[int(b[i])%len(inviteAlphabet)] // 256 is a multiple of 32: no bias
	}
	return string(b[:4]) + "-" + string(b[4:8]) + "-" + string(b[8:])
}

// joinAttempts is how many wrong codes a user may try per hour.
const joinAttempts = 5

func cmdJoin(t *turn, _ monitoring.Member, code string) error {
	who := t.stranger()
	if code == "" {
		return t.say(t.T("join.usage", nil))
	}
	n, err := t.tx.Refusals(t.ctx, t.e.Muni.Code, who, "join", t.tx.Now().Add(-time.Hour))
	if err != nil {
		return err
	}
	if n >= joinAttempts {
		return t.say(t.T("join.too_many", nil))
	}
	m, err := t.tx.Join(t.ctx, t.e.Muni.Code, code, string(t.u.Channel), t.u.UserID, t.u.ChatID)
	switch monitoring.ErrorCode(err) {
	case "":
	case monitoring.EUNAUTHORIZED:
		return t.refuse(who, "join", 0, "join.bad_code")
	case monitoring.ECONFLICT:
		if strings.Contains(err.Error(), "already a member") {
			return t.say(t.T("join.already", nil))
		}
		if err := t.tx.Audit(t.ctx, t.e.Muni.Code, who, "join", 0, "refused", err.Error()); err != nil {
			return err
		}
		return t.say(t.T("join.no_room", nil))
	default:
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "join", 0, "ok", string(m.Role)); err != nil {
		return err
	}
	if t.resident.Lang == "" { // a member is not asked the language later
		if err := t.setLang(t.lang); err != nil {
			return err
		}
	}
	if err := t.say(t.T("join.welcome", catalog.Args{"Name": m.Name, "Role": t.T("role."+string(m.Role), nil)})); err != nil {
		return err
	}
	if err := t.groupSizeNote(); err != nil {
		return err
	}
	return t.say(t.T("member.help", nil))
}

// groupSizeNote says so when the group is outside 5–11 members (3.4).
func (t *turn) groupSizeNote() error {
	n, err := t.tx.ActiveMembers(t.ctx, t.e.Muni.Code)
	if err != nil || monitoring.GroupSizeFits(n) {
		return err
	}
	return t.say(t.N("group.size", n, catalog.Args{"Min": monitoring.MinMembers, "Max": monitoring.MaxMembers}))
}

func cmdInvite(t *turn, m monitoring.Member, args string) error {
	role, name, err := monitoring.CutRole(args)
	name = strings.TrimSpace(name)
	if err != nil || name == "" {
		return t.say(t.T("invite.usage", nil))
	}
	code := NewInviteCode()
	expires, err := t.tx.CreateInvite(t.ctx, t.e.Muni.Code, code, role, name, actor(m))
	if monitoring.ErrorCode(err) == monitoring.ECONFLICT {
		if aerr := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "invite", 0, "refused", err.Error()); aerr != nil {
			return aerr
		}
		return t.say(t.T("invite.no_room", catalog.Args{"Role": t.T("role."+string(role), nil)}))
	}
	if err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "invite", 0, "ok", string(role)); err != nil {
		return err
	}
	return t.say(t.T("invite.made", catalog.Args{"Code": code, "Name": name, "Role": t.T("role."+string(role), nil),
		"Expires": t.e.Catalog.DateTime(t.lang, expires)}))
}

func cmdMembers(t *turn, _ monitoring.Member, _ string) error {
	list, err := t.tx.Members(t.ctx, t.e.Muni.Code, false)
	if err != nil {
		return err
	}
	lines := []string{t.T("members.header", nil)}
	for _, m := range list {
		lines = append(lines, fmt.Sprintf("%d. %s, %s", m.ID, m.Name, t.T("role."+string(m.Role), nil)))
	}
	if err := t.say(strings.Join(lines, "\n")); err != nil {
		return err
	}
	return t.groupSizeNote()
}

func init() {
	declare("m.recuse", &step{accepts: inChoice, ask: func(t *turn) error { return cmdRecuse(t, monitoring.Member{}, "") }, choose: chooseRecuse})
}

func cmdRecuse(t *turn, m monitoring.Member, _ string) error {
	if f := t.top(); f == nil || f.Step != "m.recuse" {
		t.st.Frames = append(t.st.Frames, &Frame{Step: "m.recuse"})
	}
	return t.askRecuse(m)
}

func (t *turn) askRecuse(m monitoring.Member) error {
	var opts []Option
	for _, s := range append(append([]monitoring.Place{}, t.e.Muni.Services...), monitoring.Place{Code: monitoring.OtherService}) {
		label := t.serviceName(s.Code)
		if m.RecusedFrom(s.Code) {
			label = "✓ " + label
		}
		opts = append(opts, Option{Label: label, Data: "s:" + s.Code})
	}
	opts = append(opts, Option{Label: t.T("button.done", nil), Data: "done"})
	return t.askMenu("m.recuse", t.T("recuse.ask", nil), 2, opts)
}

func chooseRecuse(t *turn, data string) error {
	m, ok, err := t.member()
	if err != nil || !ok {
		return errOr(err, t.refuse(t.stranger(), "recuse", 0, "members.only"))
	}
	if data == "done" {
		t.endQuiet()
		return t.say(t.T("recuse.done", nil))
	}
	service := strings.TrimPrefix(data, "s:")
	declared, err := t.tx.ToggleRecusal(t.ctx, t.e.Muni.Code, m.ID, service)
	if err != nil {
		return err
	}
	outcome := "withdrawn"
	if declared {
		outcome = "declared"
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "recuse", 0, "ok", outcome+" "+service); err != nil {
		return err
	}
	if m, err = t.tx.MemberBy(t.ctx, t.e.Muni.Code, string(t.u.Channel), t.u.UserID); err != nil {
		return err
	}
	return t.askRecuse(m)
}

// errOr returns err if set, else alt.
func errOr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
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

var _ = monitoring.Post{}
