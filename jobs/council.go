package jobs

import (
	"context"
	"fmt"
	"time"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// GroupSize tells the group's chat, once each time, that the members
// approved by the council fell outside 3.4's 5–11: collective decisions
// wait until the council approves more (or the group is back within). The
// run's period is the moment it fell, read from the members' own dates,
// so a restart or a second process does not tell it again.
func (r *Runner) GroupSize(ctx context.Context, now time.Time) ([]Run, error) {
	if dissolved, err := r.dissolved(ctx); err != nil || dissolved {
		return nil, err
	}
	members, err := r.Store.Members(ctx, r.Muni.Code, true)
	if err != nil {
		return nil, err
	}
	since, outside := monitoring.OutsideSince(members, now)
	if !outside {
		return nil, nil
	}
	groups, err := r.Store.GroupChats(ctx, r.Muni.Code)
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	n := monitoring.CountMembers(members, now)
	return []Run{{Job: "group.size", Period: since.UTC().Format(time.RFC3339Nano), Compute: func(context.Context) ([]monitoring.OutboxItem, error) {
		lang := r.groupLang()
		text := r.Catalog.N(lang, "group.size", n, catalog.Args{"Min": monitoring.MinMembers, "Max": monitoring.MaxMembers})
		out := make([]monitoring.OutboxItem, 0, len(groups))
		for _, g := range groups {
			out = append(out, r.item(g.Channel, g.ChatID, bot.Reply{Lang: lang, Text: text}))
		}
		return out, nil
	}}}, nil
}

// Terms reminds the chair (the deputy when there is no chair) 30 days
// before a member's term ends, once per member and term: the council sets
// a new term or approves a replacement (3.3, 3.4).
func (r *Runner) Terms(ctx context.Context, now time.Time) ([]Run, error) {
	if dissolved, err := r.dissolved(ctx); err != nil || dissolved {
		return nil, err
	}
	members, err := r.Store.Members(ctx, r.Muni.Code, false)
	if err != nil {
		return nil, err
	}
	var runs []Run
	for _, m := range members {
		if m.Approval == nil || m.Approval.TermEnds.IsZero() || m.TermOver(now) ||
			now.Before(m.Approval.TermEnds.AddDate(0, 0, -monitoring.TermReminderDays)) {
			continue
		}
		runs = append(runs, Run{Job: "term.ends", Period: fmt.Sprintf("%d:%s", m.ID, monitoring.Day(m.Approval.TermEnds)),
			Compute: func(ctx context.Context) ([]monitoring.OutboxItem, error) { return r.termEnds(ctx, m) }})
	}
	return runs, nil
}

func (r *Runner) termEnds(ctx context.Context, m monitoring.Member) ([]monitoring.OutboxItem, error) {
	to, err := r.Store.MembersReach(ctx, r.Muni.Code, monitoring.Chair)
	if err != nil {
		return nil, err
	}
	if len(to) == 0 {
		if to, err = r.Store.MembersReach(ctx, r.Muni.Code, monitoring.Deputy); err != nil {
			return nil, err
		}
	}
	out := make([]monitoring.OutboxItem, 0, len(to))
	for _, c := range to {
		lang := langOr(c.Lang)
		text := r.Catalog.T(lang, "term.ends", catalog.Args{"Name": m.Name, "Date": r.Catalog.Date(lang, m.Approval.TermEnds)})
		out = append(out, r.item(c.Channel, c.ChatID, bot.Reply{Lang: lang, Text: text}))
	}
	return out, nil
}

// dissolved reports whether the council dissolved the group (9): its
// scheduled reminders about the group itself stop.
func (r *Runner) dissolved(ctx context.Context) (bool, error) {
	_, err := r.Store.Dissolution(ctx, r.Muni.Code)
	switch monitoring.ErrorCode(err) {
	case "":
		return true, nil
	case monitoring.ENOTFOUND:
		return false, nil
	}
	return false, err
}

// Absences tells the chair and the member, once per member and term, when
// the member has missed three of the group's meetings: 3.4 allows the
// group to remove them early, and nothing happens by itself ("may").
func (r *Runner) Absences(ctx context.Context, now time.Time) ([]Run, error) {
	if dissolved, err := r.dissolved(ctx); err != nil || dissolved {
		return nil, err
	}
	members, err := r.Store.Members(ctx, r.Muni.Code, false)
	if err != nil {
		return nil, err
	}
	meetings, err := r.Store.Meetings(ctx, r.Muni.Code)
	if err != nil || len(meetings) == 0 {
		return nil, err
	}
	var runs []Run
	for _, m := range members {
		total, _, _ := monitoring.Absences(meetings, m.ID, m.TermStart())
		if total < monitoring.AbsenceLimit {
			continue
		}
		runs = append(runs, Run{Job: "absence.third", Period: fmt.Sprintf("%d:%s", m.ID, monitoring.Day(m.TermStart())),
			Compute: func(ctx context.Context) ([]monitoring.OutboxItem, error) { return r.absences(ctx, m, total) }})
	}
	return runs, nil
}

func (r *Runner) absences(ctx context.Context, m monitoring.Member, total int) ([]monitoring.OutboxItem, error) {
	chairs, err := r.Store.MembersReach(ctx, r.Muni.Code, monitoring.Chair)
	if err != nil {
		return nil, err
	}
	everyone, err := r.Store.MembersReach(ctx, r.Muni.Code, monitoring.Roles...)
	if err != nil {
		return nil, err
	}
	to := chairs
	for _, c := range everyone {
		if c.MemberID == m.ID {
			to = append(to, c)
		}
	}
	out := make([]monitoring.OutboxItem, 0, len(to))
	seen := map[string]bool{}
	for _, c := range to {
		if seen[c.Channel+c.ChatID] {
			continue // the chair who missed them hears it once
		}
		seen[c.Channel+c.ChatID] = true
		lang := langOr(c.Lang)
		text := r.Catalog.T(lang, "absence.third", catalog.Args{"Name": m.Name, "Count": total})
		out = append(out, r.item(c.Channel, c.ChatID, bot.Reply{Lang: lang, Text: text}))
	}
	return out, nil
}
