package bot

import (
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
			// A place: a shared location, or "lat lon" typed.
			"survey.geo":   {accepts: inMedia, ask: askSurvey, choose: chooseSurvey, input: geoAnswer, back: surveyBack},
			"survey.field": {accepts: inChoice, ask: askFieldVillage, choose: chooseFieldVillage},
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
	// Group is the meeting a group's answers come from, asked before them.
	Group *fieldGroup `json:"group,omitempty"`
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
	return newRun(t, f, resp.Answers), nil
}

// newRun runs a form over answers, at this turn's time and in its
// language. A new response's answers come back with the values its
// questions start with (dynamic defaults, evaluated as it starts).
func newRun(t *turn, f *survey.Form, answers map[string]survey.Answer) *survey.Run {
	now := t.tx.Now().In(monitoring.Bishkek)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, monitoring.Bishkek)
	run := survey.NewRun(f, answers, today)
	run.Now, run.Lang = now, string(t.lang)
	return run
}

// openRun is the top survey dialogue's data, run and open question. When
// the dialogue cannot go on (the response is gone, finished or not the
// sender's; the survey paused or closed) it ends the dialogue, saying why
// where the resident should hear it, and gives a nil run.
func openRun(t *turn) (*surveyRun, *survey.Run, *survey.Question, error) {
	d := dialogueData[surveyRun](t)
	resp, err := t.tx.Response(t.ctx, d.Response)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		t.end()
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
			t.end()
			return d, nil, nil, nil
		}
	} else if resp.ResidentID != t.resident.ID {
		t.end()
		return d, nil, nil, nil
	}
	if resp.Complete() {
		t.end()
		return d, nil, nil, nil
	}
	rec, _, err := t.tx.OpenSurvey(t.ctx, t.e.Muni.Code, resp.SurveyID)
	if err != nil {
		return nil, nil, nil, err
	}
	if rec.State != survey.Open {
		// Paused or closed: answers in hand stay; no more are taken.
		t.end()
		return d, nil, nil, t.say(t.T(stateNotice(rec.State), nil))
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
		d.Q = q.Key()
	}
	return d, run, q, nil
}

