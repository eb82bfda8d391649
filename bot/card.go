package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Buttons that belong to an entry, a change or a request carry their own
// subject instead of the conversation's menu sequence:
//
//	a|<entry>|<action>   a member acts on an entry (take, verify, …, note)
//	u|<event>            the member undoes their change
//	o|<entry>            a member opens an entry
//	f|<entry>|<answer>   the resident answers "Was it fixed?"
//	x|<entry>            the resident adds to their open entry
//	r|<request>[|answer] a member opens or answers a request
//
// Whatever the data says, the sender's rights are checked in the database.
func scoped(data string) bool {
	return len(data) > 2 && data[1] == '|' && strings.IndexByte("auofxr", data[0]) >= 0
}

func (t *turn) scopedButton(data string) error {
	parts := strings.Split(data, "|")
	var id int64
	if len(parts) >= 2 {
		id, _ = strconv.ParseInt(parts[1], 10, 64)
	}
	arg := ""
	if len(parts) >= 3 {
		arg = parts[2]
	}
	switch {
	case id <= 0 || len(parts) > 3:
	case parts[0] == "f" && t.u.ChatKind == Private:
		return t.feedbackButton(id, monitoring.Feedback(arg))
	case parts[0] == "x" && t.u.ChatKind == Private:
		return t.addInfoButton(id)
	case parts[0] == "f", parts[0] == "x":
	default:
		m, ok, err := t.member()
		if err != nil {
			return err
		}
		if !ok {
			return t.refuse(t.stranger(), "button", 0, "members.only")
		}
		switch parts[0] {
		case "a":
			return t.actionButton(m, id, arg)
		case "u":
			return t.undoButton(m, id)
		case "o":
			return t.openButton(m, id)
		case "r":
			return t.requestButton(m, id, arg)
		}
	}
	return t.refuse(t.stranger(), "button", 0, "button.forged")
}

// oldButton answers a press of a button that no longer applies (or was
// never the sender's), where there is no question to go back to.
func (t *turn) oldButton() error {
	if t.u.Kind == KindCallback {
		return t.ack(t.T("button.old", nil))
	}
	return t.say(t.T("button.old", nil))
}

// ack stops a pressed button's spinner, with an optional short notice.
func (t *turn) ack(text string) error {
	if t.u.Kind != KindCallback {
		return nil
	}
	return t.send(Reply{CallbackID: t.u.Callback.ID, Text: text}, "")
}

// card shows an entry as members see it: number, place, service, status,
// the text, and a button for each action that fits its status now. It
// carries no personal data, so it may go to the group's chat.
func (t *turn) card(e monitoring.Entry, lang monitoring.Lang, m *monitoring.Member) (Reply, error) {
	files, err := t.tx.MediaCount(t.ctx, e.ID)
	if err != nil {
		return Reply{}, err
	}
	c := t.e.Catalog
	var extras []string
	if files > 0 {
		extras = append(extras, c.T(lang, "card.files", catalog.Args{"Count": files}))
	}
	if e.Location != nil && (m != nil || !e.Anonymous) {
		// An anonymous resident's point could show where they live: in the
		// group chat it is left out; members see it in private.
		extras = append(extras, fmt.Sprintf("📍 https://maps.google.com/?q=%.6f,%.6f", e.Location.Lat, e.Location.Lon))
	}
	if e.MergedInto != 0 {
		if into, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, e.MergedInto); err == nil {
			extras = append(extras, c.T(lang, "card.merged_into", catalog.Args{"Number": into.Number.String()}))
		}
	}
	text := c.T(lang, "card", catalog.Args{
		"Number": e.Number.String(), "Date": c.DateTime(lang, e.CreatedAt),
		"Village": t.placeName(lang, e.Village, true), "Service": t.placeName(lang, e.Service, false),
		"Status": c.T(lang, "status."+string(e.Status), nil), "Text": TruncateText(e.Description, 700),
		"Channel": c.T(lang, "via."+string(e.Channel), nil),
	})
	if len(extras) > 0 {
		text += "\n" + strings.Join(extras, "\n")
	}
	r := Reply{Lang: lang, Text: text}
	if m != nil && m.RecusedFrom(e.Service) {
		r.Text += "\n\n" + c.T(lang, "recused", nil)
		return r, nil
	}
	menu := &Menu{Columns: 3}
	for _, a := range monitoring.MemberActions {
		if _, ok := monitoring.Next(e.Status, a); ok {
			cmd := "/" + string(a) + " " + e.Number.String()
			if monitoring.NeedsReason(a) {
				cmd += " …"
			}
			menu.Options = append(menu.Options, Option{Label: c.T(lang, "action."+string(a), nil), Data: fmt.Sprintf("a|%d|%s", e.ID, a), Command: cmd})
		}
	}
	if e.Status.Open() {
		menu.Options = append(menu.Options, Option{Label: c.T(lang, "action.note", nil), Data: fmt.Sprintf("a|%d|note", e.ID),
			Command: "/note " + e.Number.String() + " …"})
	}
	if len(menu.Options) > 0 {
		r.Menu = menu
	}
	return r, nil
}

