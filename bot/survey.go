package bot

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/survey"
)

// Surveys (Regulation 5.6: questionnaires and citizen report cards), run in
// the chat one question at a time: buttons on Telegram, numbered options
// elsewhere. A resident who agreed to surveys and was invited presses
// "Start" (or types 1), answers, may go back, skip what is not required,
// stop with /stop at any time, and finds the survey where they left it
// after a complaint, a /status or a restart. survey.Run decides what is
// asked and whether an answer counts; this file asks and listens.

// surveyFlow declares the three ways a survey question is answered: one
// choice (also a note's "Next" and an acknowledgement), several choices,
// and typed words, numbers or dates.
func surveyFlow() flow {
	return flow{
		steps: map[string]*step{
			"survey.choice": {accepts: inChoice, ask: askSurvey, choose: chooseSurvey, back: surveyBack},
			"survey.multi":  {accepts: inChoice, ask: askSurvey, choose: chooseSurvey, input: typedChoices, back: surveyBack},
			"survey.text":   {accepts: inText, ask: askSurvey, choose: chooseSurvey, input: typedAnswer, back: surveyBack},
			"survey.field":  {accepts: inChoice, ask: askFieldVillage, choose: chooseFieldVillage},
		},
		commands: map[string]memberCommand{
			"field":   {who: anyMember, run: cmdField},
			"results": {who: anyMember, inGroup: true, run: cmdResults},
			"launch":  {who: monitoring.Member.MayLaunch, run: cmdLaunch, lacking: "survey.launch_role"},
		},
	}
}

// surveyRun is a survey dialogue's own data: which response, and the open
// question. The answers themselves live in the response.
type surveyRun struct {
	Survey   int64    `json:"survey"`
	Response int64    `json:"response"`
	Q        string   `json:"q"`
	Picked   []string `json:"picked,omitempty"` // a multiple choice being made
	// Field is a member recording the answers of people met in person
	// (GroupSize of them at once, a focus group), for paper questionnaires
	// to land in the same results.
	Field     bool `json:"field,omitempty"`
	GroupSize int  `json:"group_size,omitempty"`
}

// SurveyInvitation is the message that invites residents of one language
// to a survey (or reminds them once), with its Start button.
func SurveyInvitation(cat *catalog.Catalog, lang monitoring.Lang, rec survey.Record, remind bool) Reply {
	id := "survey.invite"
	if remind {
		id = "survey.remind"
	}
	text := cat.T(lang, id, catalog.Args{"Title": rec.Title}) + "\n\n" + cat.T(lang, "survey.stop_hint", nil)
	return Reply{Lang: lang, Text: text, Menu: &Menu{Columns: 1, Options: []Option{
		{Label: cat.T(lang, "survey.start", nil), Data: fmt.Sprintf("q|%d|go", rec.ID)},
	}}}
}

// SurveyInvitations groups subscribers by channel and language: one
// message (and one campaign) each, in the residents' language (Kyrgyz if
// they never chose one).
func SurveyInvitations(cat *catalog.Catalog, rec survey.Record, subs []survey.Subscriber, remind bool) ([]survey.Invitation, error) {
	type key struct {
		channel string
		lang    monitoring.Lang
	}
	groups := map[key]*survey.Invitation{}
	var order []key
	for _, s := range subs {
		lang := s.Lang
		if lang == "" {
			lang = monitoring.DefaultLang
		}
		k := key{string(s.Channel), lang}
		g, ok := groups[k]
		if !ok {
			payload, err := json.Marshal(SurveyInvitation(cat, lang, rec, remind))
			if err != nil {
				return nil, fmt.Errorf("encode the invitation: %w", err)
			}
			g = &survey.Invitation{Channel: k.channel, Payload: payload}
			groups[k] = g
			order = append(order, k)
		}
		g.Residents = append(g.Residents, s)
	}
	out := make([]survey.Invitation, 0, len(order))
	for _, k := range order {
		out = append(out, *groups[k])
	}
	return out, nil
}

// surveyButton is the invitation's Start, pressed (or typed).
func surveyButton(t *turn, id int64) error {
	if err := t.ack(""); err != nil {
		return err
	}
	return beginSurvey(t, id)
}

