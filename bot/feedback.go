package bot

// After a resolution the resident is asked "Was it fixed?"; "no" reopens
// the entry and tells the group.

import (
	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// feedbackButton is the resident's answer to "Was it fixed?". "No" reopens
// the entry and tells the group.
func feedbackButton(t *turn, id int64, fb monitoring.Feedback) error {
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, id)
	if err != nil && monitoring.ErrorCode(err) != monitoring.ENOTFOUND {
		return err
	}
	if err != nil || e.ResidentID != t.resident.ID || e.Status != monitoring.Resolved || e.Feedback != "" ||
		(fb != monitoring.Fixed && fb != monitoring.Partly && fb != monitoring.NotFixed) {
		if err := t.tx.Audit(t.ctx, t.e.Muni.Code, t.stranger(), "feedback", 0, "refused", "stale or forged"); err != nil {
			return err
		}
		return t.oldButton()
	}
	if err := t.ack(""); err != nil {
		return err
	}
	if err := t.tx.SetFeedback(t.ctx, e.ID, fb); err != nil {
		return err
	}
	label := t.T("feedback."+string(fb), nil)
	if t.u.Kind == KindCallback && t.u.Callback.MessageID != "" {
		if err := t.send(Reply{EditMessageID: t.u.Callback.MessageID, Text: t.T("feedback.answered", catalog.Args{"Number": e.Number.String()}) + "\n\n✓ " + label}, ""); err != nil {
			return err
		}
	}
	if fb != monitoring.NotFixed {
		if err := t.tx.AddEvent(t.ctx, t.e.Muni.Code, monitoring.Event{EntryID: e.ID, Actor: "resident", From: e.Status, To: e.Status, Reason: "feedback: " + string(fb)}); err != nil {
			return err
		}
		if fb == monitoring.Partly {
			if err := t.tellGroup("group.partly", catalog.Args{"Number": e.Number.String()}); err != nil {
				return err
			}
		}
		return t.say(t.T("feedback.thanks", nil))
	}
	e2, _, err := t.tx.Apply(t.ctx, t.e.Muni.Code, e.ID, monitoring.Change{Action: monitoring.Reopen, Actor: "resident", Reason: "feedback: no"})
	if err != nil {
		return err
	}
	if err := refreshCards(t, e2); err != nil {
		return err
	}
	if err := t.tellGroup("group.reopened", catalog.Args{"Number": e.Number.String()}); err != nil {
		return err
	}
	return t.say(t.T("feedback.reopened", catalog.Args{"Number": e.Number.String()}))
}