// placeName names a village (village=true) or service in lang.
func (t *turn) placeName(lang monitoring.Lang, code string, village bool) string {
	return placeIn(t.e.Muni, lang, code, village, t.e.Catalog)
}

// postCard posts a new entry's card to the group's chat on every channel,
// keeping where it went so later changes edit the same card.
func (t *turn) postCard(e monitoring.Entry) error {
	groups, err := t.tx.GroupChats(t.ctx, t.e.Muni.Code)
	if err != nil {
		return err
	}
	lang := t.e.groupLang()
	for _, g := range groups {
		r, err := t.card(e, lang, nil)
		if err != nil {
			return err
		}
		id, err := t.tx.EnqueueID(t.ctx, t.e.outboxItem(g.Channel, g.ChatID, r, "", time.Time{}))
		if err != nil {
			return err
		}
		if err := t.tx.AddPost(t.ctx, t.e.Muni.Code, e.ID, monitoring.Post{Channel: g.Channel, ChatID: g.ChatID, OutboxID: id}); err != nil {
			return err
		}
	}
	return nil
}

// refreshCards edits an entry's cards to show it as it is now.
func (t *turn) refreshCards(e monitoring.Entry) error {
	posts, err := t.tx.Posts(t.ctx, e.ID)
	if err != nil {
		return err
	}
	lang := t.e.groupLang()
	for _, p := range posts {
		r, err := t.card(e, lang, nil)
		if err != nil {
			return err
		}
		r.EditOutboxID = p.OutboxID
		t.sendOn(p.Channel, p.ChatID, lang, r, "", time.Time{})
	}
	return nil
}

// tellGroup posts a short notice in the group's chats.
func (t *turn) tellGroup(id string, args catalog.Args) error {
	groups, err := t.tx.GroupChats(t.ctx, t.e.Muni.Code)
	if err != nil {
		return err
	}
	lang := t.e.groupLang()
	for _, g := range groups {
		t.sendOn(g.Channel, g.ChatID, lang, Reply{Text: t.e.Catalog.T(lang, id, args)}, "", time.Time{})
	}
	return nil
}

// actionButton is a member's press of an action on an entry card.
func (t *turn) actionButton(m monitoring.Member, id int64, arg string) error {
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, id)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		return t.refuse(actor(m), "action", 0, "button.forged")
	}
	if err != nil {
		return err
	}
	return t.act(m, e, arg, "")
}

// act is a member's action on an entry, from a button or typed
// ("/verify 2026-0042", "/reject 2026-0042 why"). text, when given, is the
// reason, what was done, the entry a duplicate belongs to, or a note;
// without it the member is asked in private.
func (t *turn) act(m monitoring.Member, e monitoring.Entry, arg, text string) error {
	if m.RecusedFrom(e.Service) {
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
			return t.say(t.e.Catalog.N(t.lang, "note.done", 1, nil))
		}
		return t.inPrivate(m, func(pt *turn) error { return pt.start("m.note", &errand{EntryID: e.ID}) })
	}
	a := monitoring.Action(arg)
	if !isMemberAction(a) {
		return t.refuse(actor(m), "action", e.ID, "button.forged")
	}
	if _, ok := monitoring.Next(e.Status, a); !ok {
		// An old button: refuse, and show the card as it is now.
		if err := t.refreshCards(e); err != nil {
			return err
		}
		return t.refuseStale(m, e, string(a))
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
		into, msg, err := t.mergeTarget(e, text)
		if err != nil || msg != "" {
			return errOr(err, t.say(msg))
		}
		c.Into, c.Reason = into.ID, into.Number.String()
	}
	return t.apply(m, e, c)
}

