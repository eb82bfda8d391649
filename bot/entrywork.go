package bot

// The members' work on entries (4.3): actions from a card's buttons or
// typed, each with its reason where one is due, undo within the window,
// and notes.

import (
	"fmt"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// actionButton is a member's press of an action on an entry card.
func actionButton(t *turn, m monitoring.Member, id int64, arg string) error {
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, id)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		return t.refuse(actor(m), "action", 0, "button.forged")
	}
	if err != nil {
		return err
	}
	return actOn(t, m, e, arg, "")
}

// actOn is a member's action on an entry, from a button or typed
// ("/verify 2026-0042", "/reject 2026-0042 why"). text, when given, is the
// reason, what was done, the entry a duplicate belongs to, or a note;
// without it the member is asked in private.
func actOn(t *turn, m monitoring.Member, e monitoring.Entry, arg, text string) error {
	if m.RecusedFromObject(t.e.Muni, e.Service) {
		return t.refuse(actor(m), arg, e.ID, "recused")
	}
	// A dialogue started from the group continues in private: say so on the button.
	inPrivateNext := ""
	if t.u.ChatKind != Private && strings.TrimSpace(text) == "" && (arg == "note" || monitoring.NeedsReason(monitoring.Action(arg))) {
		inPrivateNext = t.T("continue.private", nil)
	}
	if arg == "note" {
		if !e.Status.Open() {
			return t.refuse(actor(m), "note", e.ID, "action.closed")
		}
		if err := t.ack(inPrivateNext); err != nil {
			return err
		}
		if text != "" {
			if err := t.tx.AddNote(t.ctx, t.e.Muni.Code, e.ID, actor(m), m.ID, 0, text); err != nil {
				return err
			}
			return t.say(t.N("note.done", 1, nil))
		}
		return t.inPrivate(m, func(pt *turn) error { return pt.start("m.note", &errand{EntryID: e.ID}) })
	}
	a := monitoring.Action(arg)
	if !isMemberAction(a) {
		return t.refuse(actor(m), "action", e.ID, "button.forged")
	}
	if _, ok := monitoring.Next(e.Status, a); !ok {
		// An old button: refuse, and show the card as it is now.
		if err := refreshCards(t, e); err != nil {
			return err
		}
		return refuseStale(t, m, e, string(a))
	}
	if err := t.ack(inPrivateNext); err != nil {
		return err
	}
	if monitoring.NeedsReason(a) && strings.TrimSpace(text) == "" {
		return t.inPrivate(m, func(pt *turn) error {
			return pt.start("m.reason", &errand{EntryID: e.ID, Action: string(a)})
		})
	}
	c := monitoring.Change{Action: a, Actor: actor(m), MemberID: m.ID, Reason: strings.TrimSpace(text)}
	if a == monitoring.Merge {
		into, msg, err := mergeTarget(t, e, text)
		if err != nil || msg != "" {
			return errOr(err, t.say(msg))
		}
		c.Into, c.Reason = into.ID, into.Number.String()
	}
	return applyChange(t, m, e, c)
}

// mergeTarget reads the number of the entry e duplicates; msg explains a
// number that will not do.
func mergeTarget(t *turn, e monitoring.Entry, text string) (into monitoring.Entry, msg string, err error) {
	n, err := monitoring.ParseNumber(text)
	if err != nil {
		return into, t.T("reason.merge_number", nil), nil
	}
	into, err = t.tx.EntryNumbered(t.ctx, t.e.Muni.Code, n)
	// The entry a duplicate joins must still be open: a new report of a
	// fixed outage is a new problem, not a duplicate.
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND || err == nil && monitoring.CheckMerge(e, into) != nil {
		return into, t.T("reason.merge_bad", catalog.Args{"Number": n.String()}), nil
	}
	if err == nil {
		if m, ok, merr := t.member(); merr == nil && ok && m.RecusedFromObject(t.e.Muni, into.Service) {
			return into, t.T("recused", nil), nil
		}
	}
	return into, "", err
}

func isMemberAction(a monitoring.Action) bool {
	for _, x := range monitoring.MemberActions {
		if x == a {
			return true
		}
	}
	return false
}

func refuseStale(t *turn, m monitoring.Member, e monitoring.Entry, action string) error {
	text := t.T("action.stale", catalog.Args{"Number": e.Number.String(), "Status": t.T("status."+string(e.Status), nil)})
	return t.refuseWith(actor(m), action, e.ID, "stale: "+string(e.Status), text)
}

// applyChange makes a member's change and everything that follows it.
func applyChange(t *turn, m monitoring.Member, e monitoring.Entry, c monitoring.Change) error {
	e2, ev, err := t.tx.Apply(t.ctx, t.e.Muni.Code, e.ID, c)
	if monitoring.ErrorCode(err) == monitoring.ECONFLICT {
		return refuseStale(t, m, e2, string(c.Action))
	}
	if err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), string(c.Action), e.ID, "ok", ""); err != nil {
		return err
	}
	return afterChange(t, &m, e2, ev)
}

