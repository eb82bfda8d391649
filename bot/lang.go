package bot

import "bmjbt/monitoring"

// The language is a dialogue of its own: asked first, and on /lang on top
// of whatever is open, which is asked again once it is chosen.

func init() {
	declare("lang", &step{accepts: inChoice, ask: askLang, choose: chooseLang, input: langInput})
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
	t.endQuiet()
	if first {
		if err := t.welcome(); err != nil {
			return err
		}
		if t.inIntake() {
			return t.advance()
		}
		return t.startIntake(false)
	}
	if err := t.say(t.T("lang.set", nil)); err != nil {
		return err
	}
	if f := t.top(); f != nil {
		f.Menu = nil // asked again, in the new language
	}
	return t.resend()
}

func (t *turn) setLang(lang monitoring.Lang) error {
	changed := t.resident.Lang != "" && t.resident.Lang != lang
	t.lang = lang
	t.resident.Lang = lang
	t.b.residents[t.residentKey()] = t.resident
	if err := t.tx.SetResidentLang(t.ctx, t.resident.ID, lang); err != nil {
		return err
	}
	if changed {
		return t.renotify()
	}
	return nil
}

// langInput: a resident who writes their problem instead of choosing a
// language at first contact gets the one their app uses (or Kyrgyz), and
// what they wrote is kept. Later, at /lang, only a choice will do.
func langInput(t *turn) error {
	if t.resident.Lang != "" || t.u.Kind == KindText && isNumber(t.u.Text) {
		return t.reaskChoice(t.top().Menu.Options)
	}
	if err := t.setLang(t.lang); err != nil {
		return err
	}
	t.endQuiet()
	if err := t.welcome(); err != nil {
		return err
	}
	if !t.inIntake() {
		return t.startIntake(true)
	}
	if _, err := t.keep(); err != nil {
		return err
	}
	return t.advance()
}