// startInvited starts the survey a resident was invited to when they type
// the invitation's one choice ("1", "Start") with nothing else open; false
// when there is none, and the message is a complaint as usual.
func startInvited(t *turn) (bool, error) {
	text := fold(strings.TrimSuffix(strings.TrimSpace(t.u.Text), "."))
	if t.u.Kind != KindText || text != "1" && text != fold(t.T("survey.start", nil)) {
		return false, nil
	}
	id, err := t.tx.PendingInvitation(t.ctx, t.resident.ID)
	if err != nil || id == 0 {
		return false, err
	}
	return true, beginSurvey(t, id)
}

// takeSurvey is /survey: the survey the resident was invited to, begun or
// resumed.
func takeSurvey(t *turn) error {
	id, err := t.tx.PendingInvitation(t.ctx, t.resident.ID)
	if err != nil {
		return err
	}
	if id == 0 {
		if err := t.say(t.T("survey.none", nil)); err != nil {
			return err
		}
		return t.resend()
	}
	return beginSurvey(t, id)
}

// beginSurvey opens a survey for the resident: only with their consent,
// while it is open, once per person; a response begun before is resumed
// where it stopped.
func beginSurvey(t *turn, id int64) error {
	c, err := t.tx.Consent(t.ctx, t.resident.ID)
	if err != nil {
		return err
	}
	if !c.Given {
		return t.say(t.T("survey.no_consent", nil))
	}
	rec, v, err := t.tx.OpenSurvey(t.ctx, t.e.Muni.Code, id)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		return t.oldButton()
	}
	if err != nil {
		return err
	}
	if invited, err := t.tx.Invited(t.ctx, id, t.resident.ID); err != nil || !invited {
		if err == nil {
			err = t.say(t.T("survey.none", nil))
		}
		return err
	}
	resp, found, err := t.tx.ResidentResponse(t.ctx, id, t.resident.ID)
	if err != nil {
		return err
	}
	switch {
	case found && resp.Complete():
		return t.say(t.T("survey.answered", nil))
	case rec.State != survey.Open:
		return t.say(t.T("survey.closed", nil))
	}
	for _, f := range t.st.Frames {
		if strings.HasPrefix(f.Step, "survey.") && dialogueOf[surveyRun](f).Survey == id {
			t.dropSurveys(id) // asked again from where it stands, on top
			break
		}
	}
	if !found {
		resp = survey.Response{SurveyID: id, VersionID: v.ID, ResidentID: t.resident.ID, Channel: string(t.u.Channel), Village: c.Village,
			Answers: map[string]survey.Answer{}}
		if f, err := survey.LoadForm(v); err == nil {
			f.FillMeta(resp.Answers, t.tx.Now(), string(t.u.Channel), "", false)
		}
		if err := t.tx.StartResponse(t.ctx, t.e.Muni.Code, &resp); err != nil {
			return err
		}
	} else if err := t.say(t.T("survey.resume", nil)); err != nil {
		return err
	}
	d := &surveyRun{Survey: id}
	t.st.Frames = append(t.st.Frames, &Frame{Step: "survey.choice", data: d})
	return askFirst(t, d, resp)
}

// askFirst asks a response's first open question in the top survey
// dialogue, or finishes a response with nothing left to ask.
func askFirst(t *turn, d *surveyRun, resp survey.Response) error {
	run, err := surveyRunOf(t, resp)
	if err != nil {
		return err
	}
	d.Response = resp.ID
	q, ok := resumeAt(run)
	if !ok {
		return finishSurvey(t, run, resp.ID)
	}
	d.Q = q.Name
	return askSurvey(t)
}

// resumeAt is the first question still to answer: the first one asked
// that has no answer given.
func resumeAt(r *survey.Run) (*survey.Question, bool) {
	q, ok := r.Next("")
	for ok {
		if a, answered := r.Answers[q.Name]; !answered || !a.Asked {
			return q, true
		}
		q, ok = r.Next(q.Name)
	}
	return nil, false
}

// dialogueOf decodes a frame's data that is not the top one.
func dialogueOf[T any](f *Frame) *T {
	if p, ok := f.data.(*T); ok {
		return p
	}
	p := new(T)
	_ = json.Unmarshal(f.Data, p) // unreadable: an empty run, which ends itself
	return p
}

// dropSurveys takes a survey's dialogue (every survey's, with id 0) off
// the stack: /stop, or the same survey begun again.
func (t *turn) dropSurveys(id int64) {
	kept := t.st.Frames[:0]
	for _, f := range t.st.Frames {
		if strings.HasPrefix(f.Step, "survey.") && (id == 0 || dialogueOf[surveyRun](f).Survey == id) {
			continue
		}
		kept = append(kept, f)
	}
	t.st.Frames = kept
}

