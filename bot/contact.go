package bot

import (
	"regexp"
	"strings"

	"bmjbt/monitoring"
)

// The intake's contact question: the resident's own number, shared or
// typed, or none; personal data kept apart from the complaint.

func askContact(t *turn) error {
	if draftOf(t).Via != "" { // a member taking a complaint down
		return t.askMenu("intake.contact", t.T("register.contact", nil), 1, []Option{
			{Label: t.T("button.type_phone", nil), Data: "share"},
			{Label: t.T("button.no_contact", nil), Data: "anon"},
		})
	}
	return t.askMenu("intake.contact", t.T("ask.contact", nil), 1, []Option{
		{Label: t.T("button.share_contact", nil), Data: "share", RequestContact: true},
		{Label: t.T("button.anonymous", nil), Data: "anon"},
	})
}

func chooseContact(t *turn, data string) error {
	switch data {
	case "anon":
		d := draftOf(t)
		d.Anonymous, d.Contact = true, nil
		ok := "anonymous.ok"
		if d.Via != "" {
			ok = "register.no_contact"
		}
		if err := t.send(Reply{Text: t.T(ok, nil), RemoveKeyboard: true}, ""); err != nil {
			return err
		}
		return advance(t)
	case "share":
		// On WhatsApp the sender's number is known: that is the contact.
		if t.u.Channel == monitoring.WhatsApp && draftOf(t).Via == "" && digitsOnly(t.u.UserID) {
			return setPhone(t, "+"+t.u.UserID, "")
		}
		// A channel that cannot share a contact (the console) sends the
		// option back as a choice: ask for the number as text.
		return t.ask("intake.phone")
	}
	return t.resend()
}

// contactInput takes the resident's own shared contact, or a typed number:
// a number typed here is the contact, never part of the description.
func contactInput(t *turn) error {
	if t.u.Kind == KindText {
		phone, _ := typedPhone(t.u.Text)
		return setPhone(t, phone, "")
	}
	c := t.u.Contact
	// Telegram's share button always says whose contact it is; a contact
	// picked from the address book may be someone else's.
	if c.UserID != t.u.UserID && (c.UserID != "" || t.u.Channel == monitoring.Telegram) && draftOf(t).Via == "" {
		return t.say(t.T("contact.not_own", nil))
	}
	return setPhone(t, c.Phone, c.Name)
}

func digitsOnly(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// typedPhone reads a phone number as people type it: "+996 555 12-34-56".
func typedPhone(text string) (string, bool) {
	phone := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(strings.TrimSpace(text))
	return phone, phoneRE.MatchString(phone)
}

func setPhone(t *turn, phone, name string) error {
	d := draftOf(t)
	d.Contact, d.Anonymous = &monitoring.Contact{Phone: phone, Name: name}, false
	thanks := "contact.thanks"
	if d.Via != "" {
		thanks = "register.phone_ok"
	}
	if err := t.send(Reply{Text: t.T(thanks, nil), RemoveKeyboard: true}, ""); err != nil {
		return err
	}
	return advance(t)
}

func askPhone(t *turn) error {
	return t.askMenu("intake.phone", t.T("ask.phone", nil), 1, []Option{{Label: t.T("button.anonymous", nil), Data: "anon"}})
}

var phoneRE = regexp.MustCompile(`^\+?[0-9]{9,15}$`)

// personal is the draft's personal data: the contact left, and what was
// found in the text.
func (d *Draft) personal() *monitoring.Contact {
	if len(d.Found) == 0 {
		return d.Contact
	}
	c := monitoring.Contact{}
	if d.Contact != nil {
		c = *d.Contact
	}
	c.Found = d.Found
	return &c
}
