package bot

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/survey"
)

// The group's side of surveys: /field (a member records answers given on
// paper or in a meeting), /launch (the chair, the deputy or the secretary
// sends a survey) and /results (the summary in the chat).

// cmdField is /field SURVEY [PEOPLE]: a member records one questionnaire
// filled in on paper, asked the village first; or, with PEOPLE of 2 or
// more, a group asked together (a focus group of 8–12 by Regulation 5.6,
// a group discussion otherwise), asked about the meeting first (see
// surveygroup.go).
func cmdField(t *turn, m monitoring.Member, args string) error {
	fields := strings.Fields(args)
	id, size := int64(0), 1
	if len(fields) > 0 {
		id, _ = strconv.ParseInt(fields[0], 10, 64)
	}
	if len(fields) > 1 {
		n, err := strconv.Atoi(fields[1])
		if err != nil || n < 1 || n > survey.GroupMax {
			return t.say(t.T("survey.field_size", nil))
		}
		size = n
	}
	rec, ok, err := memberSurvey(t, id, "field")
	if err != nil || !ok {
		return err
	}
	if recusedFromSurvey(t, m, rec) {
		return t.refuse(actor(m), "field", 0, "survey.recused")
	}
	if rec.State != survey.Open {
		return t.say(t.T("survey.field_not_open", catalog.Args{"Title": rec.Title}))
	}
	if size >= survey.GroupMin {
		return t.start("survey.group.date", &surveyRun{Survey: rec.ID, Field: true, GroupSize: size, Group: &fieldGroup{}})
	}
	return t.start("survey.field", &surveyRun{Survey: rec.ID, Field: true, GroupSize: size})
}

// memberSurvey finds the survey a member's command names; with no number
// it lists the surveys to choose from and says how.
func memberSurvey(t *turn, id int64, command string) (survey.Record, bool, error) {
	list, err := t.tx.OpenSurveys(t.ctx, t.e.Muni.Code)
	if err != nil {
		return survey.Record{}, false, err
	}
	for _, r := range list {
		if r.ID == id {
			return r, true, nil
		}
	}
	if len(list) == 0 {
		return survey.Record{}, false, t.say(t.T("survey.member_none", nil))
	}
	var b strings.Builder
	b.WriteString(t.T("survey.member_pick", catalog.Args{"Command": "/" + command}))
	for _, r := range list {
		fmt.Fprintf(&b, "\n/%s %d: %s (%s)", command, r.ID, r.Title, t.T("survey.state."+string(r.State), nil))
	}
	return survey.Record{}, false, t.say(b.String())
}

func askFieldVillage(t *turn) error {
	d := dialogueData[surveyRun](t)
	rec, _, err := t.tx.OpenSurvey(t.ctx, t.e.Muni.Code, d.Survey)
	if err != nil {
		return err
	}
	var opts []Option
	for _, v := range t.e.Muni.Villages {
		if len(rec.Sampling.Villages) == 0 || contains(rec.Sampling.Villages, v.Code) {
			opts = append(opts, Option{Label: v.Name.In(t.lang), Data: "v:" + v.Code})
		}
	}
	return t.askMenu("survey.field", t.T("survey.field_village", catalog.Args{"Title": rec.Title, "People": d.GroupSize}), 2, opts)
}