// mergeTarget reads the number of the entry e duplicates; msg explains a
// number that will not do.
func (t *turn) mergeTarget(e monitoring.Entry, text string) (into monitoring.Entry, msg string, err error) {
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
		if m, ok, merr := t.member(); merr == nil && ok && m.RecusedFrom(into.Service) {
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

func (t *turn) refuseStale(m monitoring.Member, e monitoring.Entry, action string) error {
	text := t.T("action.stale", catalog.Args{"Number": e.Number.String(), "Status": t.T("status."+string(e.Status), nil)})
	return t.refuseWith(actor(m), action, e.ID, "stale: "+string(e.Status), text)
}

// apply makes a member's change and everything that follows it.
func (t *turn) apply(m monitoring.Member, e monitoring.Entry, c monitoring.Change) error {
	e2, ev, err := t.tx.Apply(t.ctx, t.e.Muni.Code, e.ID, c)
	if monitoring.ErrorCode(err) == monitoring.ECONFLICT {
		return t.refuseStale(m, e2, string(c.Action))
	}
	if err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), string(c.Action), e.ID, "ok", ""); err != nil {
		return err
	}
	return t.afterChange(&m, e2, ev)
}

// afterChange edits the cards, tells the resident (after the undo window)
// and offers the member who made the change a way to undo it.
func (t *turn) afterChange(m *monitoring.Member, e monitoring.Entry, ev monitoring.Event) error {
	if err := t.refreshCards(e); err != nil {
		return err
	}
	if err := t.notifyResident(e, ev); err != nil {
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

// notifyResident tells the resident where their entry stands, in their
// language, once the undo window has passed. Changes within the window
// collapse into one notice of the latest status; an undo withdraws it.
// After a resolution it asks, once, whether the problem was fixed.
func (t *turn) notifyResident(e monitoring.Entry, ev monitoring.Event) error {
	if e.ResidentID == 0 {
		return nil
	}
	res, err := t.tx.ResidentByID(t.ctx, e.ResidentID)
	if err != nil {
		return err
	}
	if err := t.statusNotice(res, e, ev.Reason, t.tx.Now().Add(monitoring.UndoWindow)); err != nil {
		return err
	}
	return t.notifyMerged(e, ev)
}

// statusNotice puts the message telling a resident of their entry's status in
// the outbox, due at due, replacing one still waiting for the same entry.
func (t *turn) statusNotice(res monitoring.Resident, e monitoring.Entry, reason string, due time.Time) error {
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
func (t *turn) renotify() error {
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
		if err := t.statusNotice(t.resident, e, ev.Reason, due); err != nil {
			return err
		}
	}
	return nil
}

// notifyMerged tells the residents whose reports were merged into e how
// it ended: they were told the result would come with it.
func (t *turn) notifyMerged(e monitoring.Entry, ev monitoring.Event) error {
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

// undoButton reverts the member's own change within the window.
func (t *turn) undoButton(m monitoring.Member, eventID int64) error {
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
	// The resident hears where the entry stands now, once; if it is back
	// where they last knew it, the waiting notice is withdrawn.
	if e.Status == monitoring.Received || e.ResidentID == 0 {
		if err := t.tx.Supersede(t.ctx, t.e.Muni.Code, noticeKey(e.ID)); err != nil {
			return err
		}
	} else if err := t.notifyResident(e, monitoring.Event{Reason: lastReason(t, e)}); err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "undo", e.ID, "ok", fmt.Sprintf("#%d", ev.ID)); err != nil {
		return err
	}
	if err := t.refreshCards(e); err != nil {
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

// openButton shows a member one entry privately, with the contact the
// resident left (members only) and the entry's notes.
func (t *turn) openButton(m monitoring.Member, id int64) error {
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, id)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		return t.refuse(actor(m), "open", 0, "button.forged")
	}
	if err != nil {
		return err
	}
	if err := t.ack(""); err != nil {
		return err
	}
	return t.inPrivate(m, func(pt *turn) error { return pt.showEntry(m, e) })
}

func (t *turn) showEntry(m monitoring.Member, e monitoring.Entry) error {
	r, err := t.card(e, t.lang, &m)
	if err != nil {
		return err
	}
	if m.RecusedFrom(e.Service) { // 6.3: no part in it, so no contact, notes or files
		return t.send(r, "")
	}
	c, err := t.tx.EntryContact(t.ctx, e.ID)
	if err != nil {
		return err
	}
	if !e.Anonymous && c.Phone != "" {
		r.Text += "\n" + t.T("card.contact", catalog.Args{"Phone": c.Phone})
	}
	if len(c.Found) > 0 {
		// What the resident typed into the text themselves, masked there.
		r.Text += "\n" + t.T("card.found", catalog.Args{"Found": strings.Join(c.Found, ", ")})
	}
	notes, err := t.tx.NotesOf(t.ctx, e.ID)
	if err != nil {
		return err
	}
	if len(notes) > 0 {
		r.Text += "\n" + t.T("card.notes", catalog.Args{"Count": len(notes)})
	}
	if err := t.send(r, ""); err != nil {
		return err
	}
	if len(notes) > 0 {
		if err := t.say(t.noteList(notes)); err != nil {
			return err
		}
	}
	return t.sendFiles(e.ID, 0, e.Number.String())
}

// notesShown bounds the notes one look at an entry lists (the latest).
const notesShown = 10

// noteList shows the latest notes with who wrote them and when.
func (t *turn) noteList(notes []monitoring.Note) string {
	names := map[int64]string{}
	if ms, err := t.tx.Members(t.ctx, t.e.Muni.Code, true); err == nil {
		for _, m := range ms {
			names[m.ID] = m.Name
		}
	}
	if len(notes) > notesShown {
		notes = notes[len(notes)-notesShown:]
	}
	lines := []string{t.T("notes.header", nil)}
	for _, n := range notes {
		who := t.T("notes.resident", nil)
		if n.MemberID != 0 {
			who = names[n.MemberID]
		}
		text := n.Text
		if n.MediaID != 0 && text == "" {
			text = "📎"
		}
		lines = append(lines, fmt.Sprintf("%s · %s: %s", t.e.Catalog.DateTime(t.lang, n.At), who, TruncateText(text, 300)))
	}
	return strings.Join(lines, "\n")
}

// maxFilesShown bounds how many files one look at an entry sends.
const maxFilesShown = 10

// sendFiles sends a member the files of an entry (the resident's evidence
// and members' notes) or of a request's answer, which stay with the group
// (6.2) and are never shown to residents.
func (t *turn) sendFiles(entryID, requestID int64, caption string) error {
	files, err := t.tx.Files(t.ctx, entryID, requestID)
	if err != nil {
		return err
	}
	for i, f := range files {
		if i == maxFilesShown {
			break
		}
		// Telegram keeps its files; others are sent from the store once fetched.
		if f.State == monitoring.MediaTooLarge || f.Channel != monitoring.Telegram && f.State != monitoring.MediaStored {
			continue
		}
		if err := t.send(Reply{MediaID: f.ID, Text: fmt.Sprintf("%s · %d/%d", caption, i+1, len(files))}, ""); err != nil {
			return err
		}
	}
	return nil
}

// inPrivate runs fn as a turn in the member's private chat, so a button
// pressed in the group continues as a dialogue in private, on top of
// whatever the member had open there, which is asked again after it.
func (t *turn) inPrivate(m monitoring.Member, fn func(pt *turn) error) error {
	chat, err := t.tx.MemberChat(t.ctx, m.ID, string(t.u.Channel))
	if err != nil {
		return err
	}
	if chat == "" || t.u.ChatKind == Private && t.u.ChatID == chat {
		return fn(t)
	}
	u := *t.u
	u.ChatID, u.ChatKind, u.Kind, u.Callback = chat, Private, KindText, nil
	pt := &turn{ctx: t.ctx, e: t.e, tx: t.tx, b: t.b, u: &u, lang: t.lang, key: monitoring.ConversationKey{
		Municipality: t.e.Muni.Code, Channel: string(u.Channel), ChatID: chat, UserRef: u.UserID}}
	if err := pt.load(); err != nil {
		return err
	}
	if err := fn(pt); err != nil {
		return err
	}
	return pt.save()
}

// errand is a member's (or a resident's) errand on one entry: the reason
// for a change, notes, or what a resident adds.
type errand struct {
	EntryID int64  `json:"entry"`
	Action  string `json:"action,omitempty"`
	Count   int    `json:"count,omitempty"`
	Parts   []Part `json:"parts,omitempty"`
}

func (t *turn) errand() *errand { return dialogueData[errand](t) }

func init() {
	declare("m.reason", &step{accepts: inText, ask: askReason, choose: cancelWork, input: reasonInput})
	declare("m.note", &step{accepts: inMedia, ask: askNote, choose: noteDone, input: noteInput})
	declare("r.add", &step{accepts: inMedia, ask: askAddInfo, choose: addInfoDone, input: addInfoInput})
}

// workEntry re-reads the entry an errand is about, and the member; the
// member's rights are checked again at every step.
func (t *turn) workEntry() (monitoring.Member, monitoring.Entry, bool, error) {
	m, ok, err := t.member()
	if err != nil || !ok {
		t.endQuiet()
		return m, monitoring.Entry{}, false, errOr(err, t.refuse(t.stranger(), "work", 0, "members.only"))
	}
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, t.errand().EntryID)
	if err != nil {
		return m, e, false, err
	}
	if m.RecusedFrom(e.Service) {
		t.endQuiet()
		return m, e, false, t.refuse(actor(m), "work", e.ID, "recused")
	}
	return m, e, true, nil
}

func (t *turn) workNumber() string {
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, t.errand().EntryID)
	if err != nil {
		return "?"
	}
	return e.Number.String()
}

