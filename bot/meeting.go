package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// The group's meetings in the chat (Regulation 3.4–3.7): the chair, the
// deputy or the secretary records one (when, where, the agenda) and who
// attended; the chair signs the minutes, or the deputy during the chair's
// recorded absence (3.6), which either of them records with /away.
// Decisions and votes are recorded from the command line for now.

func meetingFlow() flow {
	return flow{
		steps: map[string]*step{
			"m.meet.when":   {accepts: inText, ask: askMeetWhen, choose: cancelWork, input: meetWhenInput},
			"m.meet.place":  {accepts: inText, ask: askMeetPlace, choose: chooseMeetPlace, input: meetPlaceInput},
			"m.meet.agenda": {accepts: inText, ask: askMeetAgenda, choose: cancelWork, input: meetAgendaInput},
			"m.meet.attend": {accepts: inChoice, ask: askMeetAttend, choose: chooseMeetAttend},
		},
		commands: map[string]memberCommand{
			"meeting":  {who: monitoring.Member.MayRecordMeeting, run: cmdMeeting, lacking: "meeting.role"},
			"meetings": {who: anyMember, run: cmdMeetings},
			"sign":     {who: mayPreside, run: cmdSign, lacking: "sign.role"},
			"away":     {who: mayPreside, run: cmdAway, lacking: "sign.role"},
		},
	}
}

// mayPreside is the chair or the deputy: who signs, and who records the
// chair's absence (3.6).
func mayPreside(m monitoring.Member) bool {
	return m.Active() && (m.Role == monitoring.Chair || m.Role == monitoring.Deputy)
}

// meetingDraft is a meeting being recorded.
type meetingDraft struct {
	HeldAt  time.Time `json:"at"`
	Place   string    `json:"place,omitempty"`
	Meeting int64     `json:"meeting,omitempty"`
}

func meetingDraftOf(t *turn) *meetingDraft { return dialogueData[meetingDraft](t) }

func cmdMeeting(t *turn, _ monitoring.Member, _ string) error {
	return t.start("m.meet.when", &meetingDraft{})
}

func askMeetWhen(t *turn) error {
	return t.askMenu("m.meet.when", t.T("meeting.when", nil), 1, cancelMenu(t))
}

// meetWhenInput reads "10.02.2026 15:00", or a time alone for today.
func meetWhenInput(t *turn) error {
	text := strings.Join(strings.Fields(t.u.Text), " ")
	now := t.tx.Now().In(monitoring.Bishkek)
	for _, layout := range []string{"02.01.2006 15:04", "2.1.2006 15:04", "2006-01-02 15:04"} {
		if at, err := time.ParseInLocation(layout, text, monitoring.Bishkek); err == nil {
			meetingDraftOf(t).HeldAt = at
			return t.ask("m.meet.place")
		}
	}
	for _, layout := range []string{"15:04", "15.04"} { // a time alone: today
		if c, err := time.Parse(layout, text); err == nil {
			meetingDraftOf(t).HeldAt = time.Date(now.Year(), now.Month(), now.Day(), c.Hour(), c.Minute(), 0, 0, monitoring.Bishkek)
			return t.ask("m.meet.place")
		}
	}
	return t.reask("meeting.when_bad", nil)
}

func askMeetPlace(t *turn) error {
	return t.askMenu("m.meet.place", t.T("meeting.place", nil), 1, []Option{
		{Label: t.T("meeting.in_chat", nil), Data: "chat", Word: true}, t.cancelOption(),
	})
}

func chooseMeetPlace(t *turn, data string) error {
	if data == "cancel" {
		return cancelWork(t, data)
	}
	meetingDraftOf(t).Place = ""
	return t.ask("m.meet.agenda")
}

func meetPlaceInput(t *turn) error {
	meetingDraftOf(t).Place = strings.TrimSpace(t.u.Text)
	return t.ask("m.meet.agenda")
}

