package bot

import (
	"regexp"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// steps holds every declared question of every dialogue, by name. The
// intake is a resident's complaint, question by question (Regulation 5.6:
// messages about services and projects are registered in the journal).
// The next question is derived from what the draft still lacks, so editing
// one answer from the summary asks only that question again.
var steps = map[string]*step{}

func init() {
	for name, s := range map[string]*step{
		"lang":     {ask: askLang, choose: chooseLang, input: langInput},
		"village":  {ask: askVillage, choose: chooseVillage},
		"service":  {ask: askService, choose: chooseService},
		"describe": {ask: askDescribe, choose: chooseDescribeDone, input: describeInput},
		"contact":  {ask: askContact, choose: chooseContact, input: contactInput},
		"phone":    {ask: askPhone, input: phoneInput},
		"confirm":  {ask: askConfirm, choose: chooseConfirm, input: confirmInput},
		"edit":     {ask: askEdit, choose: chooseEdit},
	} {
		steps[name] = s
	}
}

func (t *turn) ask(name string) error { return steps[name].ask(t) }

func (t *turn) draft() *Draft {
	if t.st.Draft == nil {
		t.st.Draft = &Draft{}
	}
	return t.st.Draft
}

// advance asks for the first thing the draft still lacks.
func (t *turn) advance() error {
	d := t.draft()
	switch {
	case t.resident.Lang == "":
		return t.ask("lang")
	case d.Village == "":
		return t.ask("village")
	case d.Service == "":
		return t.ask("service")
	case !d.Described:
		return t.ask("describe")
	case !d.contactDecided():
		return t.ask("contact")
	}
	return t.ask("confirm")
}

// keep adds what the resident sent to the draft's description: text,
// media, a location. Anything else gets a kind explanation. kept reports
// whether the draft changed.
func (t *turn) keep() (kept bool, err error) {
	u := t.u
	d := t.draft()
	switch u.Kind {
	case KindText:
		if strings.TrimSpace(u.Text) == "" {
			return false, t.notice("unsupported")
		}
		d.Parts = append(d.Parts, Part{MessageID: u.MessageID, Text: u.Text})
		return true, nil
	case KindMedia, KindDocument:
		if u.File == nil {
			return false, t.notice("document.unsupported")
		}
		if u.File.Size > monitoring.MaxMediaBytes {
			return false, t.notice("media.too_large")
		}
		id, err := t.tx.AddMedia(t.ctx, t.e.Muni.Code, monitoring.Media{
			Kind: u.File.Kind, Channel: u.Channel, FileID: u.File.ID, Mime: u.File.Mime, Size: u.File.Size,
		})
		if err != nil {
			return false, err
		}
		d.Media = append(d.Media, id)
		if strings.TrimSpace(u.Text) != "" { // a caption is part of the description
			d.Parts = append(d.Parts, Part{MessageID: u.MessageID, Text: u.Text})
		}
		return true, nil
	case KindLocation:
		d.Location = u.Location
		return true, nil
	case KindContact:
		return false, t.notice("contact.wrong_step")
	}
	return false, t.notice("unsupported")
}

// notice explains why something was not kept. Notices collapse: a resident
// who sends twenty stickers in a row gets one answer, not twenty.
func (t *turn) notice(id string) error {
	return t.send(Reply{Text: t.T(id, nil)}, "notice")
}

// keepAndResend is the default for input at a menu question: keep it as
// part of the description, say so, and ask the question again.
func (t *turn) keepAndResend() error {
	kept, err := t.keep()
	if err != nil || !kept {
		return err
	}
	if err := t.say(t.T("input.kept", nil)); err != nil {
		return err
	}
	return t.resend()
}

func askLang(t *turn) error {
	return t.askMenu("lang", t.T("lang.choose", nil), 2, []Option{
		{Label: t.T("lang.ky", nil), Data: "ky"},
		{Label: t.T("lang.ru", nil), Data: "ru"},
	})
}

func chooseLang(t *turn, data string) error {
	lang, ok := monitoring.ParseLang(data)
	if !ok {
		return t.resend()
	}
	first := t.resident.Lang == ""
	if err := t.setLang(lang); err != nil {
		return err
	}
	if first {
		if err := t.welcome(); err != nil {
			return err
		}
		return t.advance()
	}
	if err := t.say(t.T("lang.set", nil)); err != nil {
		return err
	}
	if d := t.st.Draft; d != nil && (d.hasContent() || d.Village != "") {
		return t.advance()
	}
	// Nothing in progress: the language buttons are done with.
	t.st.Step, t.st.Menu = "", &MenuState{Seq: t.st.Menu.seq()}
	return nil
}

func (t *turn) setLang(lang monitoring.Lang) error {
	t.lang = lang
	t.resident.Lang = lang
	t.b.residents[t.residentKey()] = t.resident
	return t.tx.SetResidentLang(t.ctx, t.resident.ID, lang)
}

// langInput: a resident who writes instead of choosing a language gets
// the one their app uses (or Kyrgyz), and what they wrote is kept.
func langInput(t *turn) error {
	kept, err := t.keep()
	if err != nil || !kept {
		return err
	}
	if t.resident.Lang == "" {
		if err := t.setLang(t.lang); err != nil {
			return err
		}
		if err := t.welcome(); err != nil {
			return err
		}
	}
	return t.advance()
}

func askVillage(t *turn) error {
	var opts []Option
	for _, v := range t.e.Muni.Villages {
		opts = append(opts, Option{Label: v.Name.In(t.lang), Data: "v:" + v.Code})
	}
	prompt := t.T("ask.village", nil)
	return t.askMenu("village", prompt, 2, opts)
}

func chooseVillage(t *turn, data string) error {
	t.draft().Village = strings.TrimPrefix(data, "v:")
	return t.advance()
}

func askService(t *turn) error {
	var opts []Option
	for _, s := range t.e.Muni.Services {
		opts = append(opts, Option{Label: s.Name.In(t.lang), Data: "s:" + s.Code})
	}
	opts = append(opts, Option{Label: t.T("service.other", nil), Data: "s:" + monitoring.OtherService})
	return t.askMenu("service", t.T("ask.service", nil), 2, opts)
}

func chooseService(t *turn, data string) error {
	t.draft().Service = strings.TrimPrefix(data, "s:")
	return t.advance()
}

func askDescribe(t *turn) error {
	d := t.draft()
	prompt := t.T("ask.describe", nil)
	if d.hasContent() {
		prompt = t.T("describe.kept", nil)
	}
	return t.askMenu("describe", prompt, 1, []Option{{Label: t.T("button.done", nil), Data: "done"}})
}

func chooseDescribeDone(t *turn, _ string) error {
	d := t.draft()
	if !d.hasContent() {
		return t.say(t.T("describe.empty", nil))
	}
	d.Described = true
	return t.advance()
}

// describeInput keeps each part and acknowledges it with the Done button.
// The acknowledgement collapses: ten photos in a row get one reply.
func describeInput(t *turn) error {
	kept, err := t.keep()
	if err != nil || !kept {
		return err
	}
	t.st.Menu.Prompt = t.T("describe.got", nil)
	return t.send(Reply{Text: t.st.Menu.Prompt, Menu: t.menu(1)}, "describe")
}

func askContact(t *turn) error {
	if t.draft().Via != "" { // a member taking a complaint down
		return t.askMenu("contact", t.T("register.contact", nil), 1, []Option{
			{Label: t.T("button.type_phone", nil), Data: "share"},
			{Label: t.T("button.no_contact", nil), Data: "anon"},
		})
	}
	return t.askMenu("contact", t.T("ask.contact", nil), 1, []Option{
		{Label: t.T("button.share_contact", nil), Data: "share", RequestContact: true},
		{Label: t.T("button.anonymous", nil), Data: "anon"},
	})
}

func chooseContact(t *turn, data string) error {
	switch data {
	case "anon":
		d := t.draft()
		d.Anonymous, d.Contact = true, nil
		ok := "anonymous.ok"
		if d.Via != "" {
			ok = "register.no_contact"
		}
		if err := t.send(Reply{Text: t.T(ok, nil), RemoveKeyboard: true}, ""); err != nil {
			return err
		}
		return t.advance()
	case "share":
		// On WhatsApp the sender's number is known: that is the contact.
		if t.u.Channel == monitoring.WhatsApp && t.draft().Via == "" && digitsOnly(t.u.UserID) {
			return t.setPhone("+"+t.u.UserID, "")
		}
		// A channel that cannot share a contact (the console) sends the
		// option back as a choice: ask for the number as text.
		return t.ask("phone")
	}
	return t.resend()
}

// contactInput takes the resident's own shared contact; anything else is
// kept as description.
func contactInput(t *turn) error {
	if t.u.Kind == KindText {
		// A number typed here is the contact, never part of the
		// description: it must not end up in an export of an entry.
		if phone, ok := typedPhone(t.u.Text); ok {
			return t.setPhone(phone, "")
		}
	}
	if t.u.Kind != KindContact {
		return t.keepAndResend()
	}
	c := t.u.Contact
	// Telegram's share button always says whose contact it is; a contact
	// picked from the address book may be someone else's.
	if c.UserID != t.u.UserID && (c.UserID != "" || t.u.Channel == monitoring.Telegram) && t.draft().Via == "" {
		return t.say(t.T("contact.not_own", nil))
	}
	return t.setPhone(c.Phone, c.Name)
}

func digitsOnly(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// typedPhone reads a phone number as people type it: "+996 555 12-34-56".
func typedPhone(text string) (string, bool) {
	phone := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(strings.TrimSpace(text))
	return phone, phoneRE.MatchString(phone)
}

func (t *turn) setPhone(phone, name string) error {
	d := t.draft()
	d.Contact, d.Anonymous = &monitoring.Contact{Phone: phone, Name: name}, false
	thanks := "contact.thanks"
	if d.Via != "" {
		thanks = "register.phone_ok"
	}
	if err := t.send(Reply{Text: t.T(thanks, nil), RemoveKeyboard: true}, ""); err != nil {
		return err
	}
	return t.advance()
}

func askPhone(t *turn) error {
	return t.askMenu("phone", t.T("ask.phone", nil), 1, []Option{{Label: t.T("button.anonymous", nil), Data: "anon"}})
}

var phoneRE = regexp.MustCompile(`^\+?[0-9]{9,15}$`)

func phoneInput(t *turn) error {
	if t.u.Kind == KindContact {
		return contactInput(t)
	}
	if t.u.Kind != KindText {
		return t.keepAndResend()
	}
	phone, ok := typedPhone(t.u.Text)
	if !ok {
		return t.say(t.T("phone.invalid", nil))
	}
	return t.setPhone(phone, "")
}

func askConfirm(t *turn) error {
	d := t.draft()
	desc := d.text()
	if desc == "" {
		desc = t.T("summary.no_text", nil)
	}
	var extras string
	if len(d.Media) > 0 {
		extras += t.T("summary.files", catalog.Args{"Count": len(d.Media)})
	}
	if d.Location != nil {
		extras += t.T("summary.location", nil)
	}
	contact := t.T("summary.anonymous", nil)
	if d.Via != "" {
		contact = t.T("via."+string(d.Via), nil) + ", " + t.T("summary.no_contact", nil)
	}
	if d.Contact != nil {
		contact = d.Contact.Phone
	}
	prompt := t.T("summary", catalog.Args{
		"Village": t.villageName(d.Village), "Service": t.serviceName(d.Service),
		"Description": TruncateText(desc, 1500), "Extras": extras, "Contact": contact,
	})
	return t.askMenu("confirm", prompt, 3, []Option{
		{Label: t.T("button.send", nil), Data: "send"},
		{Label: t.T("button.edit", nil), Data: "edit"},
		{Label: t.T("button.cancel", nil), Data: "cancel"},
	})
}

func chooseConfirm(t *turn, data string) error {
	switch data {
	case "send":
		return t.submit()
	case "edit":
		return t.ask("edit")
	case "cancel":
		return t.cancel()
	}
	return t.resend()
}

// confirmInput: more text or photos at the summary are added, and the
// summary is shown again with them.
func confirmInput(t *turn) error {
	kept, err := t.keep()
	if err != nil || !kept {
		return err
	}
	return t.ask("confirm")
}

func askEdit(t *turn) error {
	return t.askMenu("edit", t.T("edit.what", nil), 2, []Option{
		{Label: t.T("edit.village", nil), Data: "village"},
		{Label: t.T("edit.service", nil), Data: "service"},
		{Label: t.T("edit.description", nil), Data: "description"},
		{Label: t.T("edit.contact", nil), Data: "contact"},
		{Label: t.T("button.back", nil), Data: "back"},
	})
}

func chooseEdit(t *turn, data string) error {
	d := t.draft()
	switch data {
	case "village":
		d.Village = ""
	case "service":
		d.Service = ""
	case "description":
		// The new text replaces the old; files and location stay.
		d.Parts, d.Described = nil, false
		return t.askMenu("describe", t.T("ask.describe_again", nil), 1, []Option{{Label: t.T("button.done", nil), Data: "done"}})
	case "contact":
		d.Contact, d.Anonymous = nil, false
	}
	return t.advance()
}

// submit registers the draft in the journal, unless the resident has hit
// the hourly flood limit; then the draft stays, ready to send later.
func (t *turn) submit() error {
	d := t.draft()
	if d.Via != "" {
		return t.submitOnBehalf(d)
	}
	limit := t.e.Muni.EntriesPerHour
	n, err := t.tx.CountEntriesSince(t.ctx, t.resident.ID, t.tx.Now().Add(-time.Hour))
	if err != nil {
		return err
	}
	if limit > 0 && n >= limit {
		if err := t.say(t.e.Catalog.N(t.lang, "flood", limit, nil)); err != nil {
			return err
		}
		return t.ask("confirm") // the draft waits, with its Send button
	}
	e := monitoring.Entry{
		Municipality: t.e.Muni.Code, Village: d.Village, Service: d.Service, Description: d.text(),
		Location: d.Location, Channel: t.u.Channel, Anonymous: d.Anonymous, ResidentID: t.resident.ID,
	}
	if err := t.tx.CreateEntry(t.ctx, &e, d.Contact, "resident"); err != nil {
		return err
	}
	if err := t.tx.AttachMedia(t.ctx, e.ID, d.Media); err != nil {
		return err
	}
	if err := t.postCard(e); err != nil {
		return err
	}
	t.st = State{Menu: &MenuState{Seq: t.st.Menu.seq()}}
	return t.say(t.e.Catalog.N(t.lang, "submitted", t.e.Muni.ResponseDays, catalog.Args{"Number": e.Number.String()}))
}