// afterChange edits the cards, tells the resident (after the undo window)
// and offers the member who made the change a way to undo it.
func afterChange(t *turn, m *monitoring.Member, e monitoring.Entry, ev monitoring.Event) error {
	if err := refreshCards(t, e); err != nil {
		return err
	}
	if err := notifyResident(t, e, ev); err != nil {
		return err
	}
	if m == nil {
		return nil
	}
	chat, err := t.tx.MemberChat(t.ctx, m.ID, string(t.u.Channel))
	if err != nil || chat == "" {
		return err
	}
	lang := t.lang
	text := t.e.Catalog.T(lang, "changed", catalog.Args{"Number": e.Number.String(), "Status": t.e.Catalog.T(lang, "status."+string(e.Status), nil),
		"Minutes": int(monitoring.UndoWindow / time.Minute)})
	undo := &Menu{Options: []Option{{Label: t.e.Catalog.T(lang, "button.undo", nil), Data: fmt.Sprintf("u|%d", ev.ID)}}}
	t.sendTo(chat, lang, Reply{Text: text, Menu: undo}, "", time.Time{})
	return nil
}

// undoButton reverts the member's own change within the window.
func undoButton(t *turn, m monitoring.Member, eventID int64) error {
	e, ev, err := t.tx.Undo(t.ctx, t.e.Muni.Code, eventID, m.ID, actor(m))
	switch monitoring.ErrorCode(err) {
	case "":
	case monitoring.ENOTFOUND:
		return t.refuse(actor(m), "undo", 0, "button.forged")
	case monitoring.EUNAUTHORIZED:
		return t.refuse(actor(m), "undo", ev.EntryID, "undo.not_yours")
	case monitoring.ECONFLICT:
		return t.refuse(actor(m), "undo", ev.EntryID, "undo.too_late")
	default:
		return err
	}
	if err := afterUndo(t, e, ev); err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "undo", e.ID, "ok", fmt.Sprintf("#%d", ev.ID)); err != nil {
		return err
	}
	if err := refreshCards(t, e); err != nil {
		return err
	}
	text := t.T("undo.done", catalog.Args{"Number": e.Number.String(), "Status": t.T("status."+string(e.Status), nil)})
	if err := t.ack(""); err != nil {
		return err
	}
	if t.u.Kind == KindCallback && t.u.Callback.MessageID != "" && t.u.ChatKind == Private {
		return t.send(Reply{EditMessageID: t.u.Callback.MessageID, Text: text}, "")
	}
	return t.say(text)
}

// errandOf is a member's (or a resident's) errand on one entry: the reason
// for a change, notes, or what a resident adds.
type errand struct {
	EntryID int64  `json:"entry"`
	Action  string `json:"action,omitempty"`
	Count   int    `json:"count,omitempty"`
	Parts   []Part `json:"parts,omitempty"`
}

func errandOf(t *turn) *errand { return dialogueData[errand](t) }

// entryWorkFlow is the members' work on entries: its questions and commands.
func entryWorkFlow() flow {
	return flow{
		steps: map[string]*step{
			"m.reason": {accepts: inText, ask: askReason, choose: cancelWork, input: reasonInput},
			"m.note":   {accepts: inMedia, ask: askNote, choose: noteDone, input: noteInput},
		},
		commands: map[string]memberCommand{
			// Entry actions typed, for channels without buttons (WhatsApp):
			// "/verify 2026-0042", "/reject 2026-0042 why", "/merge 2026-0042 2026-0040".
			"take":    {who: anyMember, inGroup: true, run: typedAction("take")},
			"verify":  {who: anyMember, inGroup: true, run: typedAction("verify")},
			"reject":  {who: anyMember, inGroup: true, run: typedAction("reject")},
			"resolve": {who: anyMember, inGroup: true, run: typedAction("resolve")},
			"merge":   {who: anyMember, inGroup: true, run: typedAction("merge")},
			"note":    {who: anyMember, inGroup: true, run: typedAction("note")},
			"undo":    {who: anyMember, inGroup: true, run: cmdUndo},
			"show":    {who: anyMember, run: cmdShow},
		},
	}
}

// workEntry re-reads the entry an errand is about, and the member; the
// member's rights are checked again at every step.
func workEntry(t *turn) (monitoring.Member, monitoring.Entry, bool, error) {
	m, ok, err := t.member()
	if err != nil || !ok {
		t.end()
		return m, monitoring.Entry{}, false, errOr(err, t.refuse(t.stranger(), "work", 0, "members.only"))
	}
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, errandOf(t).EntryID)
	if err != nil {
		return m, e, false, err
	}
	if m.RecusedFromObject(t.e.Muni, e.Service) {
		t.end()
		return m, e, false, t.refuse(actor(m), "work", e.ID, "recused")
	}
	return m, e, true, nil
}

func workNumber(t *turn) string {
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, errandOf(t).EntryID)
	if err != nil {
		return "?"
	}
	return e.Number.String()
}

