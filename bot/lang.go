package bot

import "bmjbt/monitoring"

// The language is a dialogue of its own: asked first, and on /lang on top
// of whatever is open, which is asked again once it is chosen.

// langFlow is the language: its questions.
func langFlow() flow {
	return flow{
		steps: map[string]*step{
			"lang": {accepts: inChoice, ask: askLang, choose: chooseLang, input: langInput},
		},
	}
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
	if err := setLang(t, lang); err != nil {
		return err
	}
	t.end()
	if first {
		if err := welcome(t); err != nil {
			return err
		}
		if inIntake(t) {
			return advance(t)
		}
		return startIntake(t, false)
	}
	if err := t.say(t.T("lang.set", nil)); err != nil {
		return err
	}
	if f := t.top(); f != nil {
		f.Menu = nil // asked again, in the new language
	}
	return t.resend()
}

func setLang(t *turn, lang monitoring.Lang) error {
	changed := t.resident.Lang != "" && t.resident.Lang != lang
	t.lang = lang
	t.resident.Lang = lang
	t.b.residents[t.residentKey()] = t.resident
	if r, ok := t.b.known[string(t.u.Channel)+"|"+t.u.UserID]; ok && r != nil {
		known := *r
		known.Lang = lang
		t.b.known[string(t.u.Channel)+"|"+t.u.UserID] = &known
	}
	if err := t.tx.SetResidentLang(t.ctx, t.resident.ID, lang); err != nil {
		return err
	}
	if changed {
		return renotify(t)
	}
	return nil
}

// langInput: a resident who writes their problem instead of choosing a
// language at first contact gets the one their app uses (or Kyrgyz), and
// what they wrote is kept. Later, at /lang, only a choice will do.
func langInput(t *turn) error {
	if t.resident.Lang != "" || t.u.Kind == KindText && isNumber(t.u.Text) {
		return t.reaskChoice()
	}
	if err := setLang(t, t.lang); err != nil {
		return err
	}
	t.end()
	if err := welcome(t); err != nil {
		return err
	}
	if !inIntake(t) {
		return startIntake(t, true)
	}
	if _, err := keepContent(t); err != nil {
		return err
	}
	return advance(t)
}