func askMeetAgenda(t *turn) error {
	return t.askMenu("m.meet.agenda", t.T("meeting.agenda", nil), 1, cancelMenu(t))
}

// meetAgendaInput records the meeting: one agenda item a line.
func meetAgendaInput(t *turn) error {
	m, ok, err := t.member()
	if err != nil || !ok {
		t.end()
		return errOr(err, t.refuse(t.stranger(), "meeting", 0, "members.only"))
	}
	var agenda []string
	// A line each, or «;» between items where a line break cannot be typed
	// (the console, some phones).
	for _, line := range strings.FieldsFunc(t.u.Text, func(r rune) bool { return r == '\n' || r == ';' }) {
		if line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "-•0123456789.)")); line != "" {
			agenda = append(agenda, line)
		}
	}
	d := meetingDraftOf(t)
	mt := monitoring.Meeting{Municipality: t.e.Muni.Code, HeldAt: d.HeldAt, Place: d.Place, Agenda: agenda, RecordedBy: m.ID}
	if err := t.tx.CreateMeeting(t.ctx, &mt); err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "meeting", 0, "ok", "minutes:"+mt.Number.String()); err != nil {
		return err
	}
	d.Meeting = mt.ID
	if err := t.say(t.T("meeting.made", catalog.Args{"Number": mt.Number.String()})); err != nil {
		return err
	}
	return t.ask("m.meet.attend")
}

// askMeetAttend lists the members with how they attended; a tap moves a
// member on: present, absent, absent with a reason.
func askMeetAttend(t *turn) error {
	mt, err := t.tx.Meeting(t.ctx, t.e.Muni.Code, meetingDraftOf(t).Meeting)
	if err != nil {
		return err
	}
	var opts []Option
	for _, a := range mt.Attendance {
		opts = append(opts, Option{Label: t.T("meeting.presence."+string(a.Presence), catalog.Args{"Name": a.Name}), Data: fmt.Sprintf("a:%d:%s", a.MemberID, a.Presence)})
	}
	opts = append(opts, Option{Label: t.T("button.done", nil), Data: "done"})
	return t.askMenu("m.meet.attend", t.T("meeting.attend", catalog.Args{"Number": mt.Number.String()}), 1, opts)
}

func chooseMeetAttend(t *turn, data string) error {
	d := meetingDraftOf(t)
	if data == "done" {
		mt, err := t.tx.Meeting(t.ctx, t.e.Muni.Code, d.Meeting)
		t.end()
		if err != nil {
			return err
		}
		present := mt.Present()
		return t.say(t.T("meeting.recorded", catalog.Args{"Number": mt.Number.String(), "Present": present, "All": len(mt.Attendance)}))
	}
	var id int64
	var was string
	if parts := strings.SplitN(data, ":", 3); len(parts) == 3 && parts[0] == "a" {
		id, _ = strconv.ParseInt(parts[1], 10, 64)
		was = parts[2]
	}
	if err := t.tx.SetAttendance(t.ctx, d.Meeting, id, monitoring.Presence(was).Next(), ""); err != nil {
		if monitoring.ErrorCode(err) == monitoring.ENOTFOUND || monitoring.ErrorCode(err) == monitoring.ECONFLICT {
			t.end()
			return t.say(t.T("meeting.signed_already", nil))
		}
		return err
	}
	return askMeetAttend(t)
}

func cmdMeetings(t *turn, _ monitoring.Member, _ string) error {
	list, err := t.tx.Meetings(t.ctx, t.e.Muni.Code)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return t.say(t.T("meetings.none", nil))
	}
	lines := []string{t.T("meetings.header", nil)}
	for _, mt := range list {
		present := mt.Present()
		state := t.T("meetings.unsigned", nil)
		if mt.Signed != nil {
			state = t.T("meetings.signed", catalog.Args{"Name": mt.Signed.Name})
		}
		lines = append(lines, t.T("meetings.line", catalog.Args{"Number": mt.Number.String(), "Date": t.e.Catalog.DateTime(t.lang, mt.HeldAt),
			"Present": present, "All": len(mt.Attendance), "State": state}))
	}
	return t.say(strings.Join(lines, "\n"))
}

