package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/spf13/cobra"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/survey"
)

// surveyLaunchCmd sends an open survey to the subscribers of its villages
// (Regulation 5.6: the sampling guide's villages and number), as campaigns
// on the outbox, so residents' own replies always go first.
func (a *app) surveyLaunchCmd() *cobra.Command {
	var sample int
	var without string
	cmd := &cobra.Command{
		Use:   "launch ID [--sample N] [--without-notice \"why\"]",
		Short: "Invite the subscribers of the survey's villages (or a random sample of N) to answer it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, m, rec, err := a.openSurvey(ctx, args[0])
			if err != nil {
				return err
			}
			defer db.Close()
			id := rec.ID
			// 5.2, 8: the object's stakeholders are told before it is monitored.
			notices, err := db.Notices(ctx, m.Code, rec.Object)
			if err != nil {
				return err
			}
			if err := monitoring.CheckLaunchNotice(rec.Object, strings.TrimSpace(without)+rec.NoticeWaiver, notices, db.Now()); err != nil {
				return err
			}
			if w := strings.TrimSpace(without); w != "" {
				if err := db.WaiveNotice(ctx, m.Code, id, w); err != nil {
					return err
				}
			}
			subs, err := db.Subscribers(ctx, m.Code, rec.Sampling.Villages)
			if err != nil {
				return err
			}
			if sample <= 0 {
				sample = rec.Sampling.Planned
			}
			chosen := survey.Pick(subs, sample, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
			inv, err := bot.SurveyInvitations(catalog.Default(), rec, chosen, false)
			if err != nil {
				return err
			}
			n, err := db.Invite(ctx, m.Code, id, inv)
			if err != nil {
				return err
			}
			if rec.Sampling.Planned > len(subs) {
				a.say("cli.survey_short", map[string]any{"Planned": rec.Sampling.Planned, "Subscribers": len(subs)})
			}
			a.say("cli.survey_launched", map[string]any{"ID": id, "Invited": n, "Subscribers": len(subs), "Chosen": len(chosen)})
			return nil
		},
	}
	cmd.Flags().StringVar(&without, "without-notice", "", "launch a survey on an object without a notice to its stakeholders beforehand (5.2): why (printed in the results)")
	cmd.Flags().IntVar(&sample, "sample", 0, "invite a random sample of this many subscribers (default: the survey's planned number; all when none is planned)")
	return cmd
}

// surveyRemindCmd sends the one reminder to those invited who have not
// finished and still agree to be asked.
func (a *app) surveyRemindCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "remind ID",
		Short: "Remind, once, those invited who have not finished the survey",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, m, rec, err := a.openSurvey(ctx, args[0])
			if err != nil {
				return err
			}
			defer db.Close()
			id := rec.ID
			subs, err := db.ToRemind(ctx, m.Code, id)
			if err != nil {
				return err
			}
			inv, err := bot.SurveyInvitations(catalog.Default(), rec, subs, true)
			if err != nil {
				return err
			}
			n, err := db.Remind(ctx, m.Code, id, inv)
			if err != nil {
				return err
			}
			a.say("cli.survey_reminded", map[string]any{"ID": id, "Reminded": n})
			return nil
		},
	}
}

// openSurvey opens the database and the survey a launch or a reminder
// names, which must be open.
func (a *app) openSurvey(ctx context.Context, arg string) (*storage.DB, *monitoring.Municipality, survey.Record, error) {
	id, err := a.surveyID(arg)
	if err != nil {
		return nil, nil, survey.Record{}, err
	}
	db, m, err := a.open(ctx)
	if err != nil {
		return nil, nil, survey.Record{}, err
	}
	rec, err := db.Survey(ctx, m.Code, id)
	if err == nil && rec.State != survey.Open {
		err = fmt.Errorf("survey %d is %s: open it first (`bmjbt survey open %d`)", id, rec.State, id)
	}
	if err != nil {
		db.Close()
		return nil, nil, survey.Record{}, err
	}
	return db, m, rec, nil
}
