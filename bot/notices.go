package bot

// Notices tell residents where their entries stand, in their language,
// once a member's change can no longer be undone: changes within the undo
// window collapse into one notice of the latest status; an undo withdraws
// what the resident has not seen.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// notifyResident tells the resident of entry e, and those whose reports
// were merged into it, of the change ev, due when it can no longer be
// undone. After a resolution it asks, once, whether the problem was fixed.
func notifyResident(t *turn, e monitoring.Entry, ev monitoring.Event) error {
	due := t.tx.Now().Add(monitoring.UndoWindow)
	if e.ResidentID != 0 {
		res, err := t.tx.ResidentByID(t.ctx, e.ResidentID)
		if err != nil {
			return err
		}
		if err := statusNotice(t, res, e, ev.Reason, due); err != nil {
			return err
		}
	}
	return notifyMerged(t, e, ev.Reason, due)
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
		if err := t.offerTo(residentKey(t, res), r, due); err != nil {
			return err
		}
	}
	return t.sendOn(string(res.Channel), res.ChatID, lang, r, noticeKey(e.ID), due)
}

// notifyMerged tells the residents whose reports were merged into e how
// it ended: they were told the result would come with it.
func notifyMerged(t *turn, e monitoring.Entry, reason string, due time.Time) error {
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
		if err := outcomeNotice(t, res, d, e, reason, due); err != nil {
			return err
		}
	}
	return nil
}

// outcomeNotice tells the resident of dup, merged into e, how e ended.
func outcomeNotice(t *turn, res monitoring.Resident, dup, e monitoring.Entry, reason string, due time.Time) error {
	lang := langOr(string(res.Lang))
	c := t.e.Catalog
	text := c.T(lang, "notify.merged_outcome", catalog.Args{"Own": dup.Number.String()}) + "\n" +
		c.T(lang, "notify."+string(e.Status), catalog.Args{"Number": e.Number.String(), "Reason": reason})
	return t.sendOn(string(res.Channel), res.ChatID, lang, Reply{Text: text}, noticeKey(dup.ID), due)
}

func noticeKey(entryID int64) string { return fmt.Sprintf("entry:%d", entryID) }

// residentKey is the conversation of a resident's private chat.
func residentKey(t *turn, res monitoring.Resident) monitoring.ConversationKey {
	return monitoring.ConversationKey{Municipality: t.e.Muni.Code, Channel: string(res.Channel), ChatID: res.ChatID, UserRef: res.UserRef}
}

// afterUndo settles what the resident of entry e hears once a change was
// undone: its waiting notice is withdrawn (and, for an undone resolution
// or rejection, those of the reports merged into e); the change that
// stands is told if the resident has not heard it yet; a "Was it fixed?"
// no longer asked is taken back.
func afterUndo(t *turn, e monitoring.Entry, undone monitoring.Event) error {
	if err := t.withdraw(noticeKey(e.ID)); err != nil {
		return err
	}
	if undone.To == monitoring.Resolved || undone.To == monitoring.Rejected {
		dups, err := t.tx.Merged(t.ctx, e.ID)
		if err != nil {
			return err
		}
		for _, d := range dups {
			if err := t.withdraw(noticeKey(d.ID)); err != nil {
				return err
			}
			if d.ResidentID == 0 || d.ResidentID == e.ResidentID {
				continue
			}
			// The outcome notice had replaced the "merged" one.
			if err := tellStanding(t, d, undone); err != nil {
				return err
			}
		}
	}
	if e.ResidentID == 0 {
		return nil
	}
	if undone.To == monitoring.Resolved {
		res, err := t.tx.ResidentByID(t.ctx, e.ResidentID)
		if err != nil {
			return err
		}
		if err := t.takeBackOffer(residentKey(t, res), fmt.Sprintf("f|%d|", e.ID)); err != nil {
			return err
		}
	}
	if e.Status == monitoring.Received {
		return nil // where the resident last knew it
	}
	return tellStanding(t, e, undone)
}

// tellStanding tells the resident of e the change that stands after an
// undo, when its notice had not gone out before the undone change
// replaced it: when due, or now if that time has passed.
func tellStanding(t *turn, e monitoring.Entry, undone monitoring.Event) error {
	standing, err := t.tx.LastEvent(t.ctx, e.ID)
	if err != nil || standing.ID == 0 {
		return err
	}
	due := standing.At.Add(monitoring.UndoWindow)
	if !undone.At.Before(due) {
		return nil // it had gone out before the undone change was made
	}
	res, err := t.tx.ResidentByID(t.ctx, e.ResidentID)
	if err != nil {
		return err
	}
	if now := t.tx.Now(); due.Before(now) {
		due = now
	}
	return statusNotice(t, res, e, standing.Reason, due)
}

// renotify writes again, in the resident's new language, the notices still
// waiting for them.
func renotify(t *turn) error {
	waiting, err := t.tx.PendingNotices(t.ctx, t.e.Muni.Code, string(t.u.Channel), t.u.ChatID, "entry:")
	if err != nil {
		return err
	}
	for _, it := range t.b.out { // written earlier in this batch
		if it.ChatID == t.u.ChatID && it.Channel == string(t.u.Channel) && strings.HasPrefix(it.CollapseKey, "entry:") && it.NotBefore.After(t.tx.Now()) {
			waiting = append(waiting, it)
		}
	}
	done := map[string]bool{}
	for i := len(waiting) - 1; i >= 0; i-- { // the latest of each entry
		it := waiting[i]
		if done[it.CollapseKey] {
			continue
		}
		done[it.CollapseKey] = true
		id, err := strconv.ParseInt(strings.TrimPrefix(it.CollapseKey, "entry:"), 10, 64)
		if err != nil {
			continue
		}
		if err := noticeAgain(t, id, it.NotBefore); err != nil {
			return err
		}
	}
	return nil
}

// noticeAgain writes the waiting notice of entry id anew, due at due: its
// status, or for a report merged into one since closed, that one's outcome.
func noticeAgain(t *turn, id int64, due time.Time) error {
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, id)
	if err != nil {
		return err
	}
	if e.Status == monitoring.Merged {
		into, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, e.MergedInto)
		if err != nil {
			return err
		}
		closed, err := t.tx.LastEvent(t.ctx, into.ID)
		if err != nil {
			return err
		}
		if (into.Status == monitoring.Resolved || into.Status == monitoring.Rejected) && closed.At.Add(monitoring.UndoWindow).After(t.tx.Now()) {
			return outcomeNotice(t, t.resident, e, into, closed.Reason, due)
		}
	}
	ev, err := t.tx.LastEvent(t.ctx, e.ID)
	if err != nil {
		return err
	}
	return statusNotice(t, t.resident, e, ev.Reason, due)
}
