package bot

import (
	"encoding/json"
	"strings"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// The intake is a resident's complaint, question by question (Regulation
// 5.6: messages about services and projects are registered in the
// journal). The next question is derived from what the draft still lacks,
// so editing one answer from the summary asks only that question again.
// intakeFlow is a resident's complaint: its questions.
func intakeFlow() flow {
	return flow{
		steps: map[string]*step{
			"intake.village":  {accepts: inChoice, ask: askVillage, choose: chooseVillage, input: evidenceInput},
			"intake.service":  {accepts: inChoice, ask: askService, choose: chooseService, input: evidenceInput},
			"intake.describe": {accepts: inMedia, ask: askDescribe, choose: chooseDescribeDone, input: describeInput},
			"intake.contact":  {accepts: inContact, ask: askContact, choose: chooseContact, input: contactInput},
			"intake.phone":    {accepts: inContact, ask: askPhone, choose: chooseContact, input: contactInput},
			"intake.confirm":  {accepts: inChoice, ask: askConfirm, choose: chooseConfirm, input: confirmInput},
			"intake.edit":     {accepts: inChoice, ask: askEdit, choose: chooseEdit},
		},
	}
}

// Draft is a complaint being written, before it gets a journal number.
type Draft struct {
	// Via is set when a member registers a complaint for a resident who
	// came in person or phoned.
	Via       monitoring.Channel   `json:"via,omitempty"`
	Village   string               `json:"village,omitempty"`
	Service   string               `json:"service,omitempty"`
	Parts     []Part               `json:"parts,omitempty"`
	Media     []int64              `json:"media,omitempty"`
	Location  *monitoring.Location `json:"location,omitempty"`
	Described bool                 `json:"described,omitempty"` // "Done" pressed
	Contact   *monitoring.Contact  `json:"contact,omitempty"`
	Anonymous bool                 `json:"anonymous,omitempty"`
	// Found is personal data typed into the description (phone numbers,
	// e-mail addresses): kept apart, masked in the text.
	Found []string `json:"found,omitempty"`
}

// Part is one message of the description, kept with its message id so an
// edit of that message replaces it.
type Part struct {
	MessageID string `json:"msg,omitempty"`
	Text      string `json:"text"`
}

func (d *Draft) text() string {
	var parts []string
	for _, p := range d.Parts {
		if s := strings.TrimSpace(p.Text); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n")
}

func (d *Draft) hasContent() bool {
	return d.text() != "" || len(d.Media) > 0 || d.Location != nil
}

func (d *Draft) contactDecided() bool { return d.Contact != nil || d.Anonymous }

// addText keeps a part of the description with personal data masked; what
// was masked goes with the contact, for members allowed to see it.
func (d *Draft) addText(msgID, text string) {
	masked, found := monitoring.MaskPersonal(text)
	for _, f := range found {
		if !contains(d.Found, f.Value) {
			d.Found = append(d.Found, f.Value)
		}
	}
	d.Parts = append(d.Parts, Part{MessageID: msgID, Text: masked})
}

// draftOf is the complaint of the open intake.
func draftOf(t *turn) *Draft { return dialogueData[Draft](t) }

// startIntake opens a complaint, with what the resident sent when it is
// content (not a command or an answer); the language is asked first when
// the resident has none yet.
func startIntake(t *turn, withContent bool) error {
	d := &Draft{}
	t.st.Frames = append(t.st.Frames, &Frame{Step: "intake.village", data: d})
	if withContent {
		if _, err := keepContent(t); err != nil {
			return err
		}
	}
	return advance(t)
}

// inIntake reports whether the open dialogue is a complaint.
func inIntake(t *turn) bool {
	f := t.top()
	return f != nil && strings.HasPrefix(f.Step, "intake.")
}

// advance asks for the first thing the draft still lacks.
func advance(t *turn) error {
	d := draftOf(t)
	switch {
	case t.resident.Lang == "":
		return t.start("lang", nil)
	case d.Village == "":
		return t.ask("intake.village")
	case d.Service == "":
		return t.ask("intake.service")
	case !d.Described:
		return t.ask("intake.describe")
	case !d.contactDecided():
		return t.ask("intake.contact")
	}
	return t.ask("intake.confirm")
}

// keepContent adds what the resident sent to the draft's description: text,
// media, a location. Anything else gets a kind explanation. kept reports
// whether the draft changed.
func keepContent(t *turn) (kept bool, err error) {
	u := t.u
	d := draftOf(t)
	switch u.Kind {
	case KindText:
		if strings.TrimSpace(u.Text) == "" {
			return false, t.notice("unsupported")
		}
		d.addText(u.MessageID, u.Text)
		return true, nil
	case KindMedia, KindDocument:
		if u.File == nil {
			return false, t.notice("document.unsupported")
		}
		if u.File.Size > monitoring.MaxMediaBytes {
			return false, t.notice("media.too_large")
		}
		id, err := t.tx.AddMedia(t.ctx, t.e.Muni.Code, monitoring.Media{
			Kind: u.File.Kind, Channel: u.Channel, FileID: u.File.ID, Mime: u.File.Mime, Size: u.File.Size, ResidentID: t.resident.ID,
		})
		if err != nil {
			return false, err
		}
		d.Media = append(d.Media, id)
		if strings.TrimSpace(u.Text) != "" { // a caption is part of the description
			d.addText(u.MessageID, u.Text)
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

// evidenceInput keeps a photo, a file or a location sent while a choice is
// asked (it is evidence the resident meant to give) and asks again; words
// that are no option are asked again and kept nowhere.
func evidenceInput(t *turn) error {
	switch t.u.Kind {
	case KindMedia, KindDocument, KindLocation:
		kept, err := keepContent(t)
		if err != nil || !kept {
			return err
		}
		if err := t.say(t.T("input.kept", nil)); err != nil {
			return err
		}
		return t.resend()
	}
	return t.reaskChoice()
}

func askVillage(t *turn) error {
	var opts []Option
	for _, v := range t.e.Muni.Villages {
		opts = append(opts, Option{Label: v.Name.In(t.lang), Data: "v:" + v.Code})
	}
	prompt := t.T("ask.village", nil)
	return t.askMenu("intake.village", prompt, 2, opts)
}

func chooseVillage(t *turn, data string) error {
	draftOf(t).Village = strings.TrimPrefix(data, "v:")
	return advance(t)
}

func askService(t *turn) error {
	var opts []Option
	for _, s := range t.e.Muni.Services {
		opts = append(opts, Option{Label: s.Name.In(t.lang), Data: "s:" + s.Code})
	}
	opts = append(opts, Option{Label: t.T("service.other", nil), Data: "s:" + monitoring.OtherService})
	return t.askMenu("intake.service", t.T("ask.service", nil), 2, opts)
}

func chooseService(t *turn, data string) error {
	draftOf(t).Service = strings.TrimPrefix(data, "s:")
	return advance(t)
}

func askDescribe(t *turn) error {
	d := draftOf(t)
	prompt := t.T("ask.describe", nil)
	if d.hasContent() {
		prompt = t.T("describe.kept", nil)
	}
	return t.askMenu("intake.describe", prompt, 1, []Option{t.doneOption()})
}

// doneOption is the control that ends a question taking several messages:
// a button on Telegram, a word to type elsewhere.
func (t *turn) doneOption() Option {
	return Option{Label: t.T("button.done", nil), Data: "done", Word: true}
}

func chooseDescribeDone(t *turn, _ string) error {
	d := draftOf(t)
	if !d.hasContent() {
		return t.say(t.T("describe.empty", nil))
	}
	d.Described = true
	return advance(t)
}

// describeInput keeps each part and acknowledges it with the Done control.
// The acknowledgement collapses: ten photos in a row get one reply.
func describeInput(t *turn) error {
	kept, err := keepContent(t)
	if err != nil || !kept {
		return err
	}
	return t.acknowledge(t.T("describe.got", nil), "describe", 1)
}

func askConfirm(t *turn) error {
	d := draftOf(t)
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
	return t.askMenu("intake.confirm", prompt, 3, []Option{
		{Label: t.T("button.send", nil), Data: "send"},
		{Label: t.T("button.edit", nil), Data: "edit"},
		{Label: t.T("button.cancel", nil), Data: "cancel"},
	})
}

func chooseConfirm(t *turn, data string) error {
	switch data {
	case "send":
		return submit(t)
	case "edit":
		return t.ask("intake.edit")
	case "cancel":
		return t.cancel()
	}
	return t.resend()
}

// confirmInput: more text or photos at the summary are added, and the
// summary is shown again with them; a number that is no option is asked
// again.
func confirmInput(t *turn) error {
	if t.u.Kind == KindText && isNumber(t.u.Text) {
		return t.reaskChoice()
	}
	kept, err := keepContent(t)
	if err != nil || !kept {
		return err
	}
	return t.ask("intake.confirm")
}

func askEdit(t *turn) error {
	return t.askMenu("intake.edit", t.T("edit.what", nil), 2, []Option{
		{Label: t.T("edit.village", nil), Data: "village"},
		{Label: t.T("edit.service", nil), Data: "service"},
		{Label: t.T("edit.description", nil), Data: "description"},
		{Label: t.T("edit.contact", nil), Data: "contact"},
	})
}

func chooseEdit(t *turn, data string) error {
	d := draftOf(t)
	switch data {
	case "village":
		d.Village = ""
	case "service":
		d.Service = ""
	case "description":
		// The new text replaces the old; files and location stay.
		d.Parts, d.Described = nil, false
		return t.askMenu("intake.describe", t.T("ask.describe_again", nil), 1, []Option{t.doneOption()})
	case "contact":
		d.Contact, d.Anonymous = nil, false
	}
	return advance(t)
}

// submit registers the draft in the journal, unless the resident has hit
// the hourly flood limit; then the draft stays, ready to send later.
func submit(t *turn) error {
	d := draftOf(t)
	if d.Via != "" {
		return submitOnBehalf(t, d)
	}
	limit := t.e.Muni.EntriesPerHour
	n, err := t.tx.CountEntriesSince(t.ctx, t.resident.ID, t.tx.Now().Add(-monitoring.FloodWindow))
	if err != nil {
		return err
	}
	if !monitoring.FloodAllows(n, limit) {
		if err := t.say(t.N("flood", limit, nil)); err != nil {
			return err
		}
		return t.ask("intake.confirm") // the draft waits, with its Send button
	}
	e := monitoring.Entry{
		Municipality: t.e.Muni.Code, Village: d.Village, Service: d.Service, Description: d.text(),
		Location: d.Location, Channel: t.u.Channel, Anonymous: d.Anonymous, ResidentID: t.resident.ID,
	}
	if err := t.tx.CreateEntry(t.ctx, &e, d.personal(), "resident"); err != nil {
		return err
	}
	if err := t.tx.AttachMedia(t.ctx, e.ID, d.Media); err != nil {
		return err
	}
	if err := postCard(t, e); err != nil {
		return err
	}
	t.end()
	if err := t.say(t.N("submitted", t.e.Muni.ResponseDays, catalog.Args{"Number": e.Number.String()})); err != nil {
		return err
	}
	return offerConsent(t, e)
}

func welcome(t *turn) error {
	return t.say(t.T("welcome", catalog.Args{"Municipality": t.e.Muni.Name.In(t.lang)}))
}

// editedMessage handles an edited message: an edit of a description part still in
// the draft replaces it; an edit after the entry is registered changes
// nothing, and the resident is told so.
func editedMessage(t *turn) error {
	d := openDraft(t)
	if d != nil && t.u.Kind == KindText {
		for i := range d.Parts {
			if d.Parts[i].MessageID != "" && d.Parts[i].MessageID == t.u.MessageID {
				masked, found := monitoring.MaskPersonal(t.u.Text)
				d.Parts[i].Text = masked
				for _, f := range found {
					if !contains(d.Found, f.Value) {
						d.Found = append(d.Found, f.Value)
					}
				}
				return t.send(Reply{Text: t.T("edited.draft", nil)}, "edited")
			}
		}
	}
	if d != nil && d.hasContent() {
		return t.send(Reply{Text: t.T("edited.other", nil)}, "edited")
	}
	return t.send(Reply{Text: t.T("edited.late", nil)}, "edited")
}

// openDraft is the complaint in progress anywhere in the stack (an edit may
// come while /lang is on top of it), or nil.
func openDraft(t *turn) *Draft {
	for i := len(t.st.Frames) - 1; i >= 0; i-- {
		f := t.st.Frames[i]
		if !strings.HasPrefix(f.Step, "intake.") && f.Step != "m.reg.via" {
			continue
		}
		if d, ok := f.data.(*Draft); ok {
			return d
		}
		d := &Draft{}
		if err := json.Unmarshal(f.Data, d); err != nil {
			return nil
		}
		f.data = d
		return d
	}
	return nil
}
