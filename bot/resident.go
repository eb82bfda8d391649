package bot

// What a resident asks about their own entries: /status and /my show only
// theirs.

import (
	"fmt"
	"strings"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

func showStatus(t *turn, args string) error {
	if args == "" {
		return t.say(t.T("status.usage", nil))
	}
	n, err := monitoring.ParseNumber(args)
	if err != nil {
		return t.say(t.T("status.usage", nil))
	}
	e, err := t.tx.ResidentEntry(t.ctx, t.e.Muni.Code, t.resident.ID, n)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
		return t.say(t.T("status.not_found", catalog.Args{"Number": n.String()}))
	}
	if err != nil {
		return err
	}
	r := Reply{Text: t.T("status.entry", catalog.Args{
		"Number": e.Number.String(), "Date": t.e.Catalog.Date(t.lang, e.CreatedAt),
		"Village": t.villageName(e.Village), "Service": t.serviceName(e.Service),
		"Status": t.T("status."+string(e.Status), nil),
	})}
	if e.Status.Open() {
		r.Menu = &Menu{Options: []Option{{Label: t.T("button.add_info", nil), Data: fmt.Sprintf("x|%d", e.ID)}}}
	}
	if err := t.send(r, ""); err != nil || r.Menu != nil {
		return err // with its own choice ("add information") the answer is the last word
	}
	return t.resend() // an interruption: the open question again
}

func showMine(t *turn) error {
	list, err := t.tx.ResidentEntries(t.ctx, t.e.Muni.Code, t.resident.ID, 10)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return t.say(t.T("my.none", nil))
	}
	lines := []string{t.T("my.header", nil)}
	for _, e := range list {
		lines = append(lines, t.T("my.line", catalog.Args{
			"Number": e.Number.String(), "Date": t.e.Catalog.Date(t.lang, e.CreatedAt),
			"Status": t.T("status."+string(e.Status), nil),
		}))
	}
	if err := t.say(strings.Join(lines, "\n")); err != nil {
		return err
	}
	return t.resend()
}
