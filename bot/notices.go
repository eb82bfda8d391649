package bot

// Notices tell residents where their entries stand, in their language,
// once a member's change can no longer be undone.

import (
	"fmt"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// notifyResident tells the resident where their entry stands, in their
// language, once the undo window has passed. Changes within the window
// collapse into one notice of the latest status; an undo withdraws it.
// After a resolution it asks, once, whether the problem was fixed.
func notifyResident(t *turn, e monitoring.Entry, ev monitoring.Event) error {
	if e.ResidentID == 0 {
		return nil
	}
	res, err := t.tx.ResidentByID(t.ctx, e.ResidentID)
	if err != nil {
		return err
	}
	if err := statusNotice(t, res, e, ev.Reason, t.tx.Now().Add(monitoring.UndoWindow)); err != nil {
		return err
	}
	return notifyMerged(t, e, ev)
}

// statusNotice puts the message telling a resident of their entry's status in
// the outbox, due at due, replacing one still waiting for the same entry.
func statusNotice(t *turn, res monitoring.Resident, e monitoring.Entry, reason string, due time.Time) error {
	lang := langOr(string(res.Lang))
	c := t.e.Catalog
	args := catalog.Args{"Number": e.Number.String(), "Reason": reason}
	if e.Status == monitoring.Merged {
		if into, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, e.MergedInto); err == nil {
			args["Into"] = into.Number.String()
		}
	}
	r := Reply{Text: c.T(lang, "notify."+string(e.Status), args)}
	if e.Status == monitoring.Resolved {
		r.Text += "\n\n" + c.T(lang, "feedback.ask", nil)
		r.Menu = &Menu{Columns: 3}
		for _, fb := range []monitoring.Feedback{monitoring.Fixed, monitoring.Partly, monitoring.NotFixed} {
			r.Menu.Options = append(r.Menu.Options, Option{Label: c.T(lang, "feedback."+string(fb), nil), Data: fmt.Sprintf("f|%d|%s", e.ID, fb)})
		}
		k := monitoring.ConversationKey{Municipality: t.e.Muni.Code, Channel: string(res.Channel), ChatID: res.ChatID, UserRef: res.UserRef}
		if k == t.key {
			t.offer(r, due)
		} else if err := t.offerTo(k, r, due); err != nil {
			return err
		}
	}
	return t.sendOn(string(res.Channel), res.ChatID, lang, r, noticeKey(e.ID), due)
}

func noticeKey(entryID int64) string { return fmt.Sprintf("entry:%d", entryID) }

// renotify writes again, in the resident's new language, the notices still
// waiting for the undo window of their entries.
func renotify(t *turn) error {
	list, err := t.tx.ResidentEntries(t.ctx, t.e.Muni.Code, t.resident.ID, 10)
	if err != nil {
		return err
	}
	now := t.tx.Now()
	for _, e := range list {
		due := e.UpdatedAt.Add(monitoring.UndoWindow)
		if e.Status == monitoring.Received || !due.After(now) {
			continue
		}
		ev, err := t.tx.LastEvent(t.ctx, e.ID)
		if err != nil {
			return err
		}
		if err := statusNotice(t, t.resident, e, ev.Reason, due); err != nil {
			return err
		}
	}
	return nil
}

// notifyMerged tells the residents whose reports were merged into e how
// it ended: they were told the result would come with it.
func notifyMerged(t *turn, e monitoring.Entry, ev monitoring.Event) error {
	if e.Status != monitoring.Resolved && e.Status != monitoring.Rejected {
		return nil
	}
	dups, err := t.tx.Merged(t.ctx, e.ID)
	if err != nil {
		return err
	}
	for _, d := range dups {
		if d.ResidentID == 0 || d.ResidentID == e.ResidentID {
			continue
		}
		res, err := t.tx.ResidentByID(t.ctx, d.ResidentID)
		if err != nil {
			return err
		}
		lang := langOr(string(res.Lang))
		text := t.e.Catalog.T(lang, "notify."+string(e.Status), catalog.Args{"Number": e.Number.String(), "Reason": ev.Reason})
		text = t.e.Catalog.T(lang, "notify.merged_outcome", catalog.Args{"Own": d.Number.String()}) + "\n" + text
		if err := t.sendOn(string(res.Channel), res.ChatID, lang, Reply{Text: text}, noticeKey(d.ID), t.tx.Now().Add(monitoring.UndoWindow)); err != nil {
			return err
		}
	}
	return nil
}

// lastReason is the reason of an entry's latest change that stands.
func lastReason(t *turn, e monitoring.Entry) string {
	ev, err := t.tx.LastEvent(t.ctx, e.ID)
	if err != nil {
		return ""
	}
	return ev.Reason
}
