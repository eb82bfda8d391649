package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/survey"
)

// surveyGroupsCmd lists the groups members recorded in field mode for a
// survey (Regulation 5.6: focus groups of 8–12 people; any other size is
// a group discussion), with what each record holds. Each finished one is
// one response in the results.
func (a *app) surveyGroupsCmd() *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "groups ID [--lang ky|ru]",
		Short: "List the focus groups and group discussions recorded for a survey (Regulation 5.6), each one response in the results",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := a.surveyID(args[0])
			if err != nil {
				return err
			}
			l := monitoring.Lang(lang)
			if l != monitoring.Kyrgyz && l != monitoring.Russian {
				return a.fail("cli.survey_results_lang", map[string]any{"Lang": lang})
			}
			db, m, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if _, err := db.Survey(ctx, m.Code, id); err != nil {
				return err
			}
			gs, err := db.Gatherings(ctx, id)
			if err != nil {
				return err
			}
			if len(gs) == 0 {
				a.say("cli.survey_groups_none", map[string]any{"ID": id})
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, a.text("cli.survey_groups_header"))
			for _, g := range gs {
				village := orDash(g.Village)
				if v, ok := m.Village(g.Village); ok {
					village = v.Name.In(l)
				}
				moderator := g.Moderator
				if g.ModeratorID != 0 {
					moderator = catalog.Default().T(monitoring.English, "cli.survey_group_member", map[string]any{"Name": g.Moderator})
				}
				state := a.text("cli.survey_group_unfinished")
				if g.Complete {
					state = a.text("cli.survey_group_complete")
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", g.ID, a.text("cli.survey_group_kind."+string(g.Kind)), g.HeldOn, village,
					oneLine(g.Place, 30), oneLine(g.Topic, 40), oneLine(moderator, 30), g.People, state, orDash(oneLine(g.Notes, 60)))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			a.say("cli.survey_groups_total", groupTotals(gs, id))
			return nil
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "ky", "language of village names: ky or ru")
	return cmd
}

// groupTotals counts the finished group records by kind: those are the
// ones the results count, once each.
func groupTotals(gs []survey.Gathering, id int64) map[string]any {
	var focus, focusPeople, discussions, discussionPeople int
	for _, g := range gs {
		switch {
		case !g.Complete:
		case g.Kind == survey.FocusGroup:
			focus, focusPeople = focus+1, focusPeople+g.People
		default:
			discussions, discussionPeople = discussions+1, discussionPeople+g.People
		}
	}
	return map[string]any{"ID": id, "Focus": focus, "FocusPeople": focusPeople, "Discussions": discussions, "DiscussionPeople": discussionPeople}
}
