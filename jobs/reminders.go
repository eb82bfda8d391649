package jobs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Reminders tells the secretary (or, without one, the chair: 3.5, 3.7) of
// request deadlines (6.1: ten days): two days before the last day, and the
// day after it; each once, as a run of its own per request. When both are
// due at once (the service was down), only the overdue one goes out.
func (r *Runner) Reminders(ctx context.Context, now time.Time) ([]Run, error) {
	open, err := r.Store.Requests(ctx, r.Muni.Code, true, time.Time{})
	if err != nil {
		return nil, err
	}
	var runs []Run
	for _, q := range open {
		var kind string
		switch {
		case !now.Before(monitoring.OverdueAt(q.Deadline)):
			kind = "remind.overdue"
		case !now.Before(monitoring.RemindAt(q.Deadline)):
			kind = "remind.soon"
		default:
			continue
		}
		runs = append(runs, Run{Job: kind, Period: strconv.FormatInt(q.ID, 10), Compute: func(ctx context.Context) ([]monitoring.OutboxItem, error) {
			return r.remind(ctx, kind, q)
		}})
	}
	return runs, nil
}

func (r *Runner) remind(ctx context.Context, kind string, q monitoring.Request) ([]monitoring.OutboxItem, error) {
	to, err := r.Store.MembersReach(ctx, r.Muni.Code, monitoring.Secretary)
	if err != nil {
		return nil, err
	}
	if len(to) == 0 {
		if to, err = r.Store.MembersReach(ctx, r.Muni.Code, monitoring.Chair); err != nil {
			return nil, err
		}
	}
	out := make([]monitoring.OutboxItem, 0, len(to))
	for _, m := range to {
		lang := langOr(m.Lang)
		text := r.Catalog.T(lang, kind, catalog.Args{"Number": monitoring.RequestNumber(q.Number), "To": q.Addressee,
			"Deadline": r.Catalog.Date(lang, q.Deadline)})
		menu := &bot.Menu{Options: []bot.Option{{Label: r.Catalog.T(lang, "button.record_answer", nil), Data: fmt.Sprintf("r|%d|answer", q.ID)}}}
		out = append(out, r.item(m.Channel, m.ChatID, bot.Reply{Lang: lang, Text: text, Menu: menu}))
	}
	return out, nil
}

func langOr(l string) monitoring.Lang {
	if lang, ok := monitoring.ParseLang(l); ok {
		return lang
	}
	return monitoring.DefaultLang
}