func askReason(t *turn) error {
	prompt := t.T("reason."+errandOf(t).Action, catalog.Args{"Number": workNumber(t)})
	return t.askMenu("m.reason", prompt, 1, []Option{t.cancelOption()})
}

// cancelOption ends an errand: a button on Telegram, a word elsewhere.
func (t *turn) cancelOption() Option {
	return Option{Label: t.T("button.cancel", nil), Data: "cancel", Word: true}
}

func cancelWork(t *turn, _ string) error {
	t.end()
	if err := t.send(Reply{Text: t.T("work.cancelled", nil)}, ""); err != nil {
		return err
	}
	return t.resend()
}

func reasonInput(t *turn) error {
	text := strings.TrimSpace(t.u.Text)
	if t.u.Kind != KindText || text == "" {
		return t.say(t.T("reason.need_text", nil))
	}
	m, e, ok, err := workEntry(t)
	if err != nil || !ok {
		return err
	}
	c := monitoring.Change{Action: monitoring.Action(errandOf(t).Action), Actor: actor(m), MemberID: m.ID, Reason: text}
	if c.Action == monitoring.Merge {
		into, msg, err := mergeTarget(t, e, text)
		if err != nil || msg != "" {
			return errOr(err, t.say(msg))
		}
		c.Into, c.Reason = into.ID, into.Number.String()
	}
	t.end()
	if err := applyChange(t, m, e, c); err != nil {
		return err
	}
	return t.resend()
}

func askNote(t *turn) error {
	prompt := t.T("note.ask", catalog.Args{"Number": workNumber(t)})
	return t.askMenu("m.note", prompt, 1, []Option{t.doneOption()})
}

func noteDone(t *turn, _ string) error {
	n := errandOf(t).Count
	t.end()
	if err := t.say(t.N("note.done", n, nil)); err != nil {
		return err
	}
	return t.resend()
}

// noteInput keeps a verification note or photo (4.3: re-verify what was
// collected), with the member who made it.
func noteInput(t *turn) error {
	m, e, ok, err := workEntry(t)
	if err != nil || !ok {
		return err
	}
	text, media, kept, err := t.noteContent()
	if err != nil || !kept {
		return err
	}
	if err := t.tx.AddNote(t.ctx, t.e.Muni.Code, e.ID, actor(m), m.ID, media, text); err != nil {
		return err
	}
	errandOf(t).Count++
	return t.acknowledge(t.T("note.got", nil), "note", 1)
}

// noteContent takes the text or file of an update for a note.
func (t *turn) noteContent() (text string, media int64, kept bool, err error) {
	u := t.u
	switch u.Kind {
	case KindText:
		if strings.TrimSpace(u.Text) == "" {
			return "", 0, false, t.notice("unsupported")
		}
		return u.Text, 0, true, nil
	case KindMedia, KindDocument:
		if u.File == nil {
			return "", 0, false, t.notice("unsupported")
		}
		if u.File.Size > monitoring.MaxMediaBytes {
			return "", 0, false, t.notice("media.too_large")
		}
		id, err := t.tx.AddMedia(t.ctx, t.e.Muni.Code, monitoring.Media{Kind: u.File.Kind, Channel: u.Channel, FileID: u.File.ID, Mime: u.File.Mime, Size: u.File.Size, ResidentID: t.resident.ID})
		return u.Text, id, err == nil, err
	case KindLocation:
		return fmt.Sprintf("📍 %.6f, %.6f", u.Location.Lat, u.Location.Lon), 0, true, nil
	}
	return "", 0, false, t.notice("unsupported")
}

// typedAction is an entry action typed with the entry's number.
func typedAction(action string) func(t *turn, m monitoring.Member, args string) error {
	return func(t *turn, m monitoring.Member, args string) error {
		num, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
		n, err := monitoring.ParseNumber(num)
		if err != nil {
			return t.say(t.T("action.usage", catalog.Args{"Command": action}))
		}
		e, err := t.tx.EntryNumbered(t.ctx, t.e.Muni.Code, n)
		if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
			return t.say(t.T("status.not_found_member", catalog.Args{"Number": n.String()}))
		}
		if err != nil {
			return err
		}
		return actOn(t, m, e, action, rest)
	}
}

func cmdShow(t *turn, m monitoring.Member, args string) error {
	n, err := monitoring.ParseNumber(args)
	if err != nil {
		return t.say(t.T("action.usage", catalog.Args{"Command": "show"}))
	}
	e, err := t.tx.EntryNumbered(t.ctx, t.e.Muni.Code, n)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		return t.say(t.T("status.not_found_member", catalog.Args{"Number": n.String()}))
	}
	if err != nil {
		return err
	}
	return t.inPrivate(m, func(pt *turn) error { return showEntry(pt, m, e) })
}

// cmdUndo undoes the member's own latest change, within the window.
func cmdUndo(t *turn, m monitoring.Member, _ string) error {
	id, err := t.tx.LastChange(t.ctx, t.e.Muni.Code, m.ID)
	if err != nil {
		return err
	}
	if id == 0 {
		return t.say(t.T("undo.too_late", nil))
	}
	return undoButton(t, m, id)
}
