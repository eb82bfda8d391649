package jobs

import (
	"context"
	"strings"
	"time"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// DigestHour is when the daily digest goes to the group's chat (Bishkek).
const DigestHour = 9

// digestLines bounds the overdue entries a digest lists, to stay within a
// message; /queue lists them all.
const digestLines = 30

// Digest is due once a day from DigestHour in Bishkek, once the group has a
// chat: what came in over the last day and what is overdue (not taken
// within 3 days, or open past the response time), posted to every group
// chat. A day the service is down past midnight has no digest.
func (r *Runner) Digest(ctx context.Context, now time.Time) ([]Run, error) {
	local := now.In(monitoring.Bishkek)
	if local.Hour() < DigestHour {
		return nil, nil
	}
	groups, err := r.Store.GroupChats(ctx, r.Muni.Code)
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	return []Run{{Job: "digest", Period: local.Format(time.DateOnly), Compute: func(ctx context.Context) ([]monitoring.OutboxItem, error) {
		return r.digest(ctx, now, groups)
	}}}, nil
}

func (r *Runner) digest(ctx context.Context, now time.Time, groups []monitoring.GroupChat) ([]monitoring.OutboxItem, error) {
	open, err := r.Store.Entries(ctx, r.Muni.Code, monitoring.Filter{Open: true})
	if err != nil {
		return nil, err
	}
	lang := r.groupLang()
	c := r.Catalog
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
		if ok, why := en.Overdue(now, r.Muni.ResponseDays); ok {
			lateCount++
			if len(late) == digestLines {
				continue // the count says how many more; the queue lists them all
			}
			late = append(late, c.T(lang, "queue.line", catalog.Args{"Number": en.Number.String(),
				"Village": r.place(lang, en.Village, true), "Service": r.place(lang, en.Service, false),
				"Status": c.T(lang, "status."+string(en.Status), nil), "Days": int(now.Sub(en.CreatedAt).Hours() / 24)})+
				" ⚠ "+c.T(lang, "queue.late."+why, nil))
		}
	}
	text := c.T(lang, "digest", catalog.Args{"Date": c.Date(lang, now), "New": fresh, "Waiting": waiting, "Open": len(open), "Late": lateCount})
	if len(late) > 0 {
		text += "\n" + strings.Join(late, "\n")
	}
	members, err := r.Store.Members(ctx, r.Muni.Code, false)
	if err != nil {
		return nil, err
	}
	if n := monitoring.CountMembers(members, now); !monitoring.GroupSizeFits(n) { // 3.4: 5 to 11 approved members
		text += "\n\n" + c.N(lang, "group.size", n, catalog.Args{"Min": monitoring.MinMembers, "Max": monitoring.MaxMembers})
	}
	out := make([]monitoring.OutboxItem, 0, len(groups))
	for _, g := range groups {
		out = append(out, r.item(g.Channel, g.ChatID, bot.Reply{Lang: lang, Text: text}))
	}
	return out, nil
}

// groupLang is the language of the group's chat.
func (r *Runner) groupLang() monitoring.Lang {
	if r.Muni.GroupLang != "" {
		return r.Muni.GroupLang
	}
	return monitoring.DefaultLang
}

// place names a village or service in lang.
func (r *Runner) place(lang monitoring.Lang, code string, village bool) string {
	if code == "" {
		return "—" // registered from the residents' group: the resident did not say
	}
	if village {
		if p, ok := r.Muni.Village(code); ok {
			return p.Name.In(lang)
		}
		return code
	}
	if code == monitoring.OtherService {
		return r.Catalog.T(lang, "service.other", nil)
	}
	if p, ok := r.Muni.Service(code); ok {
		return p.Name.In(lang)
	}
	return code
}
