package bot

import (
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// groupReport registers a resident's message in the residents' WhatsApp
// group (Regulation 5.6: messages to the group's WhatsApp group are
// registered in the journal) and answers with the number, briefly. Members'
// messages there are not registered (inGroup checks that first); stickers
// and the like pass in silence, so the group is not flooded with replies.
func groupReport(t *turn) error {
	u := t.u
	if u.Edited || u.Kind != KindText && u.Kind != KindMedia && u.Kind != KindLocation {
		return nil
	}
	if u.Kind == KindText && strings.TrimSpace(u.Text) == "" || u.PrivateChat == "" {
		return nil
	}
	res, err := t.tx.Resident(t.ctx, t.e.Muni.Code, u.Channel, u.UserID, u.PrivateChat)
	if err != nil {
		return err
	}
	t.b.forget(string(u.Channel), u.UserID) // their chat on record may have changed
	n, err := t.tx.CountEntriesSince(t.ctx, res.ID, t.tx.Now().Add(-monitoring.FloodWindow))
	if err != nil || !monitoring.FloodAllows(n, t.e.Muni.EntriesPerHour) {
		return err // the inbox keeps it; the group is not answered
	}
	d := &Draft{}
	d.addText(u.MessageID, u.Text) // a number typed in the group stays out of the card
	e := monitoring.Entry{Municipality: t.e.Muni.Code, Service: monitoring.OtherService, Description: d.text(),
		Location: u.Location, Channel: u.Channel, ResidentID: res.ID}
	if err := t.tx.CreateEntry(t.ctx, &e, d.personal(), "resident"); err != nil {
		return err
	}
	if u.File != nil && u.File.Size <= monitoring.MaxMediaBytes {
		id, err := t.tx.AddMedia(t.ctx, t.e.Muni.Code, monitoring.Media{Kind: u.File.Kind, Channel: u.Channel, FileID: u.File.ID, Mime: u.File.Mime, Size: u.File.Size, ResidentID: res.ID})
		if err != nil {
			return err
		}
		if err := t.tx.AttachMedia(t.ctx, e.ID, []int64{id}); err != nil {
			return err
		}
	}
	if err := postCard(t, e); err != nil {
		return err
	}
	lang := t.e.groupLang()
	return t.sendTo(u.ChatID, lang, Reply{Text: t.e.Catalog.T(lang, "group.registered", catalog.Args{"Number": e.Number.String()})}, "", time.Time{})
}
