package bot

import (
	"encoding/json"
	"fmt"
	"strings"

	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/survey"
)

// Reaching a survey: the invitation (its Start button, a typed "1" or
// /survey), a response begun or resumed, and /stop taking it off the stack.

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
		return t.say(t.T(stateNotice(rec.State), nil))
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
			newRun(t, f, resp.Answers)
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
	d.Q = q.Key()
	return askSurvey(t)
}

// resumeAt is the first question still to answer: the first one asked
// with no answer given, notes aside (they hold none), or rather the notes
// just before it, which belong with it (the introduction, for a response
// begun). With only closing notes left, the first of them.
func resumeAt(r *survey.Run) (*survey.Question, bool) {
	var firstNote *survey.Question
	q, ok := r.Next("")
	for ok {
		if q.Display() { // a read-only value, like a note, holds no answer given
			if firstNote == nil {
				firstNote = q
			}
		} else if a, answered := r.Answers[q.Key()]; !answered || !a.Asked {
			if firstNote != nil {
				return firstNote, true
			}
			return q, true
		} else {
			firstNote = nil
		}
		q, ok = r.Next(q.Key())
	}
	return firstNote, firstNote != nil
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
