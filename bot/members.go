package bot

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// membersFlow is the group's own business (3.4–3.7): joining with an
// invite, the members, recusal (6.3), a second channel, the group's chat.
func membersFlow() flow {
	return flow{
		steps: map[string]*step{
			"m.recuse": {accepts: inChoice, ask: askRecuseAgain, choose: chooseRecuse},
		},
		commands: map[string]memberCommand{
			"join":    {run: cmdJoin},
			"invite":  {who: monitoring.Member.MayInvite, run: cmdInvite},
			"members": {who: anyMember, run: cmdMembers},
			"approve": {who: monitoring.Member.MayApprove, run: cmdApprove, lacking: "approve.role"},
			"recuse":  {who: anyMember, run: cmdRecuse},
			"link":    {who: anyMember, run: cmdLink},
			// In a private chat /bindgroup only explains where to use it.
			"bindgroup": {who: monitoring.Member.MayInvite, run: func(t *turn, _ monitoring.Member, _ string) error {
				return t.say(t.T("group.bind_here", nil))
			}},
		},
	}
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
		if err := setLang(t, t.lang); err != nil {
			return err
		}
	}
	if err := t.say(t.T("join.welcome", catalog.Args{"Name": m.Name, "Role": t.T("role."+string(m.Role), nil)})); err != nil {
		return err
	}
	if err := groupSizeNote(t); err != nil {
		return err
	}
	return t.say(t.T("member.help", nil))
}

// groupSizeNote says so when the members approved by the council are
// outside 5–11 (3.4).
func groupSizeNote(t *turn) error {
	list, err := t.tx.Members(t.ctx, t.e.Muni.Code, false)
	if err != nil {
		return err
	}
	if n := monitoring.CountMembers(list, t.tx.Now()); !monitoring.GroupSizeFits(n) {
		return t.say(t.N("group.size", n, catalog.Args{"Min": monitoring.MinMembers, "Max": monitoring.MaxMembers}))
	}
	return nil
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
		line := fmt.Sprintf("%d. %s, %s", m.ID, m.Name, t.T("role."+string(m.Role), nil))
		if m.Affiliation != "" {
			line += " (" + m.Affiliation + ")"
		}
		switch {
		case m.Approval == nil:
			line += "\n   " + t.T("members.awaiting", nil)
		case m.TermOver(t.tx.Now()):
			line += "\n   " + t.T("members.term_over", catalog.Args{"Date": t.e.Catalog.Date(t.lang, m.Approval.TermEnds)})
		}
		lines = append(lines, line)
	}
	if err := t.say(strings.Join(lines, "\n")); err != nil {
		return err
	}
	return groupSizeNote(t)
}

// cmdApprove records the council's decision on a member (3.4), as the
// chair types it: "/approve 3 13/4 10.02.2026", and the term's last day
// when the decision sets one.
func cmdApprove(t *turn, m monitoring.Member, args string) error {
	f := strings.Fields(strings.ReplaceAll(args, "№ ", "№")) // «№ 12/5» as the decisions write it
	if len(f) < 3 || len(f) > 4 {
		return t.say(t.T("approve.usage", nil))
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(f[0], "#"), 10, 64)
	if err != nil {
		return t.say(t.T("approve.usage", nil))
	}
	d, err := monitoring.ParseDecision(f[1], f[2])
	if err != nil {
		return t.say(t.T("approve.usage", nil))
	}
	a := monitoring.Approval{Decision: d}
	if len(f) == 4 {
		ends, ok := monitoring.ParseDay(f[3])
		if !ok {
			return t.say(t.T("approve.usage", nil))
		}
		a.TermEnds = ends
	}
	approved, err := t.tx.ApproveMember(t.ctx, t.e.Muni.Code, id, a, "", "")
	switch monitoring.ErrorCode(err) {
	case "":
	case monitoring.ENOTFOUND, monitoring.ECONFLICT:
		return t.say(t.T("approve.no_member", catalog.Args{"ID": id}))
	case monitoring.EINVALID:
		return t.say(t.T("approve.short_term", nil))
	default:
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "approve", 0, "ok", fmt.Sprintf("member:%d decision:%s", id, d.Number)); err != nil {
		return err
	}
	if err := t.say(t.T("approve.done", catalog.Args{"Name": approved.Name, "Number": d.Number,
		"Date": t.e.Catalog.Date(t.lang, d.Date)})); err != nil {
		return err
	}
	return groupSizeNote(t)
}

// askRecuseAgain asks the recusal question again (after /lang, /help),
// with the member's recusals as they are now.
func askRecuseAgain(t *turn) error {
	m, ok, err := t.member()
	if err != nil || !ok {
		t.end()
		return errOr(err, t.refuse(t.stranger(), "recuse", 0, "members.only"))
	}
	return askRecuse(t, m)
}

func cmdRecuse(t *turn, m monitoring.Member, args string) error {
	// "/recuse survey 3": a conflict with one survey, declared when a
	// member receives it (6.3), as a toggle like the others.
	if f := strings.Fields(args); len(f) == 2 && (f[0] == "survey" || f[0] == "сурамжылоо" || f[0] == "опрос") {
		id, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return t.say(t.T("recuse.survey_usage", nil))
		}
		if _, _, err := t.tx.OpenSurvey(t.ctx, t.e.Muni.Code, id); err != nil {
			if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
				return t.say(t.T("recuse.survey_usage", nil))
			}
			return err
		}
		ref := monitoring.ObjectRef(monitoring.ObjectSurvey, f[1])
		declared, err := t.tx.ToggleRecusal(t.ctx, t.e.Muni.Code, m.ID, ref)
		if err != nil {
			return err
		}
		outcome := "withdrawn"
		if declared {
			outcome = "declared"
		}
		if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "recuse", 0, "ok", outcome+" "+ref); err != nil {
			return err
		}
		return t.say(t.T("recuse.survey_"+outcome, catalog.Args{"ID": id}))
	}
	if f := t.top(); f == nil || f.Step != "m.recuse" {
		t.st.Frames = append(t.st.Frames, &Frame{Step: "m.recuse"})
	}
	return askRecuse(t, m)
}

func askRecuse(t *turn, m monitoring.Member) error {
	var opts []Option
	mark := func(ref, label string) {
		if slices.Contains(m.Recused, ref) {
			label = "✓ " + label
		}
		opts = append(opts, Option{Label: label, Data: "s:" + ref})
	}
	for _, s := range append(append([]monitoring.Place{}, t.e.Muni.Services...), monitoring.Place{Code: monitoring.OtherService}) {
		mark(s.Code, t.serviceName(s.Code))
	}
	// Projects and providers too (6.3: a member related to a provider takes
	// no part in monitoring its services).
	for _, p := range t.e.Muni.Projects {
		mark(monitoring.ObjectRef(monitoring.ObjectProject, p.Code), p.Name.In(t.lang))
	}
	for _, p := range t.e.Muni.Providers {
		mark(monitoring.ObjectRef(monitoring.ObjectProvider, p.Code), p.Name.In(t.lang))
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
		t.end()
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
	return askRecuse(t, m)
}
