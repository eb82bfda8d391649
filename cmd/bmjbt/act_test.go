package main

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"bmjbt/bot"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// actMembers joins a chair, a deputy and ordinary members, and records the
// third's conflict of interest with the water provider (6.3); the council's
// approval is left to the test. It also registers one journal entry.
func actMembers(t *testing.T, dbURL string, names ...string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := storagetest.Municipality(t)
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		for i, name := range names {
			role := map[int]monitoring.Role{0: monitoring.Chair, 1: monitoring.Deputy}[i]
			if role == "" {
				role = monitoring.Ordinary
			}
			code := bot.NewInviteCode()
			if _, err := tx.CreateInvite(ctx, m.Code, code, role, name, "operator"); err != nil {
				return err
			}
			mb, err := tx.Join(ctx, m.Code, code, "telegram", fmt.Sprint(800+i), fmt.Sprint(800+i))
			if err != nil {
				return err
			}
			if i == 2 {
				if _, err := tx.ToggleRecusal(ctx, m.Code, mb.ID, "provider:water-department"); err != nil {
					return err
				}
			}
		}
		e := monitoring.Entry{Municipality: m.Code, Village: "masy", Service: "water", Description: "Суу жок", Channel: monitoring.Telegram}
		return tx.CreateEntry(ctx, &e, nil, "operator")
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Monitoring acts from the command line (Regulation 7.1–7.6): 3.4 checked
// on the group when sent; the deputy sends only within the chair's
// recorded absence (3.6); the signers are computed (7.2, 6.3), fixed at
// send; a refusal keeps an act from becoming final; a withdrawn act uses no
// number; a recommendation is considered only with a reference (7.6).
func TestActFromTheCommandLine(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			c.ok("migrate")
			actMembers(t, c.env["DATABASE_URL"], "Г. Кандарова", "К. Султанова", "Э. Осмоналиев", "У. Жантаева", "К. Ташиев")
			c.ok("member", "approve", "1", "2", "3", "4", "--decision", "12/5", "--date", "2025-10-14")
			year := time.Now().In(monitoring.Bishkek).Year()
			entry := fmt.Sprintf("%d-0001", year)

			mustContain(t, "no acts", c.ok("act", "list"), "No acts yet")
			mustContain(t, "neither plan item nor reason", c.fails("act", "new", "--object", "water", "--period", "2026-10-01..2026-10-31",
				"--methods", "observation", "--without-notice", "x"), "plan")
			mustContain(t, "no notice", c.fails("act", "new", "--object", "water", "--period", "2026-10-01..2026-10-31",
				"--methods", "observation", "--outside-plan", "план али бекитиле элек"), "5.2")
			mustContain(t, "an unknown method", c.fails("act", "new", "--object", "water", "--period", "2026-10-01..2026-10-31",
				"--methods", "guessing", "--outside-plan", "x", "--without-notice", "x"), "5.6")
			newAct := func() {
				t.Helper()
				c.ok("act", "new", "--object", "water", "--period", "2026-10-01..2026-10-31", "--methods", "observation,complaints",
					"--outside-plan", "план али бекитиле элек", "--without-notice", "мониторинг шашылыш башталды", "--expert", "А. Асанов, инженер")
			}
			newAct()
			c.ok("act", "finding", "1", "Суу күнүнө 4 саат гана берилет.")
			c.ok("act", "recommend", "1", "--to", "Айыл өкмөтү", "Суу берүүнүн графигин жарыялоо.")
			mustContain(t, "evidence", c.ok("act", "evidence", "1", "--entry", entry, "--reverified"), "evidence: entry "+entry+", re-verified (4.3)")
			mustContain(t, "evidence not found", c.fails("act", "evidence", "1", "--entry", fmt.Sprintf("%d-0099", year)), "no entry")
			mustContain(t, "a source", c.ok("act", "source", "1", "--title", "Суу берүүнүн графиги", "--from", "Суу чарба", "--received", "2026-10-12"),
				"source (6.2): Суу берүүнүн графиги, from Суу чарба, received 2026-10-12")

			// 3.4 on the group: four approved members cannot send an act.
			mustContain(t, "four members", c.fails("act", "send", "1"), "Regulation 3.4")
			c.ok("member", "approve", "5", "--decision", "12/5", "--date", "2025-10-14")
			// 3.6: the deputy sends only within the chair's recorded absence.
			mustContain(t, "the deputy without an absence", c.fails("act", "send", "1", "--by", "2"), "Regulation 3.6")
			sent := c.ok("act", "send", "1")
			mustContain(t, "sent", sent, "sent for signature to 4 members", "presiding: Г. Кандарова, chair", "Э. Осмоналиев (member): recused (6.3)")

			// Someone approved after sending is not asked.
			joinedLate(t, c.env["DATABASE_URL"], "А. Мамытов")
			c.ok("member", "approve", "6", "--decision", "13/2", "--date", "2026-11-01")
			mustContain(t, "a member who joined after sending", c.fails("act", "sign", "1", "--member", "6"), "not among the act's signers")
			mustContain(t, "the recused member", c.fails("act", "sign", "1", "--member", "3"), "6.3")
			for _, m := range []string{"1", "2", "4"} {
				mustContain(t, "a signature", c.ok("act", "sign", "1", "--member", m), "Not final yet: not signed yet by")
			}
			final := c.ok("act", "sign", "1", "--member", "5", "--opinion", "Мөөнөтү кыска болду.")
			mustContain(t, "final", final, fmt.Sprintf("Act 1 is final: № 1/%d", year))
			show := c.ok("act", "show", fmt.Sprintf("1/%d", year))
			mustContain(t, "the final act", show, "with a special opinion (the group's practice): Мөөнөтү кыска болду.", "recused (6.3)",
				"expert (4.2, does not sign): А. Асанов, инженер", "not delivered yet (7.1): head; council; Айыл өкмөтү")
			if n := len(regexp.MustCompile(`: signed `).FindAllString(show, -1)); n != 4 {
				t.Errorf("%d signatures, want 4:\n%s", n, show)
			}
			mustContain(t, "a final act edited", c.fails("act", "finding", "1", "Дагы."), "never changes")

			// A refusal keeps the act from becoming final; withdrawn, it uses no number.
			newAct()
			c.ok("act", "finding", "2", "Насос иштебейт.")
			c.ok("act", "send", "2")
			mustContain(t, "a refusal", c.ok("act", "sign", "2", "--member", "1", "--refuse", "Маалымат кайра текшерилген эмес."),
				"recorded refuse from Г. Кандарова", "Not final yet: Г. Кандарова refused to sign")
			mustContain(t, "withdraw", c.ok("act", "withdraw", "2"), "withdrawn; it takes no number")
			mustContain(t, "withdraw twice", c.fails("act", "withdraw", "2"), "withdrawn")

			// The chair away through the signing period: the deputy sends and
			// presides, the chair is shown absent (3.6) and is not waited for.
			newAct()
			c.ok("act", "finding", "3", "Суу түнкүсүн гана келет.")
			today := time.Now().In(monitoring.Bishkek)
			c.ok("meeting", "chair-absence", "--from", today.Format("2006-01-02"), "--to", today.AddDate(0, 1, 0).Format("2006-01-02"))
			mustContain(t, "the deputy sends", c.ok("act", "send", "3", "--by", "2"), "presiding: К. Султанова, acting chair (3.6)",
				"Г. Кандарова (chair): absent (3.6)", "sent for signature to 4 members")
			var out string
			for _, m := range []string{"2", "4", "5", "6"} {
				out = c.ok("act", "sign", "3", "--member", m)
			}
			mustContain(t, "the next final act", out, fmt.Sprintf("Act 3 is final: № 2/%d", year))
			list := c.ok("act", "list")
			if !regexp.MustCompile(`(?m)^2\s+withdrawn\s+water`).MatchString(list) || !regexp.MustCompile(fmt.Sprintf(`(?m)^1\s+1/%d\s+final\s+water\s+2026-10-01..2026-10-31\s+4/4\s+3`, year)).MatchString(list) {
				t.Errorf("act list:\n%s", list)
			}

			// 7.1, 7.6: delivered per addressee, considered only with a reference.
			n := fmt.Sprintf("1/%d", year)
			mustContain(t, "a delivery", c.ok("act", "deliver", n, "--to", "айыл өкмөтү", "--how", "кат, кирүүчү № 45", "--by", "К. Ташиев", "--on", "2026-11-10"),
				"delivered to Айыл өкмөтү on 2026-11-10", "[delivered]", "not delivered yet (7.1): head; council")
			mustContain(t, "to a stranger", c.fails("act", "deliver", n, "--to", "прокуратура", "--how", "колго", "--by", "катчы"), "not an addressee")
			mustContain(t, "considered without a reference", c.fails("act", "consider", n, "--rec", "1", "--by", "айыл өкмөтү", "--date", "2026-11-20"), "7.6")
			mustContain(t, "considered", c.ok("act", "consider", n, "--rec", "1", "--by", "айыл өкмөтү", "--date", "2026-11-20", "--ref", "буйрук № 12"),
				"[considered by айыл өкмөтү on 2026-11-20, буйрук № 12]")
			mustContain(t, "carried out", c.ok("act", "carried-out", n, "--rec", "1", "--date", "2026-12-01", "--note", "график илинди"), "carried out 2026-12-01 график илинди")
			mustContain(t, "an objection", c.ok("act", "comment", n, "--kind", "objection", "--from", "Суу чарба", "--text", "Макул эмеспиз.", "--date", "2026-11-15"),
				"objection (8.11) from Суу чарба on 2026-11-15: Макул эмеспиз.")
		})
	}
}

// joinedLate joins one more ordinary member.
func joinedLate(t *testing.T, dbURL, name string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := storagetest.Municipality(t)
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		code := bot.NewInviteCode()
		if _, err := tx.CreateInvite(ctx, m.Code, code, monitoring.Ordinary, name, "operator"); err != nil {
			return err
		}
		_, err := tx.Join(ctx, m.Code, code, "telegram", "late", "late")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
