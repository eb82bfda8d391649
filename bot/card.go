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
//	s|<entry>|yes|no     the resident answers the offer of surveys
//	q|<survey>|go        the resident starts a survey they were invited to
//
// Whatever the data says, the sender's rights are checked in the database.
func scoped(data string) bool {
	return len(data) > 2 && data[1] == '|' && strings.IndexByte("auofxrsq", data[0]) >= 0
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
		return feedbackButton(t, id, monitoring.Feedback(arg))
	case parts[0] == "x" && t.u.ChatKind == Private:
		return addInfoButton(t, id)
	case parts[0] == "s" && t.u.ChatKind == Private:
		return consentButton(t, id, arg)
	case parts[0] == "q" && t.u.ChatKind == Private:
		return surveyButton(t, id)
	case parts[0] == "f", parts[0] == "x", parts[0] == "s", parts[0] == "q":
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
			return actionButton(t, m, id, arg)
		case "u":
			return undoButton(t, m, id)
		case "o":
			return openButton(t, m, id)
		case "r":
			return requestButton(t, m, id, arg)
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

// entryCard shows an entry as members see it: number, place, service, status,
// the text, and a button for each action that fits its status now. It
// carries no personal data, so it may go to the group's chat.
func entryCard(t *turn, e monitoring.Entry, lang monitoring.Lang, m *monitoring.Member) (Reply, error) {
	files, err := t.tx.MediaCount(t.ctx, e.ID)
	if err != nil {
		return Reply{}, err
	}
	c := t.e.Catalog
	var extras []string
	if files > 0 {
		extras = append(extras, c.T(lang, "card.files", catalog.Args{"Count": files}))
	}
	if e.MergedInto != 0 {
		if into, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, e.MergedInto); err == nil {
			extras = append(extras, c.T(lang, "card.merged_into", catalog.Args{"Number": into.Number.String()}))
		}
	}
	text := c.T(lang, "card", catalog.Args{
		"Number": e.Number.String(), "Date": c.DateTime(lang, e.CreatedAt),
		"Village": t.placeName(lang, e.Village, true), "Service": t.placeName(lang, e.Service, false),
		"Status": c.T(lang, "status."+string(e.Status), nil), "Text": TruncateText(masked(e.Description), 700),
		"Channel": c.T(lang, "via."+string(e.Channel), nil),
	})
	if len(extras) > 0 {
		text += "\n" + strings.Join(extras, "\n")
	}
	r := Reply{Lang: lang, Text: text}
	if m != nil && m.RecusedFromObject(t.e.Muni, e.Service) {
		r.Text += "\n\n" + c.T(lang, "recused", nil)
		return r, nil
	}
	if e.Location != nil && (m != nil || !e.Anonymous) {
		// An anonymous resident's point could show where they live: in the
		// group chat it is left out; members who take part see it in private.
		r.Text += fmt.Sprintf("\n📍 https://maps.google.com/?q=%.6f,%.6f", e.Location.Lat, e.Location.Lon)
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
func postCard(t *turn, e monitoring.Entry) error {
	groups, err := t.groupChats()
	if err != nil {
		return err
	}
	lang := t.e.groupLang()
	for _, g := range groups {
		r, err := entryCard(t, e, lang, nil)
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
func refreshCards(t *turn, e monitoring.Entry) error {
	posts, err := t.tx.Posts(t.ctx, e.ID)
	if err != nil {
		return err
	}
	lang := t.e.groupLang()
	for _, p := range posts {
		r, err := entryCard(t, e, lang, nil)
		if err != nil {
			return err
		}
		r.EditOutboxID = p.OutboxID
		t.sendOn(p.Channel, p.ChatID, lang, r, "", time.Time{})
	}
	return nil
}

// groupChats are the group's chats: read once per batch on the fast path,
// where every new complaint's card asks for them.
func (t *turn) groupChats() ([]monitoring.GroupChat, error) {
	if t.b.groupsRead && !t.b.careful {
		return t.b.groups, nil
	}
	groups, err := t.tx.GroupChats(t.ctx, t.e.Muni.Code)
	if err != nil {
		return nil, err
	}
	t.b.groups, t.b.groupsRead = groups, true
	return groups, nil
}

// tellGroup posts a short notice in the group's chats.
func (t *turn) tellGroup(id string, args catalog.Args) error {
	groups, err := t.groupChats()
	if err != nil {
		return err
	}
	lang := t.e.groupLang()
	for _, g := range groups {
		t.sendOn(g.Channel, g.ChatID, lang, Reply{Text: t.e.Catalog.T(lang, id, args)}, "", time.Time{})
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

func (t *turn) villageName(code string) string { return t.placeName(t.lang, code, true) }

func (t *turn) serviceName(code string) string { return t.placeName(t.lang, code, false) }

// masked is an entry's text as cards show it: a phone number or e-mail an
// older entry may carry in its text is masked (new entries keep them apart).
func masked(text string) string {
	m, _ := monitoring.MaskPersonal(text)
	return m
}