func askReason(t *turn) error {
	prompt := t.T("reason."+t.errand().Action, catalog.Args{"Number": t.workNumber()})
	return t.askMenu("m.reason", prompt, 1, []Option{t.cancelOption()})
}

// cancelOption ends an errand: a button on Telegram, a word elsewhere.
func (t *turn) cancelOption() Option {
	return Option{Label: t.T("button.cancel", nil), Data: "cancel", Word: true}
}

func cancelWork(t *turn, _ string) error {
	t.endQuiet()
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
	m, e, ok, err := t.workEntry()
	if err != nil || !ok {
		return err
	}
	c := monitoring.Change{Action: monitoring.Action(t.errand().Action), Actor: actor(m), MemberID: m.ID, Reason: text}
	if c.Action == monitoring.Merge {
		into, msg, err := t.mergeTarget(e, text)
		if err != nil || msg != "" {
			return errOr(err, t.say(msg))
		}
		c.Into, c.Reason = into.ID, into.Number.String()
	}
	t.endQuiet()
	if err := t.apply(m, e, c); err != nil {
		return err
	}
	return t.resend()
}

func askNote(t *turn) error {
	prompt := t.T("note.ask", catalog.Args{"Number": t.workNumber()})
	return t.askMenu("m.note", prompt, 1, []Option{t.doneOption()})
}

