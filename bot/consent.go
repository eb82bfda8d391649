package bot

import (
	"fmt"
	"strings"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Consent to surveys. Regulation 5.6 has the group run questionnaires and
// community surveys; residents are asked only if they agreed (the
// council's decision 12/2: «макулдук берилсин»). A resident agrees with
// /subscribe (and says their village, so surveys of a village reach them)
// or with the offer made once after their first complaint is registered;
// /stop withdraws at once. Every yes and no is kept with when and how.

// consentFlow is /subscribe's one question: the village.
func consentFlow() flow {
	return flow{
		steps: map[string]*step{
			"consent.village": {accepts: inChoice, ask: askConsentVillage, choose: chooseConsentVillage},
		},
	}
}

// subscribe starts the consent dialogue, or says the resident already agreed.
func subscribe(t *turn) error {
	c, err := t.tx.Consent(t.ctx, t.resident.ID)
	if err != nil {
		return err
	}
	if c.Given {
		if err := t.say(t.T("consent.already", catalog.Args{"Village": villageName(t, c.Village)})); err != nil {
			return err
		}
		return t.resend()
	}
	return t.start("consent.village", nil)
}

func askConsentVillage(t *turn) error {
	var opts []Option
	for _, v := range t.e.Muni.Villages {
		opts = append(opts, Option{Label: v.Name.In(t.lang), Data: "v:" + v.Code})
	}
	return t.askMenu("consent.village", t.T("consent.village", nil), 2, opts)
}

func chooseConsentVillage(t *turn, data string) error {
	village := strings.TrimPrefix(data, "v:")
	if err := t.tx.SetConsent(t.ctx, t.e.Muni.Code, monitoring.Consent{ResidentID: t.resident.ID, Given: true, How: "subscribe", Village: village}); err != nil {
		return err
	}
	t.end()
	return t.say(t.T("consent.given", nil))
}

// stopSurveys is /stop: the resident's no, honoured at once. With no
// consent to withdraw, it ends the open dialogue as /cancel does (what
// residents used it for before surveys).
func stopSurveys(t *turn) error {
	c, err := t.tx.Consent(t.ctx, t.resident.ID)
	if err != nil {
		return err
	}
	if !c.Given {
		if t.top() != nil {
			return t.cancel()
		}
		return t.say(t.T("consent.none", nil))
	}
	if err := t.tx.SetConsent(t.ctx, t.e.Muni.Code, monitoring.Consent{ResidentID: t.resident.ID, Given: false, How: "stop", Village: c.Village}); err != nil {
		return err
	}
	t.dropSurveys(0) // a survey under way ends here; its answers so far stay, unfinished
	if err := t.say(t.T("consent.withdrawn", nil)); err != nil {
		return err
	}
	return t.resend()
}

// offerConsent asks, once ever, a resident whose complaint was just
// registered whether they agree to be sent surveys. The question is logged
// as not yet agreed ("offered"), so it is never asked twice.
func offerConsent(t *turn, e monitoring.Entry) error {
	offered, err := t.tx.OfferConsent(t.ctx, t.e.Muni.Code, monitoring.Consent{ResidentID: t.resident.ID, Given: false, How: "offered", Village: e.Village})
	if err != nil || !offered {
		return err // asked before, or they answered of their own accord
	}
	r := Reply{Text: t.T("consent.offer", nil), Menu: &Menu{Columns: 1, Options: []Option{
		{Label: t.T("consent.yes", nil), Data: fmt.Sprintf("s|%d|yes", e.ID)},
		{Label: t.T("consent.no", nil), Data: fmt.Sprintf("s|%d|no", e.ID)},
	}}}
	t.offer(r, t.tx.Now())
	return t.send(r, "")
}

// consentButton is the answer to the offer; the village is the one of the
// complaint it followed.
func consentButton(t *turn, entryID int64, answer string) error {
	e, err := t.tx.EntryByID(t.ctx, t.e.Muni.Code, entryID)
	if err != nil && monitoring.ErrorCode(err) != monitoring.ENOTFOUND {
		return err
	}
	c, cerr := t.tx.Consent(t.ctx, t.resident.ID)
	if cerr != nil {
		return cerr
	}
	if err != nil || e.ResidentID != t.resident.ID || c.How != "offered" || (answer != "yes" && answer != "no") {
		return t.oldButton() // answered already, or not theirs
	}
	if err := t.ack(""); err != nil {
		return err
	}
	given := answer == "yes"
	if err := t.tx.SetConsent(t.ctx, t.e.Muni.Code, monitoring.Consent{ResidentID: t.resident.ID, Given: given, How: "offer", Village: e.Village}); err != nil {
		return err
	}
	label, reply := t.T("consent.no", nil), t.T("consent.declined", nil)
	if given {
		label, reply = t.T("consent.yes", nil), t.T("consent.given", nil)
	}
	if t.u.Kind == KindCallback && t.u.Callback.MessageID != "" {
		if err := t.send(Reply{EditMessageID: t.u.Callback.MessageID, Text: t.T("consent.offer", nil) + "\n\n✓ " + label}, ""); err != nil {
			return err
		}
	}
	t.st.Offer = nil
	return t.say(reply)
}

// villageName is a village's name in the turn's language ("" unknown).
func villageName(t *turn, code string) string {
	for _, v := range t.e.Muni.Villages {
		if v.Code == code {
			return v.Name.In(t.lang)
		}
	}
	return ""
}
