package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// DigestHour is when the daily digest goes to the group's chat (Bishkek).
const DigestHour = 9

// digestLines bounds the overdue entries a digest lists, to stay within a
// message; /queue lists them all.
const digestLines = 30

// Tick does the group's scheduled work due at the store's "now": reminders
// of request deadlines to the secretary (two days before, and on the day it
// becomes overdue: 6.1), and the daily digest of new and overdue entries to
// the group's chat. Each is done once; the engine calls Tick every minute.
func (e *Engine) Tick(ctx context.Context) error {
	err := e.Store.Update(ctx, func(tx Tx) error {
		// Another process's Tick waits: each reminder goes out once.
		if err := tx.Hold(ctx, e.Muni.Code); err != nil {
			return err
		}
		b := &batch{careful: true, residents: map[string]monitoring.Resident{}, convs: map[monitoring.ConversationKey]*State{}}
		if err := e.remind(ctx, tx, b); err != nil {
			return err
		}
		if err := e.digest(ctx, tx, b); err != nil {
			return err
		}
		return tx.EnqueueAll(ctx, b.out)
	})
	if err == nil && e.Committed != nil {
		e.Committed()
	}
	return err
}

// remind tells the secretary (or, without one, the chair) of deadlines.
func (e *Engine) remind(ctx context.Context, tx Tx, b *batch) error {
	soon, overdue, err := tx.DueReminders(ctx, e.Muni.Code)
	if err != nil || len(soon)+len(overdue) == 0 {
		return err
	}
	to, err := tx.MembersReach(ctx, e.Muni.Code, monitoring.Secretary)
	if err != nil {
		return err
	}
	if len(to) == 0 {
		if to, err = tx.MembersReach(ctx, e.Muni.Code, monitoring.Chair); err != nil {
			return err
		}
	}
	for _, r := range to {
		lang := langOr(r.Lang)
		for _, list := range []struct {
			id   string
			reqs []monitoring.Request
		}{{"remind.soon", soon}, {"remind.overdue", overdue}} {
			for _, q := range list.reqs {
				text := e.Catalog.T(lang, list.id, catalog.Args{"Number": monitoring.RequestNumber(q.Number), "To": q.Addressee,
					"Deadline": e.Catalog.Date(lang, q.Deadline)})
				menu := &Menu{Options: []Option{{Label: e.Catalog.T(lang, "button.record_answer", nil), Data: fmt.Sprintf("r|%d|answer", q.ID)}}}
				b.out = append(b.out, e.outboxItem(r.Channel, r.ChatID, Reply{Lang: lang, Text: text, Menu: menu}, "", time.Time{}))
			}
		}
	}
	return nil
}

func langOr(l string) monitoring.Lang {
	if lang, ok := monitoring.ParseLang(l); ok {
		return lang
	}
	return monitoring.DefaultLang
}

// digest posts, once a day from DigestHour, what came in over the last day
// and what is overdue: not taken within 3 days, or open past the deadline.
func (e *Engine) digest(ctx context.Context, tx Tx, b *batch) error {
	now := tx.Now()
	local := now.In(monitoring.Bishkek)
	if local.Hour() < DigestHour {
		return nil
	}
	groups, err := tx.GroupChats(ctx, e.Muni.Code)
	if err != nil || len(groups) == 0 {
		return err
	}
	claimed, err := tx.ClaimJob(ctx, e.Muni.Code, "digest", local.Format("2006-01-02"))
	if err != nil || !claimed {
		return err
	}
	open, err := tx.Entries(ctx, e.Muni.Code, monitoring.Filter{Open: true})
	if err != nil {
		return err
	}
	lang := e.groupLang()
	c := e.Catalog
	var fresh, waiting int
	var late []string
	lateCount := 0
	for _, en := range open {
		if now.Sub(en.CreatedAt) <= 24*time.Hour {
			fresh++
		}
		if en.Status == monitoring.Received {
			waiting++
		}
		if ok, why := en.Overdue(now, e.Muni.ResponseDays); ok {
			lateCount++
			if len(late) == digestLines {
				continue // the count says how many more; the queue lists them all
			}
			late = append(late, c.T(lang, "queue.line", catalog.Args{"Number": en.Number.String(),
				"Village": placeIn(e.Muni, lang, en.Village, true, c), "Service": placeIn(e.Muni, lang, en.Service, false, c),
				"Status": c.T(lang, "status."+string(en.Status), nil), "Days": int(now.Sub(en.CreatedAt).Hours() / 24)})+
				" ⚠ "+c.T(lang, "queue.late."+why, nil))
		}
	}
	text := c.T(lang, "digest", catalog.Args{"Date": c.Date(lang, now), "New": fresh, "Waiting": waiting, "Open": len(open), "Late": lateCount})
	if len(late) > 0 {
		text += "\n" + strings.Join(late, "\n")
	}
	n, err := tx.ActiveMembers(ctx, e.Muni.Code)
	if err != nil {
		return err
	}
	if !monitoring.GroupSizeFits(n) {
		text += "\n\n" + c.N(lang, "group.size", n, catalog.Args{"Min": monitoring.MinMembers, "Max": monitoring.MaxMembers})
	}
	for _, g := range groups {
		b.out = append(b.out, e.outboxItem(g.Channel, g.ChatID, Reply{Lang: lang, Text: text}, "", time.Time{}))
	}
	return nil
}

// placeIn names a village or service in lang, outside a turn.
func placeIn(m *monitoring.Municipality, lang monitoring.Lang, code string, village bool, c *catalog.Catalog) string {
	if code == "" {
		return "—" // posted in the residents' group: the resident did not say
	}
	if village {
		if p, ok := m.Village(code); ok {
			return p.Name.In(lang)
		}
		return code
	}
	if code == monitoring.OtherService {
		return c.T(lang, "service.other", nil)
	}
	if p, ok := m.Service(code); ok {
		return p.Name.In(lang)
	}
	return code
}