func noteDone(t *turn, _ string) error {
	n := t.errand().Count
	t.endQuiet()
	if err := t.say(t.e.Catalog.N(t.lang, "note.done", n, nil)); err != nil {
		return err
	}
	return t.resend()
}

// noteInput keeps a verification note or photo (4.3: re-verify what was
// collected), with the member who made it.
func noteInput(t *turn) error {
	m, e, ok, err := t.workEntry()
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
	t.errand().Count++
	return t.acknowledge(t.T("note.got"+t.typed(), nil), "note", 1)
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
		id, err := t.tx.AddMedia(t.ctx, t.e.Muni.Code, monitoring.Media{Kind: u.File.Kind, Channel: u.Channel, FileID: u.File.ID, Mime: u.File.Mime, Size: u.File.Size})
		return u.Text, id, err == nil, err
	case KindLocation:
		return fmt.Sprintf("📍 %.6f, %.6f", u.Location.Lat, u.Location.Lon), 0, true, nil
	}
	return "", 0, false, t.notice("unsupported")
}

// feedbackButton is the resident's answer to "Was it fixed?". "No" reopens
// the entry and tells the group.
func (t *turn) feedbackButton(id int64, fb monitoring.Feedback) error {
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
	if err := t.refreshCards(e2); err != nil {
		return err
	}
	if err := t.tellGroup("group.reopened", catalog.Args{"Number": e.Number.String()}); err != nil {
		return err
	}
	return t.say(t.T("feedback.reopened", catalog.Args{"Number": e.Number.String()}))
}

// addInfoButton lets a resident add to their own open entry.
func (t *turn) addInfoButton(id int64) error {
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
	prompt := t.T("add.ask", catalog.Args{"Number": t.workNumber()})
	return t.askMenu("r.add", prompt, 1, []Option{t.doneOption()})
}

func addInfoInput(t *turn) error {
	w := t.errand()
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, w.EntryID)
	if err != nil {
		return err
	}
	if e.ResidentID != t.resident.ID || !e.Status.Open() {
		t.endQuiet()
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
	return t.acknowledge(t.T("add.got"+t.typed(), nil), "add", 1)
}

func addInfoDone(t *turn, _ string) error {
	w := *t.errand()
	t.endQuiet()
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

// lastReason is the reason of an entry's latest change that stands.
func lastReason(t *turn, e monitoring.Entry) string {
	ev, err := t.tx.LastEvent(t.ctx, e.ID)
	if err != nil {
		return ""
	}
	return ev.Reason
}