// surveyStep is the step that asks a question of q's type. A range is
// buttons on Telegram only: where numbers are typed, "5" must mean five,
// not the fifth line.
func surveyStep(q *survey.Question, numbered bool) string {
	if q.Display() {
		return "survey.choice"
	}
	switch q.Type {
	case survey.SelectOne, survey.Note, survey.Acknowledge:
		return "survey.choice"
	case survey.SelectMultiple:
		return "survey.multi"
	case survey.Geopoint:
		return "survey.geo"
	case survey.Range:
		if !numbered && len(q.Steps()) <= maxRangeButtons {
			return "survey.choice"
		}
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
		return nil // ended by openRun
	}
	if q == nil {
		return finishSurvey(t, run, d.Response)
	}
	lang := string(t.lang)
	prompt := shownText(run, q, lang)
	if g, ok := fieldList(run.Form, q.Group); ok {
		// A question of a page shown at once (KoBo's question matrix) reads
		// only with its page's title.
		page := formText(run, g.Label, lang)
		page.add("\n")
		page.addRich(prompt)
		prompt = page
	}
	for q.Display() {
		// Notes (and read-only values) in a row go as one message: nothing
		// to wait for between them.
		next, ok := run.Next(q.Key())
		if !ok || !next.Display() {
			break
		}
		q, d.Q = next, next.Key()
		prompt.add("\n\n")
		prompt.addRich(shownText(run, q, lang))
	}
	if hint := formText(run, q.Hint, lang); hint.plain != "" {
		prompt.add("\n")
		prompt.addRich(hint)
	}
	var opts []Option
	kind := q.Type
	if q.Display() {
		kind = survey.Note // a read-only value reads like a note: "Next"
	}
	switch kind {
	case survey.SelectOne:
		for _, c := range run.Options(q) {
			opts = append(opts, Option{Label: run.Text(c.Label, lang), Data: "c:" + c.Name})
		}
	case survey.Acknowledge:
		opts = append(opts, Option{Label: t.T("survey.ok", nil), Data: "c:OK"})
	case survey.Note:
		opts = append(opts, Option{Label: t.T("survey.next", nil), Data: "c:"})
	case survey.SelectMultiple:
		picked := d.Picked
		if picked == nil {
			picked = strings.Fields(run.Answers[q.Key()].Value)
		}
		for _, c := range run.Options(q) {
			mark := "☐ "
			if contains(picked, c.Name) {
				mark = "☑ "
			}
			opts = append(opts, Option{Label: mark + run.Text(c.Label, lang), Data: "m:" + c.Name})
		}
		opts = append(opts, Option{Label: t.T("button.done", nil), Data: "sv:done", Word: true})
		prompt.add("\n" + t.T("survey.multi_hint", nil))
	case survey.Integer, survey.Decimal:
		prompt.add("\n" + t.T("survey.number_hint", nil))
	case survey.Range:
		steps := q.Steps()
		if surveyStep(q, Numbered(t.u.Channel)) == "survey.choice" {
			for _, n := range steps {
				opts = append(opts, Option{Label: strings.Replace(n, ".", ",", 1), Data: "c:" + n})
			}
		} else {
			prompt.add("\n" + t.T("survey.range_hint", catalog.Args{"Min": strings.Replace(steps[0], ".", ",", 1), "Max": strings.Replace(steps[len(steps)-1], ".", ",", 1)}))
		}
	case survey.Date:
		prompt.add("\n" + t.T("survey.date_hint", nil))
	case survey.Time:
		prompt.add("\n" + t.T("survey.time_hint", nil))
	case survey.DateTime:
		prompt.add("\n" + t.T("survey.datetime_hint", nil))
	case survey.Geopoint:
		if t.u.Channel != monitoring.Console {
			prompt.add("\n" + t.T("survey.geo_hint", nil))
		} else { // the console shares no location
			prompt.add("\n" + t.T("survey.geo_console_hint", nil))
		}
	}
	if a := run.Answers[q.Key()]; a.Asked && a.Value != "" && !q.Display() {
		prompt.add("\n\n" + t.T("answer.before", catalog.Args{"Answer": run.Shown(q.Key(), lang)}))
	}
	if o, ok := keepOption(t, run, q); ok {
		opts = append(opts, o)
	}
	if !run.Required(q) && !q.Display() && q.Type != survey.Acknowledge {
		opts = append(opts, Option{Label: t.T("survey.skip", nil), Data: "sv:skip", Word: true})
	}
	if _, ok := run.Before(q.Key()); ok {
		opts = append(opts, Option{Label: t.T("button.back", nil), Data: "sv:back", Word: true})
	}
	// One step name serves every question of its kind: the framework's
	// own history and answers do not apply (the run keeps both).
	f := t.top()
	name := surveyStep(q, Numbered(t.u.Channel))
	f.Step, f.History, f.Answers = name, nil, nil
	columns := 1
	switch {
	case q.Type == survey.Range:
		columns = 6 // numbers side by side, as a scale
	case len(opts) > 6:
		columns = 2
	}
	return t.askMenuHTML(name, prompt.plain, prompt.html, columns, opts)
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
			picked = strings.Fields(run.Answers[q.Key()].Value)
		}
		if p := t.choiceEdit; p != nil && len(picked) > 0 {
			// The question shows what was chosen, not "✓ Done".
			var labels []string
			for _, c := range run.Options(q) {
				if contains(picked, c.Name) {
					labels = append(labels, run.Text(c.Label, string(t.lang)))
				}
			}
			p.Text = run.Text(q.Label, string(t.lang)) + "\n\n✓ " + strings.Join(labels, ", ")
			if p.HTML != "" {
				p.HTML = run.HTML(q.Label, string(t.lang)) + "\n\n✓ " + escapeHTML(strings.Join(labels, ", "))
			}
		}
		return answerSurvey(t, strings.Join(picked, " "))
	case strings.HasPrefix(data, "m:"):
		d := dialogueData[surveyRun](t)
		if d.Picked == nil {
			_, run, q, err := openRun(t)
			if err != nil || run == nil || q == nil {
				return err
			}
			d.Picked = strings.Fields(run.Answers[q.Key()].Value)
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

// geoAnswer takes a place: a location shared in the chat (kept as ODK
// keeps a point with no altitude or accuracy) or coordinates typed. A
// photo or a voice message is no place.
func geoAnswer(t *turn) error {
	switch {
	case t.u.Kind == KindLocation && t.u.Location != nil:
		l := t.u.Location
		return answerSurvey(t, strconv.FormatFloat(l.Lat, 'f', -1, 64)+" "+strconv.FormatFloat(l.Lon, 'f', -1, 64))
	case t.u.Kind == KindText && strings.TrimSpace(t.u.Text) != "":
		return answerSurvey(t, t.u.Text)
	}
	return t.reask("survey.bad_geopoint", nil)
}

// answerSurvey gives the open question an answer: kept if it counts (and
// the next question asked), else asked again with the form's message.
func answerSurvey(t *turn, raw string) error {
	d, run, q, err := openRun(t)
	if err != nil {
		return err
	}
	if run == nil {
		return nil // ended by openRun
	}
	if q == nil {
		return finishSurvey(t, run, d.Response)
	}
	if q.Type == survey.Note {
		raw = ""
	}
	if q.ReadOnly {
		return nextSurveyQuestion(t, d, run, q) // shown, never answered: its value stands
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
		id, args := "survey."+problem.Kind, catalog.Args(nil)
		if problem.Kind == "type" {
			switch q.Type {
			case survey.Date:
				id = "survey.bad_date"
			case survey.Time:
				id = "survey.bad_time"
			case survey.DateTime:
				id = "survey.bad_datetime"
			case survey.Geopoint:
				id = "survey.bad_geopoint"
			case survey.Range:
				start, end, step, _ := q.Range()
				id, args = "survey.bad_range", catalog.Args{"Min": survey.Number(start, 2), "Max": survey.Number(end, 2), "Step": survey.Number(step, 2)}
			default:
				id = "survey.bad_number"
			}
		}
		return t.reask(id, args)
	}
	if q.Type == survey.Note {
		delete(run.Answers, q.Key()) // a note holds no answer
	}
	return nextSurveyQuestion(t, d, run, q)
}

// nextSurveyQuestion keeps the answers so far and asks the question after
// q, or finishes the survey.
func nextSurveyQuestion(t *turn, d *surveyRun, run *survey.Run, q *survey.Question) error {
	d.Picked = nil
	next, more := run.Next(q.Key())
	if !more {
		return finishSurvey(t, run, d.Response)
	}
	if err := t.tx.SaveAnswers(t.ctx, d.Response, run.Answers, false); err != nil {
		return err
	}
	d.Q = next.Key()
	return askSurvey(t)
}

// surveyBack asks the question before the open one again.
func surveyBack(t *turn) error {
	d, run, q, err := openRun(t)
	if err != nil || run == nil || q == nil {
		return err
	}
	prev, ok := run.Before(q.Key())
	if !ok {
		return t.resend()
	}
	for prev.Display() { // notes in a row were one message: back to its first
		p, ok := run.Before(prev.Key())
		if !ok || !p.Display() {
			break
		}
		prev = p
	}
	d.Q, d.Picked = prev.Key(), nil
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
	if d.Group != nil {
		kind := survey.KindOf(d.GroupSize)
		return t.say(t.T("survey.group_done", catalog.Args{"Kind": t.T("survey.kind."+string(kind), nil), "People": d.GroupSize, "ID": d.Survey}))
	}
	if d.Field {
		return t.say(t.T("survey.field_done", catalog.Args{"ID": d.Survey}))
	}
	return t.say(t.T("survey.thanks", nil))
}

// stateNotice is what a resident is told of a survey that is not open.
func stateNotice(s survey.State) string {
	if s == survey.Paused {
		return "survey.paused"
	}
	return "survey.closed"
}

// shownText is a question's label as the respondent reads it; a
// read-only question's value follows it.
func shownText(run *survey.Run, q *survey.Question, lang string) rich {
	s := formText(run, q.Label, lang)
	if q.ReadOnly && q.Type != survey.Note {
		if v := run.Shown(q.Key(), lang); v != "" {
			s.add("\n" + v)
		}
	}
	return s
}

// rich is a text built of the form's texts, which carry formatting, and
// the bot's own, which do not: plain for every channel, and HTML for
// Telegram (see Reply.HTML).
type rich struct{ plain, html string }

// add appends plain text.
func (r *rich) add(s string) { r.plain, r.html = r.plain+s, r.html+escapeHTML(s) }

// addRich appends a formatted text.
func (r *rich) addRich(o rich) { r.plain, r.html = r.plain+o.plain, r.html+o.html }

// formText is one of the form's texts with its answers shown.
func formText(run *survey.Run, t survey.Translations, lang string) rich {
	return rich{plain: run.Text(t, lang), html: run.HTML(t, lang)}
}

// keepOption offers, as one tap, a value the question already holds: one
// a trigger or a dynamic default set (ODK shows it in the field), or else
// the form's static default. A value too long for a button's data is
// typed instead.
func keepOption(t *turn, run *survey.Run, q *survey.Question) (Option, bool) {
	a := run.Answers[q.Key()]
	if a.Asked || q.Display() {
		return Option{}, false
	}
	switch q.Type {
	case survey.Text, survey.Integer, survey.Decimal, survey.Date, survey.Geopoint:
	default:
		return Option{}, false
	}
	raw, shown := a.Value, run.Shown(q.Key(), string(t.lang))
	if raw == "" {
		if q.Default == "" || survey.DynamicDefault(q) {
			return Option{}, false
		}
		raw, shown = q.Default, q.Default
	}
	v, ok := survey.Normalize(q, raw)
	if !ok || v == "" || len(v) > maxKeepData {
		return Option{}, false
	}
	return Option{Label: t.T("survey.keep", catalog.Args{"Answer": shown}), Data: "c:" + v, Word: true}, true
}

// maxKeepData keeps a "keep" button's data within Telegram's 64 bytes,
// with the menu's sequence number and "c:" before it.
const maxKeepData = 48

// maxRangeButtons is the largest range asked with a button per number
// (a 0–10 rating); a longer one is typed.
const maxRangeButtons = 11

// fieldList is the page (a field-list group with a title) a question of
// group sits on, itself or around it: KoBo's question matrix puts each row
// in a group of its own, untitled, inside the titled page.
func fieldList(f *survey.Form, group string) (*survey.Group, bool) {
	for i := 0; group != "" && i <= len(f.Groups); i++ {
		g, ok := f.Group(group)
		if !ok {
			break
		}
		if strings.Contains(g.Appearance, "field-list") && len(g.Label) > 0 {
			return g, true
		}
		group = g.Parent
	}
	return nil, false
}