// surveyRunOf reads a response's run: the form it began with and its answers.
func surveyRunOf(t *turn, resp survey.Response) (*survey.Run, error) {
	v, err := t.tx.FormVersion(t.ctx, resp.VersionID)
	if err != nil {
		return nil, err
	}
	f, err := survey.LoadForm(v)
	if err != nil {
		return nil, err
	}
	now := t.tx.Now().In(monitoring.Bishkek)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, monitoring.Bishkek)
	run := survey.NewRun(f, resp.Answers, today)
	run.Now, run.Lang = now, string(t.lang)
	return run, nil
}

// openRun is the top survey dialogue's data, run and open question; a
// nil run when the response is gone or no longer the sender's.
func openRun(t *turn) (*surveyRun, *survey.Run, *survey.Question, error) {
	d := dialogueData[surveyRun](t)
	resp, err := t.tx.Response(t.ctx, d.Response)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		return d, nil, nil, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if d.Field {
		// Recording for others is a member's work: checked at every answer.
		m, ok, err := t.member()
		if err != nil {
			return nil, nil, nil, err
		}
		if !ok || !m.Active() || m.ID != resp.MemberID {
			return d, nil, nil, nil
		}
	} else if resp.ResidentID != t.resident.ID {
		return d, nil, nil, nil
	}
	if resp.Complete() {
		return d, nil, nil, nil
	}
	run, err := surveyRunOf(t, resp)
	if err != nil {
		return nil, nil, nil, err
	}
	q, ok := run.Form.Question(d.Q)
	if !ok || !run.Relevant(q) {
		q, ok = resumeAt(run)
		if !ok {
			return d, run, nil, nil
		}
		d.Q = q.Name
	}
	return d, run, q, nil
}

// surveyStep is the step that asks a question of q's type.
func surveyStep(q *survey.Question) string {
	switch q.Type {
	case survey.SelectOne, survey.Note, survey.Acknowledge:
		return "survey.choice"
	case survey.SelectMultiple:
		return "survey.multi"
	}
	return "survey.text"
}

// askSurvey asks the open question, with what it was answered before
// when the resident came back to it.
func askSurvey(t *turn) error {
	d, run, q, err := openRun(t)
	if err != nil {
		return err
	}
	if run == nil {
		t.end()
		return nil
	}
	if q == nil {
		return finishSurvey(t, run, d.Response)
	}
	lang := string(t.lang)
	prompt := run.Text(q.Label, lang)
	if g, ok := run.Form.Group(q.Group); ok && strings.Contains(g.Appearance, "field-list") && len(g.Label) > 0 {
		// A question of a page shown at once (KoBo's question matrix) reads
		// only with its page's title.
		prompt = run.Text(g.Label, lang) + "\n" + prompt
	}
	for q.Type == survey.Note {
		// Notes in a row go as one message: nothing to wait for between them.
		next, ok := run.Next(q.Name)
		if !ok || next.Type != survey.Note {
			break
		}
		q, d.Q = next, next.Name
		prompt += "\n\n" + run.Text(q.Label, lang)
	}
	if hint := run.Text(q.Hint, lang); hint != "" {
		prompt += "\n" + hint
	}
	var opts []Option
	switch q.Type {
	case survey.SelectOne:
		for _, c := range run.Options(q) {
			opts = append(opts, Option{Label: c.Label.In(lang), Data: "c:" + c.Name})
		}
	case survey.Acknowledge:
		opts = append(opts, Option{Label: t.T("survey.ok", nil), Data: "c:OK"})
	case survey.Note:
		opts = append(opts, Option{Label: t.T("survey.next", nil), Data: "c:"})
	case survey.SelectMultiple:
		picked := d.Picked
		if picked == nil {
			picked = strings.Fields(run.Answers[q.Name].Value)
		}
		for _, c := range run.Options(q) {
			mark := "☐ "
			if contains(picked, c.Name) {
				mark = "☑ "
			}
			opts = append(opts, Option{Label: mark + c.Label.In(lang), Data: "m:" + c.Name})
		}
		opts = append(opts, Option{Label: t.T("button.done", nil), Data: "sv:done", Word: true})
		prompt += "\n" + t.T("survey.multi_hint", nil)
	case survey.Integer, survey.Decimal:
		prompt += "\n" + t.T("survey.number_hint", nil)
	case survey.Date:
		prompt += "\n" + t.T("survey.date_hint", nil)
	}
	if a := run.Answers[q.Name]; a.Asked && a.Value != "" && q.Type != survey.Note {
		prompt += "\n\n" + t.T("answer.before", catalog.Args{"Answer": run.Shown(q.Name, lang)})
	}
	if a := run.Answers[q.Name]; !a.Asked && q.Default != "" && !strings.Contains(q.Default, "${") &&
		(q.Type == survey.Text || q.Type == survey.Integer || q.Type == survey.Decimal || q.Type == survey.Date) {
		// The form's default, kept with one tap (or by typing it).
		if v, ok := survey.Normalize(q, q.Default); ok && v != "" {
			opts = append(opts, Option{Label: t.T("survey.keep", catalog.Args{"Answer": q.Default}), Data: "c:" + v, Word: true})
		}
	}
	if !q.Required && q.Type != survey.Note && q.Type != survey.Acknowledge {
		opts = append(opts, Option{Label: t.T("survey.skip", nil), Data: "sv:skip", Word: true})
	}
	if _, ok := run.Before(q.Name); ok {
		opts = append(opts, Option{Label: t.T("button.back", nil), Data: "sv:back", Word: true})
	}
	// One step name serves every question of its kind: the framework's
	// own history and answers do not apply (the run keeps both).
	f := t.top()
	name := surveyStep(q)
	f.Step, f.History, f.Answers = name, nil, nil
	columns := 1
	if len(opts) > 6 {
		columns = 2
	}
	return t.askMenu(name, prompt, columns, opts)
}

