package bot

import (
	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// A member registers a complaint for a resident who came in person or
// phoned: the same questions as a resident's, then the entry is recorded
// with that channel and, if the resident agreed, their phone.

// registerFlow is a complaint taken down by a member: its questions and commands.
func registerFlow() flow {
	return flow{
		steps: map[string]*step{
			"m.reg.via": {accepts: inChoice, ask: askVia, choose: chooseVia},
		},
		commands: map[string]memberCommand{
			"register": {who: anyMember, run: cmdRegister},
		},
	}
}

func cmdRegister(t *turn, _ monitoring.Member, _ string) error {
	return t.start("m.reg.via", &Draft{})
}

func askVia(t *turn) error {
	return t.askMenu("m.reg.via", t.T("register.via", nil), 2, []Option{
		{Label: t.T("via.in_person", nil), Data: string(monitoring.InPerson)},
		{Label: t.T("via.phone", nil), Data: string(monitoring.Phone)},
	})
}

func chooseVia(t *turn, data string) error {
	draftOf(t).Via = monitoring.Channel(data)
	return advance(t)
}

// submitOnBehalf records a complaint a member took down.
func submitOnBehalf(t *turn, d *Draft) error {
	m, ok, err := t.member()
	if err != nil || !ok {
		return errOr(err, t.refuse(t.stranger(), "register", 0, "members.only"))
	}
	e := monitoring.Entry{
		Municipality: t.e.Muni.Code, Village: d.Village, Service: d.Service, Description: d.text(),
		Location: d.Location, Channel: d.Via, Anonymous: d.Contact == nil,
	}
	if err := t.tx.CreateEntry(t.ctx, &e, d.Contact, actor(m)); err != nil {
		return err
	}
	if err := t.tx.AttachMedia(t.ctx, e.ID, d.Media); err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "register", e.ID, "ok", string(d.Via)); err != nil {
		return err
	}
	if err := postCard(t, e); err != nil {
		return err
	}
	t.end()
	return t.say(t.T("register.done", catalog.Args{"Number": e.Number.String()}))
}
