package main

import (
	"context"
	"path/filepath"
	"testing"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// subscribers records residents who agreed to surveys, as /subscribe does.
func subscribers(t *testing.T, url string, who ...monitoring.Resident) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := storagetest.Municipality(t)
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		for _, w := range who {
			r, err := tx.Resident(ctx, m.Code, w.Channel, w.UserRef, w.ChatID)
			if err != nil {
				return err
			}
			if w.Lang != "" {
				if err := tx.SetResidentLang(ctx, r.ID, w.Lang); err != nil {
					return err
				}
			}
			if err := tx.SetConsent(ctx, m.Code, monitoring.Consent{ResidentID: r.ID, Given: true, How: "subscribe", Village: "masy"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A launch invites the subscribers (a random sample when asked), each
// once however often it is run; the reminder goes once; a survey that is
// not open is not launched.
func TestSurveyLaunchAndRemind(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			form := filepath.Join(t.TempDir(), "form.yaml")
			c.ok("survey", "template", "--yaml", "--out", form)
			c.ok("survey", "import", form)
			mustContain(t, "launch of a draft", c.fails("survey", "launch", "1"), "open it first", "bmjbt survey open 1")
			c.ok("survey", "open", "1")
			subscribers(t, c.env["DATABASE_URL"],
				monitoring.Resident{Channel: monitoring.Telegram, UserRef: "101", ChatID: "101", Lang: monitoring.Russian},
				monitoring.Resident{Channel: monitoring.Telegram, UserRef: "102", ChatID: "102"},
				monitoring.Resident{Channel: monitoring.WhatsApp, UserRef: "996555000901", ChatID: "996555000901@s.whatsapp.net"})
			c.ok("survey", "set", "1", "--planned", "50")
			mustContain(t, "a sample", c.ok("survey", "launch", "1", "--sample", "2"), "invited now: 2 (chosen: 2 of the 3 subscribers",
				"50 respondents are planned, but only 3 residents")
			mustContain(t, "launched again", c.ok("survey", "launch", "1"), "invited now: 1 (chosen: 3 of the 3")
			mustContain(t, "a third time", c.ok("survey", "launch", "1"), "invited now: 0")
			mustContain(t, "reminder", c.ok("survey", "remind", "1"), "reminded now: 3")
			mustContain(t, "a second reminder", c.ok("survey", "remind", "1"), "reminded now: 0")

			db, err := storage.Open(context.Background(), c.env["DATABASE_URL"])
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var campaigns []struct {
				Channel string `db:"channel"`
				N       int    `db:"n"`
			}
			// Launches and the reminder: one campaign per channel and language each time.
			if err := db.SQL().Select(&campaigns, `SELECT channel, COUNT(*) AS n FROM campaigns GROUP BY channel ORDER BY channel`); err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, cp := range campaigns {
				total += cp.N
			}
			if total < 4 || total > 6 {
				t.Fatalf("campaigns %+v", campaigns)
			}
		})
	}
}

// A survey opens only with its introduction, read first by everyone asked.
func TestSurveyOpensOnlyWithAnIntroduction(t *testing.T) {
	t.Parallel()
	c := newSurveyCLI(t, storage.SQLite)
	path := filepath.Join(t.TempDir(), "bare.xlsx")
	writeXLSX(t, path,
		"survey", [][]any{waterHeader, {"text", "comment", "Дагы эмне айтасыз?", "Что ещё скажете?"}},
		"choices", waterChoices,
		"settings", [][]any{{"form_id", "form_title", "version"}, {"bare", "Bare", "1"}})
	c.ok("survey", "import", path)
	mustContain(t, "open without an introduction", c.fails("survey", "open", "1"), "does not open with an introduction", "first row a note")
	mustContain(t, "the survey stays a draft", c.ok("survey", "list"), "draft")
}