// chooseFieldVillage begins the member's record in the village chosen.
func chooseFieldVillage(t *turn, data string) error {
	d := dialogueData[surveyRun](t)
	m, ok, err := t.member()
	if err != nil || !ok {
		return err
	}
	rec, v, err := t.tx.OpenSurvey(t.ctx, t.e.Muni.Code, d.Survey)
	if err != nil {
		return err
	}
	if rec.State != survey.Open {
		t.end()
		return t.say(t.T("survey.field_not_open", catalog.Args{"Title": rec.Title}))
	}
	var meeting survey.Gathering
	if d.Group != nil {
		if meeting = gatheringOf(m, d); meeting.Check() != nil {
			return t.ask("survey.group.date") // a meeting not fully told (an older state): ask it again
		}
	}
	resp := survey.Response{SurveyID: rec.ID, VersionID: v.ID, MemberID: m.ID, GroupSize: d.GroupSize,
		Channel: "field", Village: strings.TrimPrefix(data, "v:"), Answers: map[string]survey.Answer{}}
	if f, err := survey.LoadForm(v); err == nil {
		f.FillMeta(resp.Answers, t.tx.Now(), "field", m.Name, false)
		newRun(t, f, resp.Answers)
	}
	if err := t.tx.StartResponse(t.ctx, t.e.Muni.Code, &resp); err != nil {
		return err
	}
	if d.Group != nil {
		meeting.SurveyID, meeting.ResponseID = rec.ID, resp.ID
		if err := t.tx.AddGathering(t.ctx, t.e.Muni.Code, &meeting); err != nil {
			return err
		}
	}
	return askFirst(t, d, resp)
}

// cmdLaunch is /launch SURVEY [N]: the chair or the secretary sends an
// open survey to the subscribers of its villages, or to a random sample of
// N (by default the planned number), as campaigns that never hold up a
// resident's reply. Whoever was invited before is not invited again.
func cmdLaunch(t *turn, m monitoring.Member, args string) error {
	fields := strings.Fields(args)
	id, n := int64(0), 0
	if len(fields) > 0 {
		id, _ = strconv.ParseInt(fields[0], 10, 64)
	}
	if len(fields) > 1 {
		var err error
		if n, err = strconv.Atoi(fields[1]); err != nil || n < 1 {
			return t.say(t.T("survey.launch_usage", nil))
		}
	}
	rec, ok, err := memberSurvey(t, id, "launch")
	if err != nil || !ok {
		return err
	}
	if recusedFromSurvey(t, m, rec) {
		return t.refuse(actor(m), "launch", 0, "survey.recused")
	}
	notices, err := t.tx.Notices(t.ctx, t.e.Muni.Code, rec.Object)
	if err != nil {
		return err
	}
	if monitoring.CheckLaunchNotice(rec.Object, rec.NoticeWaiver, notices, t.tx.Now()) != nil {
		return t.say(t.T("survey.no_notice", catalog.Args{"Object": t.e.Muni.ObjectName(rec.Object, t.lang)}))
	}
	if rec.State != survey.Open {
		return t.say(t.T("survey.field_not_open", catalog.Args{"Title": rec.Title}))
	}
	subs, err := t.tx.Subscribers(t.ctx, t.e.Muni.Code, rec.Sampling.Villages)
	if err != nil {
		return err
	}
	if n == 0 {
		n = rec.Sampling.Planned
	}
	chosen := survey.Pick(subs, n, rand.New(rand.NewPCG(uint64(t.tx.Now().UnixNano()), uint64(m.ID))))
	inv, err := SurveyInvitations(t.e.Catalog, rec, chosen, false)
	if err != nil {
		return err
	}
	invited, err := t.tx.Invite(t.ctx, t.e.Muni.Code, rec.ID, inv, false)
	if err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "survey.launch", 0, "ok", fmt.Sprintf("survey %d: %d invited", rec.ID, invited)); err != nil {
		return err
	}
	text := t.T("survey.launched", catalog.Args{"Title": rec.Title, "Invited": invited, "Subscribers": len(subs)})
	if rec.Sampling.Planned > len(subs) {
		// Regulation 5.6 plans the number of respondents: say when it cannot be reached.
		text += "\n" + t.T("survey.launch_short", catalog.Args{"Planned": rec.Sampling.Planned, "Subscribers": len(subs)})
	}
	return t.say(text)
}

