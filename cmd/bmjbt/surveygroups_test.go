package main

import (
	"context"
	"strings"
	"testing"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// Groups recorded in field mode (Regulation 5.6: a focus group of 8–12,
// any other size a group discussion) are listed by `survey groups`, with
// what each record holds and whether its answers were finished; `survey
// show` counts the finished ones beside the responses.
func TestSurveyGroups(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			ctx := context.Background()
			c.ok("survey", "list") // the schema and the municipality
			db, err := storage.Open(ctx, c.env["DATABASE_URL"])
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			m := storagetest.Municipality(t)
			rec, v, err := survey.Template().ForImport(m.Code)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.ImportSurvey(ctx, rec, v); err != nil {
				t.Fatal(err)
			}
			mustContain(t, "survey groups with none", c.ok("survey", "groups", "1"), "Survey 1 has no group records yet", "/field 1 PEOPLE")
			if strings.Contains(c.ok("survey", "show", "1"), "Groups:") {
				t.Error("survey show mentions groups when none was recorded")
			}
			err = db.InTx(ctx, func(tx *storage.Tx) error {
				if _, err := tx.CreateInvite(ctx, m.Code, "code-g", monitoring.Secretary, "А. Осмонова", "operator"); err != nil {
					return err
				}
				member, err := tx.Join(ctx, m.Code, "code-g", "telegram", "31", "31")
				if err != nil {
					return err
				}
				for i, n := range []int{10, 5, 9} {
					r := survey.Response{SurveyID: rec.ID, VersionID: v.ID, MemberID: member.ID, Channel: "field", Village: []string{"masy", "aral", "masy"}[i]}
					if err := tx.StartResponse(ctx, m.Code, &r); err != nil {
						return err
					}
					g := survey.Gathering{SurveyID: rec.ID, ResponseID: r.ID, Kind: survey.KindOf(n), HeldOn: "2026-03-0" + string(rune('1'+i)),
						Place: "Мектеп", Topic: "Суу", People: n, RecordedBy: member.ID, Moderator: "Т. Жумабаева", Notes: []string{"", "Аялдар гана", ""}[i]}
					if i == 0 {
						g.ModeratorID, g.Moderator = member.ID, member.Name
					}
					if err := tx.AddGathering(ctx, m.Code, &g); err != nil {
						return err
					}
					if i < 2 { // the third was left half-way
						if err := tx.SaveAnswers(ctx, r.ID, map[string]survey.Answer{}, true); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			list := c.ok("survey", "groups", "1", "--lang", "ru")
			mustContain(t, "survey groups", list, "KIND", "MODERATOR", "focus group", "2026-03-01", "Масы", "А. Осмонова (member)", "recorded",
				"group discussion", "Арал", "Т. Жумабаева", "Аялдар гана", "unfinished (not counted)",
				"Counted in the results, each as one response: focus groups: 1 (10 people); group discussions: 1 (5 people).")
			mustContain(t, "survey show", c.ok("survey", "show", "1"),
				"Groups:        focus groups: 1 (10 people); group discussions: 1 (5 people); finished ones, each one response in the results (`bmjbt survey groups 1`)")
			mustContain(t, "survey groups 9", c.fails("survey", "groups", "9"), "no survey 9")
		})
	}
}