// cmdSign signs a meeting's minutes in the chat: "/sign 4/2026".
func cmdSign(t *turn, m monitoring.Member, args string) error {
	n, ok := monitoring.ParseMinutesNumber(args)
	if !ok {
		return t.say(t.T("sign.usage", nil))
	}
	list, err := t.tx.Meetings(t.ctx, t.e.Muni.Code)
	if err != nil {
		return err
	}
	for _, mt := range list {
		if mt.Number != n {
			continue
		}
		sig, err := t.tx.SignMinutes(t.ctx, t.e.Muni.Code, mt.ID, m, true)
		switch monitoring.ErrorCode(err) {
		case "":
		case monitoring.ECONFLICT:
			return t.say(t.T("meeting.signed_already", nil))
		case monitoring.EUNAUTHORIZED:
			return t.refuseWith(actor(m), "sign", 0, err.Error(), t.T("sign.not_absent", nil))
		default:
			return err
		}
		if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "sign", 0, "ok", "minutes:"+n.String()); err != nil {
			return err
		}
		role := t.T("role.chair", nil)
		if sig.Acting {
			role = t.T("signature.acting_chair", nil)
		}
		return t.say(t.T("sign.done", catalog.Args{"Number": n.String(), "Role": role}))
	}
	return t.say(t.T("sign.no_meeting", catalog.Args{"Number": n.String()}))
}

// cmdAway records the chair's absence: "/away 10.02.2026 20.02.2026".
// When the deputy records it, the chair and the group are told (3.6).
func cmdAway(t *turn, m monitoring.Member, args string) error {
	f := strings.Fields(args)
	if len(f) != 2 {
		return t.say(t.T("away.usage", nil))
	}
	from, ok1 := monitoring.ParseDay(f[0])
	to, ok2 := monitoring.ParseDay(f[1])
	if !ok1 || !ok2 {
		return t.say(t.T("away.usage", nil))
	}
	a := monitoring.ChairAbsence{From: from, To: to, RecordedBy: m.ID}
	if err := t.tx.RecordChairAbsence(t.ctx, t.e.Muni.Code, &a); err != nil {
		if monitoring.ErrorCode(err) == monitoring.EINVALID {
			return t.say(t.T("away.usage", nil))
		}
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "chair-absence", 0, "ok", monitoring.Day(from)+" "+monitoring.Day(to)); err != nil {
		return err
	}
	args2 := catalog.Args{"From": t.e.Catalog.Date(t.lang, from), "To": t.e.Catalog.Date(t.lang, to), "Name": m.Name}
	if err := t.say(t.T("away.done", args2)); err != nil {
		return err
	}
	if m.Role != monitoring.Deputy {
		return nil
	}
	chairs, err := t.tx.MembersReach(t.ctx, t.e.Muni.Code, monitoring.Chair)
	if err != nil {
		return err
	}
	for _, c := range chairs {
		lang := monitoring.DefaultLang
		if l, ok := monitoring.ParseLang(c.Lang); ok {
			lang = l
		}
		told := catalog.Args{"From": t.e.Catalog.Date(lang, from), "To": t.e.Catalog.Date(lang, to), "Name": m.Name}
		t.sendOn(c.Channel, c.ChatID, lang, Reply{Text: t.e.Catalog.T(lang, "away.told", told)}, "", time.Time{})
	}
	groupLang := t.e.groupLang()
	return t.tellGroup("away.told", catalog.Args{"From": t.e.Catalog.Date(groupLang, from), "To": t.e.Catalog.Date(groupLang, to), "Name": m.Name})
}
