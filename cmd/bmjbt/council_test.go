package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"testing"

	"bmjbt/bot"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// joined makes members as the chat does: an invite, then /join.
func joined(t *testing.T, dbURL string, names ...string) {
	t.Helper()
	inTx(t, dbURL, func(ctx context.Context, tx *storage.Tx) error {
		for i, name := range names {
			role := monitoring.Ordinary
			if i == 0 {
				role = monitoring.Chair
			}
			code := bot.NewInviteCode()
			if _, err := tx.CreateInvite(ctx, storagetest.Municipality(t).Code, code, role, name, "operator"); err != nil {
				return err
			}
			if _, err := tx.Join(ctx, storagetest.Municipality(t).Code, code, "telegram", fmt.Sprint(900+i), fmt.Sprint(900+i)); err != nil {
				return err
			}
		}
		return nil
	})
}

// recuse records a member's conflict of interest with an object (6.3).
func recuse(t *testing.T, dbURL string, memberID int64, ref string) {
	t.Helper()
	inTx(t, dbURL, func(ctx context.Context, tx *storage.Tx) error {
		_, err := tx.ToggleRecusal(ctx, storagetest.Municipality(t).Code, memberID, ref)
		return err
	})
}

// inTx does fn in one transaction on the database the command line uses,
// as the bot would have done it.
func inTx(t *testing.T, dbURL string, fn func(ctx context.Context, tx *storage.Tx) error) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.InTx(ctx, func(tx *storage.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// 3.3, 3.4 and 9 from the command line: the council's decision approves
// members (the first five together, as decision 12/5 did), only approved
// members count for 5–11, and a dissolution stops the group's surveys
// while its records stay readable.
func TestCouncilDecisionsFromTheCommandLine(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			c.ok("migrate")
			joined(t, c.env["DATABASE_URL"], "Г. Кандарова", "К. Султанова", "Э. Осмоналиев", "У. Жантаева", "К. Ташиев", "А. Мамытов")
			list := c.ok("member", "list")
			if n := len(regexp.MustCompile(`awaiting approval`).FindAllString(list, -1)); n != 6 {
				t.Errorf("members awaiting approval: %d; want 6:\n%s", n, list)
			}
			mustContain(t, "member list before approval", list, "The group has 0 members approved by the council; Regulation 3.4 asks for 5 to 11")

			mustContain(t, "approve without a decision", c.fails("member", "approve", "1"), `"decision"`)
			mustContain(t, "approve with a wrong number", c.fails("member", "approve", "1", "--decision", "12-5", "--date", "2025-10-14"), "session/decision, e.g. 12/5")
			mustContain(t, "approve with a short term", c.fails("member", "approve", "1", "--decision", "12/5", "--date", "2025-10-14", "--term-ends", "2026-03-01"),
				"shorter than a year", "Regulation 3.4")
			mustContain(t, "approve someone unknown", c.fails("member", "approve", "42", "--decision", "12/5", "--date", "2025-10-14"), "member 42 not found")
			mustContain(t, "approve with an unknown nominator", c.fails("member", "approve", "1", "--decision", "12/5", "--date", "2025-10-14", "--nominated-by", "akim"),
				"community, deputies, ngo", "3.3")

			out := c.ok("member", "approve", "1", "2", "3", "4", "--decision", "№ 12/5", "--date", "14.10.2025", "--term-ends", "2099-10-14", "--nominated-by", "community")
			mustContain(t, "approve four", out, "Recorded: Г. Кандарова (chair) approved by the council's decision № 12/5 of 2025-10-14, term until 2099-10-14.",
				"The group has 4 members approved by the council")
			out = c.ok("member", "approve", "5", "--decision", "12/5", "--date", "2025-10-14", "--term-ends", "2099-10-14", "--affiliation", "а/к депутаты", "--nominated-by", "deputies")
			if regexp.MustCompile(`members approved by the council;`).MatchString(out) {
				t.Errorf("five approved members are said to be outside 3.4:\n%s", out)
			}
			mustContain(t, "the list after approval", out, "а/к депутаты", "№ 12/5 2025-10-14", "2099-10-14")
			if n := len(regexp.MustCompile(`awaiting approval`).FindAllString(out, -1)); n != 1 {
				t.Errorf("members awaiting approval after five approvals: %d; want 1 (the sixth):\n%s", n, out)
			}

			// 9: the council dissolves the group.
			form := filepath.Join(t.TempDir(), "form.yaml")
			c.ok("survey", "template", "--yaml", "--out", form)
			c.ok("survey", "import", form)
			c.ok("survey", "open", "1")
			mustContain(t, "dissolve without a date", c.fails("group", "dissolve", "--decision", "15/1"), `"date"`)
			mustContain(t, "dissolve", c.ok("group", "dissolve", "--decision", "15/1", "--date", "2026-11-20"),
				"dissolved by the council's decision № 15/1 of 2026-11-20 (Regulation 9)", "stay readable")
			mustContain(t, "the survey after the dissolution", c.ok("survey", "list"), "closed")
			mustContain(t, "dissolve twice", c.fails("group", "dissolve", "--decision", "15/2", "--date", "2026-11-21"), "already dissolved")
			mustContain(t, "results after the dissolution", c.ok("survey", "results", "1"), `"consent";"village"`)
			// A new survey may be drafted and read, but not opened.
			other := filepath.Join(t.TempDir(), "other.yaml")
			writeRenamedForm(t, form, other, "after_dissolution")
			c.ok("survey", "import", other)
			mustContain(t, "open after the dissolution", c.fails("survey", "open", "2"), "dissolved", "№ 15/1", "Regulation 9")
			mustContain(t, "member list after the dissolution", c.ok("member", "list"), "Г. Кандарова")
		})
	}
}
