package bot

// A resident adds to their own open entry: text, photos, files; the
// group hears of it.

import (
	"strings"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// additionFlow is a resident adds to their entry: its questions.
func additionFlow() flow {
	return flow{
		steps: map[string]*step{
			"r.add": {accepts: inMedia, ask: askAddInfo, choose: addInfoDone, input: addInfoInput, cancel: func(t *turn) error { return addInfoDone(t, "") }},
		},
	}
}

// addInfoButton lets a resident add to their own open entry.
func addInfoButton(t *turn, id int64) error {
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, id)
	if err != nil && monitoring.ErrorCode(err) != monitoring.ENOTFOUND {
		return err
	}
	if err != nil || e.ResidentID != t.resident.ID || !e.Status.Open() {
		if err := t.tx.Audit(t.ctx, t.e.Muni.Code, t.stranger(), "add", 0, "refused", "stale or not theirs"); err != nil {
			return err
		}
		return t.oldButton()
	}
	if err := t.ack(""); err != nil {
		return err
	}
	return t.start("r.add", &errand{EntryID: e.ID})
}

func askAddInfo(t *turn) error {
	prompt := t.T("add.ask", catalog.Args{"Number": workNumber(t)})
	return t.askMenu("r.add", prompt, 1, []Option{t.doneOption()})
}

func addInfoInput(t *turn) error {
	w := errandOf(t)
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, w.EntryID)
	if err != nil {
		return err
	}
	if e.ResidentID != t.resident.ID || !e.Status.Open() {
		t.end()
		return t.say(t.T("button.old", nil))
	}
	text, media, kept, err := t.noteContent()
	if err != nil || !kept {
		return err
	}
	// A phone number or e-mail typed here stays with the contact, out of
	// the note and the group's chat.
	text, found := monitoring.MaskPersonal(text)
	if len(found) > 0 {
		var values []string
		for _, f := range found {
			values = append(values, f.Value)
		}
		if err := t.tx.AddFound(t.ctx, e.ID, values); err != nil {
			return err
		}
	}
	if err := t.tx.AddNote(t.ctx, t.e.Muni.Code, e.ID, "resident", 0, media, text); err != nil {
		return err
	}
	w.Count++
	if strings.TrimSpace(text) != "" {
		w.Parts = append(w.Parts, Part{Text: text})
	}
	return t.acknowledge(t.T("add.got", nil), "add", 1)
}

func addInfoDone(t *turn, _ string) error {
	w := *errandOf(t)
	t.end()
	if w.Count == 0 {
		return t.say(t.T("work.cancelled", nil))
	}
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, w.EntryID)
	if err != nil {
		return err
	}
	var texts []string
	for _, p := range w.Parts {
		texts = append(texts, p.Text)
	}
	if err := t.tellGroup("group.resident_added", catalog.Args{"Number": e.Number.String(), "Count": w.Count,
		"Text": TruncateText(strings.Join(texts, "\n"), 500)}); err != nil {
		return err
	}
	if err := t.say(t.T("add.done", catalog.Args{"Number": e.Number.String()})); err != nil {
		return err
	}
	return t.resend()
}