// cmdResults is /results [SURVEY]: a survey's summary in the chat, for
// members: how many answered of those invited, then per question how many
// answered and the share of each option (most chosen first), means of
// numbers and ratings, and the responses by village.
func cmdResults(t *turn, _ monitoring.Member, args string) error {
	id, _ := strconv.ParseInt(strings.TrimSpace(args), 10, 64)
	rec, ok, err := memberSurvey(t, id, "results")
	if err != nil || !ok {
		return err
	}
	_, v, err := t.tx.OpenSurvey(t.ctx, t.e.Muni.Code, rec.ID)
	if err != nil {
		return err
	}
	form, err := survey.LoadForm(v)
	if err != nil {
		return err
	}
	responses, err := t.tx.SurveyResponses(t.ctx, rec.ID)
	if err != nil {
		return err
	}
	invited, err := t.tx.InvitedCount(t.ctx, rec.ID)
	if err != nil {
		return err
	}
	res := survey.Count(form, responses)
	lang := string(t.lang)
	var b strings.Builder
	b.WriteString(t.T("survey.results_head", catalog.Args{"Title": rec.Title, "Complete": res.Complete, "Invited": invited,
		"Begun": res.Responses, "People": res.People}))
	// Each group asked together is one of the answers above (5.6): say
	// how many of them were focus groups and how many other discussions.
	if res.FocusGroups > 0 {
		b.WriteString("\n" + t.T("survey.results_focus", catalog.Args{"Count": res.FocusGroups, "People": res.FocusPeople}))
	}
	if res.Discussions > 0 {
		b.WriteString("\n" + t.T("survey.results_discussions", catalog.Args{"Count": res.Discussions, "People": res.DiscussionPeople}))
	}
	for _, qr := range res.Questions {
		if qr.Asked == 0 || qr.Question.Type == survey.Text || qr.Question.Type == survey.Acknowledge {
			continue
		}
		fmt.Fprintf(&b, "\n\n%s\n%s", qr.Question.Label.In(lang),
			t.T("survey.results_answered", catalog.Args{"Answered": qr.Answered, "Asked": qr.Asked}))
		for _, o := range qr.Order() {
			if o.Count > 0 {
				fmt.Fprintf(&b, "\n• %s: %d (%s%%)", o.Choice.Label.In(lang), o.Count, survey.Number(o.Percent, 0))
			}
		}
		if n := qr.Numbers; n != nil && qr.Answered > 0 {
			b.WriteString("\n" + t.T("survey.results_mean", catalog.Args{"Mean": survey.Number(n.Mean, 1),
				"Min": survey.Number(n.Min, 2), "Max": survey.Number(n.Max, 2)}))
		}
	}
	var villages []string
	for _, pl := range t.e.Muni.Villages {
		villages = append(villages, pl.Code)
	}
	by := survey.ByVillage(form, responses, villages)
	if len(by) > 0 {
		b.WriteString("\n\n" + t.T("survey.results_villages", nil))
		for _, pl := range t.e.Muni.Villages {
			if r, ok := by[pl.Code]; ok {
				fmt.Fprintf(&b, "\n• %s: %d", pl.Name.In(t.lang), r.Complete)
				if idx, ok := r.SatisfactionIndex(survey.Satisfaction); ok {
					fmt.Fprintf(&b, "; %s", t.T("survey.results_index", catalog.Args{"Index": survey.Number(idx, 0)}))
				}
			}
		}
	}
	text := TruncateText(b.String(), MaxText)
	if t.u.ChatKind != Private && t.u.ChatID == t.e.Muni.WhatsAppGroup && t.u.PrivateChat != "" {
		// Asked in the residents' group: the counts are the members', not
		// for the public (no "<5" here), so they go to the member alone.
		return t.sendTo(t.u.PrivateChat, t.lang, Reply{Text: text}, "", time.Time{})
	}
	return t.say(text)
}

// recusedFromSurvey reports whether the member declared a conflict of
// interest for what the survey monitors, or for the survey itself (6.3):
// then they neither launch it nor record its answers.
func recusedFromSurvey(t *turn, m monitoring.Member, rec survey.Record) bool {
	if rec.Object != "" && m.RecusedFromObject(t.e.Muni, rec.Object) {
		return true
	}
	return m.RecusedFromObject(t.e.Muni, monitoring.ObjectRef(monitoring.ObjectSurvey, strconv.FormatInt(rec.ID, 10)))
}
