package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"

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
	cmd := &cobra.Command{
		Use:   "launch ID [--sample N]",
		Short: "Invite the subscribers of the survey's villages (or a random sample of N) to answer it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a survey number: take one from `bmjbt survey list`", args[0])
			}
			db, m, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			rec, err := db.Survey(ctx, m.Code, id)
			if err != nil {
				return err
			}
			if rec.State != survey.Open {
				return fmt.Errorf("survey %d is %s: open it first (`bmjbt survey open %d`)", id, rec.State, id)
			}
			subs, err := db.Subscribers(ctx, m.Code, rec.Sampling.Villages)
			if err != nil {
				return err
			}
			if sample <= 0 {
				sample = rec.Sampling.Planned
			}
			chosen := pickSample(subs, sample)
			inv, err := invitations(rec, chosen, false)
			if err != nil {
				return err
			}
			n, err := db.Invite(ctx, m.Code, id, inv)
			if err != nil {
				return err
			}
			a.say("cli.survey_launched", map[string]any{"ID": id, "Invited": n, "Subscribers": len(subs), "Chosen": len(chosen)})
			return nil
		},
	}
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
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a survey number: take one from `bmjbt survey list`", args[0])
			}
			db, m, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			rec, err := db.Survey(ctx, m.Code, id)
			if err != nil {
				return err
			}
			if rec.State != survey.Open {
				return fmt.Errorf("survey %d is %s: a reminder goes out only while it is open", id, rec.State)
			}
			subs, err := db.ToRemind(ctx, m.Code, id)
			if err != nil {
				return err
			}
			inv, err := invitations(rec, subs, true)
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

// pickSample keeps a random n of the subscribers (all when n is 0 or not
// smaller), in the order they first wrote.
func pickSample(subs []storage.Subscriber, n int) []storage.Subscriber {
	ids := make([]int64, len(subs))
	byID := make(map[int64]storage.Subscriber, len(subs))
	for i, s := range subs {
		ids[i], byID[s.ID] = s.ID, s
	}
	picked := survey.Sample(ids, n, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
	out := make([]storage.Subscriber, len(picked))
	for i, id := range picked {
		out[i] = byID[id]
	}
	return out
}

// invitations groups residents by channel and language: one message (and
// one campaign) each, in the residents' language (Kyrgyz if they never
// chose one).
func invitations(rec survey.Record, subs []storage.Subscriber, remind bool) ([]storage.Invitation, error) {
	type key struct {
		channel string
		lang    monitoring.Lang
	}
	groups := map[key]*storage.Invitation{}
	var order []key
	for _, s := range subs {
		lang := s.Lang
		if lang == "" {
			lang = monitoring.Kyrgyz
		}
		k := key{string(s.Channel), lang}
		g, ok := groups[k]
		if !ok {
			payload, err := json.Marshal(bot.SurveyInvitation(catalog.Default(), lang, rec, remind))
			if err != nil {
				return nil, fmt.Errorf("encode the invitation: %w", err)
			}
			g = &storage.Invitation{Channel: k.channel, Payload: payload}
			groups[k] = g
			order = append(order, k)
		}
		g.Residents = append(g.Residents, s)
	}
	out := make([]storage.Invitation, 0, len(order))
	for _, k := range order {
		out = append(out, *groups[k])
	}
	return out, nil
}
