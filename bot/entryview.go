package bot

// A member's private view of one entry: the card with the contact the
// resident left, the notes and the files (6.2: they stay with the group).

import (
	"fmt"
	"strings"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// openButton shows a member one entry privately, with the contact the
// resident left (members only) and the entry's notes.
func openButton(t *turn, m monitoring.Member, id int64) error {
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
	return t.inPrivate(m, func(pt *turn) error { return showEntry(pt, m, e) })
}

func showEntry(t *turn, m monitoring.Member, e monitoring.Entry) error {
	r, err := entryCard(t, e, t.lang, &m)
	if err != nil {
		return err
	}
	if m.RecusedFromObject(t.e.Muni, e.Service) { // 6.3: no part in it, so no contact, notes or files
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
		if err := t.say(noteList(t, notes)); err != nil {
			return err
		}
	}
	return t.sendFiles(e.ID, 0, e.Number.String())
}

// notesShown bounds the notes one look at an entry lists (the latest).
const notesShown = 10

// noteList shows the latest notes with who wrote them and when.
func noteList(t *turn, notes []monitoring.Note) string {
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