// chooseSurvey takes a pressed (or typed) option of a survey question.
func chooseSurvey(t *turn, data string) error {
	switch {
	case data == "sv:back":
		return surveyBack(t)
	case data == "sv:skip":
		return answerSurvey(t, "")
	case data == "sv:done":
		d, run, q, err := openRun(t)
		if err != nil || run == nil || q == nil {
			return err
		}
		picked := d.Picked
		if picked == nil { // Done without a change: the answer as it was
			picked = strings.Fields(run.Answers[q.Name].Value)
		}
		if p := t.choiceEdit; p != nil && len(picked) > 0 {
			// The question shows what was chosen, not "✓ Done".
			var labels []string
			for _, c := range run.Options(q) {
				if contains(picked, c.Name) {
					labels = append(labels, c.Label.In(string(t.lang)))
				}
			}
			p.Text = run.Text(q.Label, string(t.lang)) + "\n\n✓ " + strings.Join(labels, ", ")
		}
		return answerSurvey(t, strings.Join(picked, " "))
	case strings.HasPrefix(data, "m:"):
		d := dialogueData[surveyRun](t)
		if d.Picked == nil {
			_, run, q, err := openRun(t)
			if err != nil || run == nil || q == nil {
				return err
			}
			d.Picked = strings.Fields(run.Answers[q.Name].Value)
		}
		name := strings.TrimPrefix(data, "m:")
		if i := indexOf(d.Picked, name); i >= 0 {
			d.Picked = append(d.Picked[:i], d.Picked[i+1:]...)
		} else {
			d.Picked = append(d.Picked, name)
		}
		d.Picked = append([]string{}, d.Picked...) // never nil once touched
		if t.choiceEdit != nil {
			t.choiceEdit.Text = "" // the question redrawn with its marks, not "✓ ☐ …"
		}
		return askSurvey(t)
	case strings.HasPrefix(data, "c:"):
		return answerSurvey(t, strings.TrimPrefix(data, "c:"))
	}
	return t.resend()
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// typedChoices reads "1,3" or "1 3" typed at a multiple choice.
func typedChoices(t *turn) error {
	f := t.top()
	var names []string
	for _, part := range strings.FieldsFunc(t.u.Text, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		n, err := strconv.Atoi(strings.TrimSuffix(part, "."))
		if err != nil || f.Menu == nil {
			return t.reaskChoice()
		}
		var numbered []Option
		for _, o := range f.Menu.Options {
			if !o.Word {
				numbered = append(numbered, o)
			}
		}
		if n < 1 || n > len(numbered) {
			return t.reaskChoice()
		}
		if name := strings.TrimPrefix(numbered[n-1].Data, "m:"); indexOf(names, name) < 0 {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return t.reaskChoice()
	}
	return answerSurvey(t, strings.Join(names, " "))
}

// typedAnswer takes words, a number or a date typed at an open question.
func typedAnswer(t *turn) error { return answerSurvey(t, t.u.Text) }

// answerSurvey gives the open question an answer: kept if it counts (and
// the next question asked), else asked again with the form's message.
func answerSurvey(t *turn, raw string) error {
	d, run, q, err := openRun(t)
	if err != nil {
		return err
	}
	if run == nil || q == nil {
		return askSurvey(t)
	}
	if q.Type == survey.Note {
		raw = ""
	}
	problem, err := run.Answer(q, raw, string(t.lang))
	if err != nil {
		return t.resend() // a choice the form no longer offers
	}
	if problem != nil {
		if problem.Message != "" {
			if err := t.send(Reply{Text: problem.Message}, "reask"); err != nil {
				return err
			}
			return t.resend()
		}
		id := "survey." + problem.Kind
		if problem.Kind == "type" {
			id = "survey.bad_number"
			if q.Type == survey.Date {
				id = "survey.bad_date"
			}
		}
		return t.reask(id, nil)
	}
	if q.Type == survey.Note {
		delete(run.Answers, q.Name) // a note holds no answer
	}
	d.Picked = nil
	next, more := run.Next(q.Name)
	if !more {
		return finishSurvey(t, run, d.Response)
	}
	if err := t.tx.SaveAnswers(t.ctx, d.Response, run.Answers, false); err != nil {
		return err
	}
	d.Q = next.Name
	return askSurvey(t)
}

// surveyBack asks the question before the open one again.
func surveyBack(t *turn) error {
	d, run, q, err := openRun(t)
	if err != nil || run == nil || q == nil {
		return err
	}
	prev, ok := run.Before(q.Name)
	if !ok {
		return t.resend()
	}
	for prev.Type == survey.Note { // notes in a row were one message: back to its first
		p, ok := run.Before(prev.Name)
		if !ok || p.Type != survey.Note {
			break
		}
		prev = p
	}
	d.Q, d.Picked = prev.Name, nil
	return askSurvey(t)
}

// finishSurvey keeps the response as complete and thanks the resident
// (or tells the member how to record the next one).
func finishSurvey(t *turn, run *survey.Run, responseID int64) error {
	run.Form.FillMeta(run.Answers, t.tx.Now(), "", "", true)
	if err := t.tx.SaveAnswers(t.ctx, responseID, run.Answers, true); err != nil {
		return err
	}
	d := dialogueData[surveyRun](t)
	t.end()
	if d.Field {
		return t.say(t.T("survey.field_done", catalog.Args{"ID": d.Survey}))
	}
	return t.say(t.T("survey.thanks", nil))
}

// cmdField is /field SURVEY [PEOPLE]: a member records one questionnaire
// filled in on paper, or a focus group's answers (PEOPLE of them, 8–12 by
// Regulation 5.6), asked the village first.
func cmdField(t *turn, _ monitoring.Member, args string) error {
	fields := strings.Fields(args)
	id, size := int64(0), 1
	if len(fields) > 0 {
		id, _ = strconv.ParseInt(fields[0], 10, 64)
	}
	if len(fields) > 1 {
		n, err := strconv.Atoi(fields[1])
		if err != nil || n < 1 || n > 100 {
			return t.say(t.T("survey.field_size", nil))
		}
		size = n
	}
	rec, ok, err := memberSurvey(t, id, "field")
	if err != nil || !ok {
		return err
	}
	if rec.State != survey.Open {
		return t.say(t.T("survey.field_not_open", catalog.Args{"Title": rec.Title}))
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
	resp := survey.Response{SurveyID: rec.ID, VersionID: v.ID, MemberID: m.ID, GroupSize: d.GroupSize,
		Channel: "field", Village: strings.TrimPrefix(data, "v:"), Answers: map[string]survey.Answer{}}
	if f, err := survey.LoadForm(v); err == nil {
		f.FillMeta(resp.Answers, t.tx.Now(), "field", m.Name, false)
	}
	if err := t.tx.StartResponse(t.ctx, t.e.Muni.Code, &resp); err != nil {
		return err
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
	if res.Groups > 0 {
		b.WriteString(" " + t.T("survey.results_groups", catalog.Args{"Groups": res.Groups}))
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
	return t.say(TruncateText(b.String(), MaxText))
}
