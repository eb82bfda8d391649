package bot

import (
	"fmt"
	"strings"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// The queue shows members what waits for them (4.3): by status, their own,
// overdue (not taken within 3 days, or open past the response deadline), by
// village or by service. Each entry opens with a button.

// queueFlow is the members' queue: its questions and commands.
func queueFlow() flow {
	return flow{
		steps: map[string]*step{
			"m.queue":         {accepts: inChoice, ask: askQueue, choose: chooseQueue},
			"m.queue.village": {accepts: inChoice, ask: askQueueVillage, choose: chooseQueueVillage},
			"m.queue.service": {accepts: inChoice, ask: askQueueService, choose: chooseQueueService},
		},
		commands: map[string]memberCommand{
			"queue": {who: anyMember, run: cmdQueue},
		},
	}
}

func cmdQueue(t *turn, _ monitoring.Member, _ string) error { return t.start("m.queue", nil) }

func askQueue(t *turn) error {
	opts := []Option{
		{Label: t.T("status.received", nil), Data: "st:received"},
		{Label: t.T("status.in_review", nil), Data: "st:in_review"},
		{Label: t.T("status.verified", nil), Data: "st:verified"},
		{Label: t.T("queue.mine", nil), Data: "mine"},
		{Label: t.T("queue.overdue", nil), Data: "overdue"},
		{Label: t.T("queue.by_village", nil), Data: "village"},
		{Label: t.T("queue.by_service", nil), Data: "service"},
	}
	return t.askMenu("m.queue", t.T("queue.ask", nil), 2, opts)
}

func chooseQueue(t *turn, data string) error {
	m, ok, err := t.member()
	if err != nil || !ok {
		return errOr(err, t.refuse(t.stranger(), "queue", 0, "members.only"))
	}
	f := monitoring.Filter{Open: true}
	overdueOnly := false
	switch {
	case strings.HasPrefix(data, "st:"):
		st, err := monitoring.ParseStatus(strings.TrimPrefix(data, "st:"))
		if err != nil {
			return t.resend()
		}
		f = monitoring.Filter{Status: st}
	case data == "mine":
		f.TakenBy = m.ID
	case data == "overdue":
		overdueOnly = true
	case data == "village":
		return t.ask("m.queue.village")
	case data == "service":
		return t.ask("m.queue.service")
	}
	return showQueue(t, m, f, overdueOnly)
}

func askQueueVillage(t *turn) error {
	var opts []Option
	for _, v := range t.e.Muni.Villages {
		opts = append(opts, Option{Label: v.Name.In(t.lang), Data: "v:" + v.Code})
	}
	return t.askMenu("m.queue.village", t.T("ask.village", nil), 2, opts)
}

func chooseQueueVillage(t *turn, data string) error {
	m, ok, err := t.member()
	if err != nil || !ok {
		return errOr(err, t.refuse(t.stranger(), "queue", 0, "members.only"))
	}
	return showQueue(t, m, monitoring.Filter{Open: true, Village: strings.TrimPrefix(data, "v:")}, false)
}

func askQueueService(t *turn) error {
	var opts []Option
	for _, s := range t.e.Muni.Services {
		opts = append(opts, Option{Label: s.Name.In(t.lang), Data: "s:" + s.Code})
	}
	opts = append(opts, Option{Label: t.T("service.other", nil), Data: "s:" + monitoring.OtherService})
	return t.askMenu("m.queue.service", t.T("ask.service", nil), 2, opts)
}

func chooseQueueService(t *turn, data string) error {
	m, ok, err := t.member()
	if err != nil || !ok {
		return errOr(err, t.refuse(t.stranger(), "queue", 0, "members.only"))
	}
	return showQueue(t, m, monitoring.Filter{Open: true, Service: strings.TrimPrefix(data, "s:")}, false)
}

// queueMax is how many entries one queue message lists.
const queueMax = 30

func showQueue(t *turn, m monitoring.Member, f monitoring.Filter, overdueOnly bool) error {
	t.end()
	list, err := t.tx.Entries(t.ctx, t.e.Muni.Code, f)
	if err != nil {
		return err
	}
	now := t.tx.Now()
	var lines []string
	menu := &Menu{Columns: 3}
	shown := 0
	for _, e := range list {
		late, why := e.Overdue(now, t.e.Muni.ResponseDays)
		if overdueOnly && !late {
			continue
		}
		if shown == queueMax {
			lines = append(lines, t.T("queue.more", nil))
			break
		}
		shown++
		flag := ""
		if late {
			flag = " ⚠ " + t.T("queue.late."+why, nil)
		}
		if m.RecusedFromObject(t.e.Muni, e.Service) {
			flag += " (6.3)"
		}
		lines = append(lines, t.T("queue.line", catalog.Args{
			"Number": e.Number.String(), "Village": t.villageName(e.Village), "Service": t.serviceName(e.Service),
			"Status": t.T("status."+string(e.Status), nil), "Days": int(now.Sub(e.CreatedAt).Hours() / 24),
		})+flag)
		menu.Options = append(menu.Options, Option{Label: e.Number.String(), Data: fmt.Sprintf("o|%d", e.ID)})
	}
	if shown == 0 {
		return t.say(t.T("queue.empty", nil))
	}
	return t.send(Reply{Text: strings.Join(lines, "\n"), Menu: menu}, "")
}
