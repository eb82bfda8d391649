package bot

import (
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/survey"
)

// A group asked together in field mode (/field SURVEY PEOPLE, 2 or more):
// before its answers the member records the meeting, one question at a
// time: the day, the place, the topic, who moderated, how many took part
// and notes. Regulation 5.6 calls a discussion of 8–12 carefully chosen
// people a focus group; a group of any other size is kept, and counted,
// as a group discussion, and the member is told so. The group's answers
// are one response: one source in results, whatever its size. Nothing is
// asked about who the participants were.

// gatheringFlow is the meeting's questions, in the order asked; the
// village (survey.field) comes after them, then the form.
func gatheringFlow() flow {
	return flow{steps: map[string]*step{
		"survey.group.date":      {accepts: inDate, ask: askGroupDate, choose: chooseGroupDate, input: groupDateInput},
		"survey.group.place":     {accepts: inText, ask: askGroupPlace, choose: cancelWork, input: groupPlaceInput},
		"survey.group.topic":     {accepts: inText, ask: askGroupTopic, choose: chooseGroupTopic, input: groupTopicInput},
		"survey.group.moderator": {accepts: inChoice, ask: askGroupModerator, choose: chooseGroupModerator, input: groupModeratorInput},
		"survey.group.people":    {accepts: inNumber, min: survey.GroupMin, max: survey.GroupMax, ask: askGroupPeople, choose: chooseGroupPeople, input: groupPeopleInput},
		"survey.group.notes":     {accepts: inText, ask: askGroupNotes, choose: chooseGroupNotes, input: groupNotesInput},
	}}
}

