package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// The group's meetings in the chat (Regulation 3.4–3.7): the chair, the
// deputy or the secretary records one (when, where, the agenda), who
// attended, and its decisions with their votes and elections (3.5);
// "/meeting 4/2026" adds decisions later. The chair signs the minutes, or
// the deputy during the chair's recorded absence (3.6), which either of
// them records with /away; signed minutes stay as signed.

func meetingFlow() flow {
	return flow{
		steps: map[string]*step{
			"m.meet.when":   {accepts: inText, ask: askMeetWhen, choose: cancelWork, input: meetWhenInput},
			"m.meet.place":  {accepts: inText, ask: askMeetPlace, choose: chooseMeetPlace, input: meetPlaceInput},
			"m.meet.agenda": {accepts: inText, ask: askMeetAgenda, choose: cancelWork, input: meetAgendaInput},
			"m.meet.attend": {accepts: inChoice, ask: askMeetAttend, choose: chooseMeetAttend},
			// The decisions (3.5, 3.7): text, the vote, an election.
			"m.meet.decide":    {accepts: inChoice, ask: askMeetDecide, choose: chooseMeetDecide},
			"m.meet.text":      {accepts: inText, ask: askDecisionText, choose: dropDecision, cancel: cancelDecision, input: decisionTextInput},
			"m.meet.for":       {accepts: inNumber, bounds: voteBounds, ask: askVotes, choose: dropDecision, cancel: cancelDecision, input: votesInput},
			"m.meet.against":   {accepts: inNumber, bounds: voteBounds, ask: askVotes, choose: dropDecision, cancel: cancelDecision, input: votesInput},
			"m.meet.abstained": {accepts: inNumber, bounds: voteBounds, ask: askVotes, choose: dropDecision, cancel: cancelDecision, input: votesInput},
			"m.meet.elects":    {accepts: inChoice, ask: askElects, choose: chooseElects, cancel: cancelDecision},
			"m.meet.elected":   {accepts: inChoice, ask: askElected, choose: chooseElected, cancel: cancelDecision},
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

// meetingDraft is a meeting being recorded. Meeting is set once the
// meeting is in the minutes: from then on the dialogue adds to it and
// never records it again.
type meetingDraft struct {
	HeldAt   time.Time     `json:"at"`
	Place    string        `json:"place,omitempty"`
	Meeting  int64         `json:"meeting,omitempty"`
	Decided  int           `json:"decided,omitempty"` // decisions recorded in this dialogue
	Decision decisionDraft `json:"decision,omitempty"`
}

// decisionDraft is the decision being recorded.
type decisionDraft struct {
	Text      string          `json:"text,omitempty"`
	For       int             `json:"for,omitempty"`
	Against   int             `json:"against,omitempty"`
	Abstained int             `json:"abstained,omitempty"`
	Elects    monitoring.Role `json:"elects,omitempty"`
}

func meetingDraftOf(t *turn) *meetingDraft { return dialogueData[meetingDraft](t) }

// cmdMeeting records a new meeting, or with a minutes number ("/meeting
// 4/2026") reopens an unsigned one to add decisions.
func cmdMeeting(t *turn, _ monitoring.Member, args string) error {
	if strings.TrimSpace(args) == "" {
		return t.start("m.meet.when", &meetingDraft{})
	}
	n, ok := monitoring.ParseMinutesNumber(args)
	if !ok {
		return t.say(t.T("meeting.usage", nil))
	}
	list, err := t.tx.Meetings(t.ctx, t.e.Muni.Code)
	if err != nil {
		return err
	}
	for _, mt := range list {
		if mt.Number != n {
			continue
		}
		if mt.Signed != nil {
			return t.say(t.T("meeting.signed_already", nil))
		}
		return t.start("m.meet.decide", &meetingDraft{Meeting: mt.ID})
	}
	return t.say(t.T("sign.no_meeting", catalog.Args{"Number": n.String()}))
}

// recorder is the sender while they may record the meeting, checked on
// every step by who they are: an election in this very dialogue (3.5) can
// change their role. Anyone else is refused and the dialogue ends.
func recorder(t *turn) (monitoring.Member, bool, error) {
	m, ok, err := t.member()
	switch {
	case err != nil:
		return m, false, err
	case !ok:
		t.end()
		return m, false, t.refuse(t.stranger(), "meeting", 0, "members.only")
	case !m.MayRecordMeeting():
		t.end()
		return m, false, t.refuse(actor(m), "meeting", 0, "meeting.role")
	}
	return m, true, nil
}

// restartAt makes step the dialogue's first question: what came before it
// is done and cannot be answered again ("Back" after the meeting is
// recorded would record it twice).
func restartAt(t *turn, step string) error {
	f := t.top()
	f.History, f.Step, f.Menu = nil, step, nil
	return t.ask(step)
}

func askMeetWhen(t *turn) error {
	return t.askMenu("m.meet.when", t.T("meeting.when", nil), 1, cancelMenu(t))
}

// meetWhenInput reads "10.02.2026 15:00", or a time alone for today.
func meetWhenInput(t *turn) error {
	if _, ok, err := recorder(t); !ok {
		return err
	}
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
	if _, ok, err := recorder(t); !ok {
		return err
	}
	meetingDraftOf(t).Place = ""
	return t.ask("m.meet.agenda")
}

func meetPlaceInput(t *turn) error {
	if _, ok, err := recorder(t); !ok {
		return err
	}
	meetingDraftOf(t).Place = strings.TrimSpace(t.u.Text)
	return t.ask("m.meet.agenda")
}

func askMeetAgenda(t *turn) error {
	return t.askMenu("m.meet.agenda", t.T("meeting.agenda", nil), 1, cancelMenu(t))
}

// meetAgendaInput records the meeting: one agenda item a line.
func meetAgendaInput(t *turn) error {
	m, ok, err := recorder(t)
	if !ok {
		return err
	}
	if meetingDraftOf(t).Meeting != 0 { // recorded already (a state from before attendance was made the first question)
		return restartAt(t, "m.meet.attend")
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
	return restartAt(t, "m.meet.attend")
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
	if _, ok, err := recorder(t); !ok {
		return err
	}
	delete(t.top().Answers, "m.meet.attend") // a mark changed is no answer to show again
	d := meetingDraftOf(t)
	if data == "done" {
		mt, err := t.tx.Meeting(t.ctx, t.e.Muni.Code, d.Meeting)
		if err != nil {
			return err
		}
		if err := t.say(t.T("meeting.recorded", catalog.Args{"Number": mt.Number.String(), "Present": mt.Present(), "All": len(mt.Attendance)})); err != nil {
			return err
		}
		return t.ask("m.meet.decide")
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

// openMeeting reads the dialogue's meeting; ok is false, with the
// dialogue ended and the user told, once its minutes are signed.
func openMeeting(t *turn) (monitoring.Meeting, bool, error) {
	mt, err := t.tx.Meeting(t.ctx, t.e.Muni.Code, meetingDraftOf(t).Meeting)
	if err != nil {
		return mt, false, fmt.Errorf("read the meeting being recorded: %w", err)
	}
	if mt.Signed != nil {
		t.end()
		return mt, false, t.say(t.T("meeting.signed_already", nil))
	}
	return mt, true, nil
}

// askMeetDecide offers to record a decision, or to finish.
func askMeetDecide(t *turn) error {
	mt, ok, err := openMeeting(t)
	if !ok {
		return err
	}
	prompt, another := t.T("meeting.decide", catalog.Args{"Number": mt.Number.String()}), t.T("meeting.decision_new", nil)
	if meetingDraftOf(t).Decided > 0 {
		prompt, another = t.T("meeting.decide_more", nil), t.T("meeting.decision_another", nil)
	}
	return t.askMenu("m.meet.decide", prompt, 1, []Option{{Label: another, Data: "new"}, {Label: t.T("button.done", nil), Data: "done"}})
}

func chooseMeetDecide(t *turn, data string) error {
	if _, ok, err := recorder(t); !ok {
		return err
	}
	delete(t.top().Answers, "m.meet.decide")
	if data == "new" {
		meetingDraftOf(t).Decision = decisionDraft{}
		return t.ask("m.meet.text")
	}
	mt, ok, err := openMeeting(t)
	if !ok {
		return err
	}
	t.end()
	return t.say(t.T("meeting.finished", catalog.Args{"Number": mt.Number.String(), "Count": len(mt.Decisions)}))
}

// cancelDecision drops the decision being recorded, and says what stays:
// the meeting and the decisions recorded before.
func cancelDecision(t *turn) error {
	mt, err := t.tx.Meeting(t.ctx, t.e.Muni.Code, meetingDraftOf(t).Meeting)
	if err != nil {
		return fmt.Errorf("read the meeting being recorded: %w", err)
	}
	t.end()
	if err := t.say(t.T("meeting.decision_dropped", catalog.Args{"Number": mt.Number.String()})); err != nil {
		return err
	}
	return t.resend()
}

// dropDecision is the cancel control of a decision's questions.
func dropDecision(t *turn, _ string) error { return cancelDecision(t) }

func askDecisionText(t *turn) error {
	return t.askMenu("m.meet.text", t.T("meeting.decision_text", nil), 1, cancelMenu(t))
}

func decisionTextInput(t *turn) error {
	if _, ok, err := recorder(t); !ok {
		return err
	}
	meetingDraftOf(t).Decision.Text = strings.TrimSpace(t.u.Text)
	return t.ask("m.meet.for")
}

// votesCounted is the vote as counted before the step asks its number:
// for, then against, then abstaining.
func votesCounted(d decisionDraft, step string) monitoring.MeetingDecision {
	var v monitoring.MeetingDecision
	switch step {
	case "m.meet.abstained":
		v.Against = d.Against
		fallthrough
	case "m.meet.against":
		v.For = d.For
	}
	return v
}

// votesLeft is how many present members the vote has not counted yet at
// the open step (monitoring.MeetingDecision.VotesLeft, the rule the
// minutes are stored by).
func votesLeft(t *turn) (int, error) {
	mt, err := t.tx.Meeting(t.ctx, t.e.Muni.Code, meetingDraftOf(t).Meeting)
	if err != nil {
		return 0, fmt.Errorf("read the meeting being recorded: %w", err)
	}
	return votesCounted(meetingDraftOf(t).Decision, t.top().Step).VotesLeft(mt.Present()), nil
}

func voteBounds(t *turn) (int, int) {
	left, err := votesLeft(t)
	if err != nil {
		t.e.Log.Warn("votes left unknown", "err", err)
	}
	return 0, max(left, 0)
}

// askVotes asks one count of the vote, up to the votes left.
func askVotes(t *turn) error {
	left, err := votesLeft(t)
	if err != nil {
		return err
	}
	step := t.top().Step
	id := map[string]string{"m.meet.for": "meeting.votes_for", "m.meet.against": "meeting.votes_against", "m.meet.abstained": "meeting.votes_abstained"}[step]
	return t.askMenu(step, t.T(id, catalog.Args{"Max": max(left, 0)}), 1, cancelMenu(t))
}

// votesInput keeps a count and asks the next; once every member present is
// counted, the counts left are 0 and not asked.
func votesInput(t *turn) error {
	if _, ok, err := recorder(t); !ok {
		return err
	}
	n, _ := readNumber(t.u.Text) // read and bounded by the step already
	dd := &meetingDraftOf(t).Decision
	step, next := t.top().Step, "m.meet.elects"
	switch step {
	case "m.meet.for":
		dd.For, dd.Against, dd.Abstained, next = n, 0, 0, "m.meet.against"
	case "m.meet.against":
		dd.Against, dd.Abstained, next = n, 0, "m.meet.abstained"
	case "m.meet.abstained":
		dd.Abstained = n
	}
	if left, err := votesLeft(t); err != nil {
		return err
	} else if left-n <= 0 {
		next = "m.meet.elects"
	}
	return t.ask(next)
}

// askElects asks whether the decision elects an officer (3.5).
func askElects(t *turn) error {
	opts := []Option{}
	for _, r := range []monitoring.Role{monitoring.Chair, monitoring.Deputy, monitoring.Secretary} {
		opts = append(opts, Option{Label: t.T("meeting.elects."+string(r), nil), Data: "r:" + string(r)})
	}
	opts = append(opts, Option{Label: t.T("meeting.elects.none", nil), Data: "none"}, t.cancelOption())
	return t.askMenu("m.meet.elects", t.T("meeting.elects", nil), 1, opts)
}

func chooseElects(t *turn, data string) error {
	if data == "cancel" {
		return cancelDecision(t)
	}
	m, ok, err := recorder(t)
	if !ok {
		return err
	}
	dd := &meetingDraftOf(t).Decision
	if r, ok := strings.CutPrefix(data, "r:"); ok && monitoring.Role(r).Unique() {
		dd.Elects = monitoring.Role(r)
		return t.ask("m.meet.elected")
	}
	dd.Elects = ""
	return recordDecision(t, m, 0)
}

// askElected lists the group's members to choose the one elected.
func askElected(t *turn) error {
	list, err := t.tx.Members(t.ctx, t.e.Muni.Code, false)
	if err != nil {
		return err
	}
	var opts []Option
	for _, mb := range list {
		if !mb.Active() {
			continue
		}
		label := mb.Name
		if mb.Role.Unique() { // who holds an office now, whom the election may replace
			label = t.T("meeting.candidate", catalog.Args{"Name": mb.Name, "Role": t.T("role."+string(mb.Role), nil)})
		}
		opts = append(opts, Option{Label: label, Data: fmt.Sprintf("e:%d", mb.ID)})
	}
	opts = append(opts, t.cancelOption())
	return t.askMenu("m.meet.elected", t.T("meeting.who."+string(meetingDraftOf(t).Decision.Elects), nil), 1, opts)
}

func chooseElected(t *turn, data string) error {
	if data == "cancel" {
		return cancelDecision(t)
	}
	m, ok, err := recorder(t)
	if !ok {
		return err
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(data, "e:"), 10, 64)
	if err != nil || !meetingDraftOf(t).Decision.Elects.Unique() {
		return t.reaskChoice()
	}
	return recordDecision(t, m, id)
}

// decisionSteps are the questions of one decision, forgotten once it is
// recorded so the next one starts afresh.
var decisionSteps = []string{"m.meet.decide", "m.meet.text", "m.meet.for", "m.meet.against", "m.meet.abstained", "m.meet.elects", "m.meet.elected"}

// recordDecision adds the decision to the minutes, with the election if
// any (3.5), and offers another.
func recordDecision(t *turn, m monitoring.Member, elected int64) error {
	d := meetingDraftOf(t)
	mt, ok, err := openMeeting(t)
	if !ok {
		return err
	}
	dd := d.Decision
	dec := monitoring.MeetingDecision{Text: dd.Text, For: dd.For, Against: dd.Against, Abstained: dd.Abstained, Elects: dd.Elects, Elected: elected}
	switch err := t.tx.AddDecision(t.ctx, t.e.Muni.Code, mt.ID, dec); monitoring.ErrorCode(err) {
	case "":
	case monitoring.ECONFLICT: // signed meanwhile
		t.end()
		return t.say(t.T("meeting.signed_already", nil))
	case monitoring.ENOTFOUND: // the member left the group meanwhile
		if err := t.say(t.T("meeting.member_gone", nil)); err != nil {
			return err
		}
		return t.ask("m.meet.elected")
	case monitoring.EINVALID: // the attendance changed meanwhile: count again
		if err := t.say(t.T("meeting.recount", nil)); err != nil {
			return err
		}
		return t.ask("m.meet.for")
	default:
		return fmt.Errorf("record a decision of meeting %s: %w", mt.Number, err)
	}
	detail := "minutes:" + mt.Number.String()
	if dec.Elects != "" {
		detail += fmt.Sprintf(" elects:%s member:%d", dec.Elects, dec.Elected)
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "decision", 0, "ok", detail); err != nil {
		return err
	}
	lines := []string{t.T("meeting.decision_recorded", nil), t.T("minutes.votes", catalog.Args{"For": dec.For, "Against": dec.Against, "Abstained": dec.Abstained})}
	if dec.Elects != "" {
		if mt, err = t.tx.Meeting(t.ctx, t.e.Muni.Code, mt.ID); err != nil {
			return err
		}
		name := ""
		if n := len(mt.Decisions); n > 0 {
			name = mt.Decisions[n-1].ElectedName
		}
		lines = append(lines, t.T("minutes.elected", catalog.Args{"Name": name, "Role": t.T("role."+string(dec.Elects), nil)}))
	}
	if err := t.say(strings.Join(lines, "\n")); err != nil {
		return err
	}
	// An election may have taken the recorder's own role (a new secretary,
	// 3.5): the minutes go on with whoever keeps them now.
	if m, ok, err := t.member(); err != nil {
		return err
	} else if !ok || !m.MayRecordMeeting() {
		t.end()
		return t.say(t.T("meeting.handed_over", catalog.Args{"Number": mt.Number.String()}))
	}
	d.Decided++
	d.Decision = decisionDraft{}
	// The next decision starts afresh; "Back" from here goes to the
	// attendance, never into a decision already recorded.
	f := t.top()
	if i := slices.Index(f.History, "m.meet.attend"); i >= 0 {
		f.History = f.History[:i+1]
	} else {
		f.History = nil
	}
	for _, s := range decisionSteps {
		delete(f.Answers, s)
	}
	f.Step, f.Menu = "m.meet.decide", nil
	return t.ask("m.meet.decide")
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