// fieldGroup is the meeting as recorded so far, kept with the dialogue
// until the village is chosen and the response begins.
type fieldGroup struct {
	HeldOn      string `json:"held_on,omitempty"` // YYYY-MM-DD
	Place       string `json:"place,omitempty"`
	Topic       string `json:"topic,omitempty"`
	ModeratorID int64  `json:"moderator_id,omitempty"`
	Moderator   string `json:"moderator,omitempty"`
	People      int    `json:"people,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

// groupOf is the top dialogue's survey run and its meeting.
func groupOf(t *turn) (*surveyRun, *fieldGroup) {
	d := dialogueData[surveyRun](t)
	if d.Group == nil {
		d.Group = &fieldGroup{}
	}
	return d, d.Group
}

// maxGroupText bounds what is typed for a place, a topic, a name or notes:
// a record, not an essay (the answers carry the content).
const maxGroupText = 500

func groupText(t *turn) string { return TruncateText(strings.TrimSpace(t.u.Text), maxGroupText) }

// recordText is a place, a topic or notes as kept: a phone number or an
// e-mail address typed in them is masked, as nothing of the participants
// is kept (the moderator's name, asked for, is not masked).
func recordText(t *turn) string {
	masked, _ := monitoring.MaskPersonal(groupText(t))
	return masked
}

func askGroupDate(t *turn) error {
	d := dialogueData[surveyRun](t)
	rec, _, err := t.tx.OpenSurvey(t.ctx, t.e.Muni.Code, d.Survey)
	if err != nil {
		return err
	}
	return t.askMenu("survey.group.date", t.T("survey.group_date", catalog.Args{"Title": rec.Title}), 2, []Option{
		{Label: t.T("button.today", nil), Data: "today", Word: true}, t.cancelOption(),
	})
}

func chooseGroupDate(t *turn, data string) error {
	if data != "today" {
		return cancelWork(t, data)
	}
	t.answered(t.T("button.today", nil))
	return heldOn(t, t.tx.Now().In(monitoring.Bishkek))
}

func groupDateInput(t *turn) error {
	day, _ := readDate(t.u.Text) // read by the step already
	return heldOn(t, day)
}

// heldOn keeps the day the group met: one that has come, in Bishkek.
func heldOn(t *turn, day time.Time) error {
	if day.Format("2006-01-02") > t.tx.Now().In(monitoring.Bishkek).Format("2006-01-02") {
		return t.reask("survey.group_date_future", nil)
	}
	_, g := groupOf(t)
	g.HeldOn = day.Format("2006-01-02")
	return t.ask("survey.group.place")
}

func askGroupPlace(t *turn) error {
	return t.askMenu("survey.group.place", t.T("survey.group_place", nil), 1, cancelMenu(t))
}

func groupPlaceInput(t *turn) error {
	_, g := groupOf(t)
	g.Place = recordText(t)
	return t.ask("survey.group.topic")
}

// askGroupTopic offers the survey's title as the topic, with one tap.
func askGroupTopic(t *turn) error {
	d := dialogueData[surveyRun](t)
	rec, _, err := t.tx.OpenSurvey(t.ctx, t.e.Muni.Code, d.Survey)
	if err != nil {
		return err
	}
	return t.askMenu("survey.group.topic", t.T("survey.group_topic", nil), 1, []Option{
		{Label: TruncateText(rec.Title, 60), Data: "title", Word: true}, t.cancelOption(),
	})
}

func chooseGroupTopic(t *turn, data string) error {
	if data != "title" {
		return cancelWork(t, data)
	}
	d, g := groupOf(t)
	rec, _, err := t.tx.OpenSurvey(t.ctx, t.e.Muni.Code, d.Survey)
	if err != nil {
		return err
	}
	g.Topic = rec.Title
	return t.ask("survey.group.moderator")
}

func groupTopicInput(t *turn) error {
	_, g := groupOf(t)
	g.Topic = recordText(t)
	return t.ask("survey.group.moderator")
}

// askGroupModerator offers the group's members, the recorder first (the
// usual moderator); anyone else is typed by name.
func askGroupModerator(t *turn) error {
	me, _, err := t.member()
	if err != nil {
		return err
	}
	ms, err := t.tx.Members(t.ctx, t.e.Muni.Code, false)
	if err != nil {
		return err
	}
	opts := []Option{{Label: t.T("survey.group_me", catalog.Args{"Name": me.Name}), Data: "m:" + strconv.FormatInt(me.ID, 10)}}
	for _, m := range ms {
		if m.ID != me.ID && m.Active() {
			opts = append(opts, Option{Label: m.Name, Data: "m:" + strconv.FormatInt(m.ID, 10)})
		}
	}
	return t.askMenu("survey.group.moderator", t.T("survey.group_moderator", nil), 2, append(opts, t.cancelOption()))
}

func chooseGroupModerator(t *turn, data string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(data, "m:"), 10, 64)
	if !strings.HasPrefix(data, "m:") || err != nil {
		return cancelWork(t, data)
	}
	ms, err := t.tx.Members(t.ctx, t.e.Muni.Code, false)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.ID == id && m.Active() {
			_, g := groupOf(t)
			g.ModeratorID, g.Moderator = m.ID, m.Name
			return t.ask("survey.group.people")
		}
	}
	return t.resend() // a member who left since the question was asked
}

// groupModeratorInput takes a typed name: someone from outside the group
// moderated.
func groupModeratorInput(t *turn) error {
	name := groupText(t)
	if t.u.Kind != KindText || name == "" {
		return t.reask("reask.text", nil)
	}
	_, g := groupOf(t)
	g.ModeratorID, g.Moderator = 0, name
	t.answered(name)
	return t.ask("survey.group.people")
}

// askGroupPeople asks how many took part, offering the number given with
// /field as one tap.
func askGroupPeople(t *turn) error {
	d, _ := groupOf(t)
	var opts []Option
	if d.GroupSize >= survey.GroupMin {
		n := strconv.Itoa(d.GroupSize)
		opts = append(opts, Option{Label: n, Data: "n:" + n, Word: true})
	}
	return t.askMenu("survey.group.people", t.T("survey.group_people", catalog.Args{"Min": survey.GroupMin, "Max": survey.GroupMax}),
		2, append(opts, t.cancelOption()))
}

func chooseGroupPeople(t *turn, data string) error {
	n, err := strconv.Atoi(strings.TrimPrefix(data, "n:"))
	if !strings.HasPrefix(data, "n:") || err != nil {
		return cancelWork(t, data)
	}
	return groupPeople(t, n)
}

func groupPeopleInput(t *turn) error {
	n, _ := readNumber(t.u.Text) // read and bounded by the step already
	return groupPeople(t, n)
}

func groupPeople(t *turn, n int) error {
	d, g := groupOf(t)
	g.People, d.GroupSize = n, n
	return t.ask("survey.group.notes")
}

// askGroupNotes says first what the group is recorded as: outside 8–12
// people it is a group discussion, not a focus group (Regulation 5.6).
func askGroupNotes(t *turn) error {
	_, g := groupOf(t)
	kind := "survey.group_is_focus"
	if survey.KindOf(g.People) != survey.FocusGroup {
		kind = "survey.group_is_discussion"
	}
	prompt := t.T(kind, catalog.Args{"People": g.People, "Min": survey.FocusMin, "Max": survey.FocusMax}) + "\n\n" + t.T("survey.group_notes", nil)
	return t.askMenu("survey.group.notes", prompt, 2, []Option{
		{Label: t.T("button.skip", nil), Data: "skip", Word: true}, t.cancelOption(),
	})
}

func chooseGroupNotes(t *turn, data string) error {
	if data != "skip" {
		return cancelWork(t, data)
	}
	_, g := groupOf(t)
	g.Notes = ""
	return t.ask("survey.field")
}

func groupNotesInput(t *turn) error {
	_, g := groupOf(t)
	g.Notes = recordText(t)
	return t.ask("survey.field")
}

// gatheringOf is the meeting as the member told it, to keep beside the
// response that begins for its answers.
func gatheringOf(m monitoring.Member, d *surveyRun) survey.Gathering {
	g := d.Group
	return survey.Gathering{SurveyID: d.Survey, Kind: survey.KindOf(g.People), HeldOn: g.HeldOn, Place: g.Place, Topic: g.Topic,
		ModeratorID: g.ModeratorID, Moderator: g.Moderator, People: g.People, Notes: g.Notes, RecordedBy: m.ID}
}
