package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/survey"
)

func (a *app) surveySetCmd() *cobra.Command {
	var method, target, villages, starts, ends, object string
	var planned int
	cmd := &cobra.Command{
		Use: "set ID [--object REF] [--method M] [--target-group G] [--villages a,b] [--planned N] [--starts YYYY-MM-DD] [--ends YYYY-MM-DD]",
		Short: "Record a survey's sampling guide (Regulation 5.6: method, target group, number of respondents) " +
			"and its dates",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := a.surveyID(args[0])
			if err != nil {
				return err
			}
			fl := cmd.Flags()
			if !slices.ContainsFunc(setFlags, fl.Changed) {
				return a.fail("cli.survey_set_nothing", map[string]any{"ID": id})
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			rec, err := db.Survey(cmd.Context(), m.Code, id)
			if err != nil {
				return err
			}
			s := &rec.Sampling
			if fl.Changed("method") {
				s.Method = strings.TrimSpace(method)
			}
			if fl.Changed("target-group") {
				s.TargetGroup = strings.TrimSpace(target)
			}
			if fl.Changed("villages") {
				if s.Villages, err = a.villageCodes(m, villages); err != nil {
					return err
				}
			}
			if fl.Changed("object") {
				rec.Object = strings.TrimSpace(object)
				if rec.Object != "" {
					if err := m.CheckObject(rec.Object); err != nil {
						return err
					}
				}
			}
			if fl.Changed("planned") {
				if planned < 0 {
					return a.fail("cli.survey_bad_planned", map[string]any{"Planned": planned})
				}
				s.Planned = planned
			}
			for _, d := range []struct {
				flag, value string
				into        *string
			}{{"starts", starts, &rec.StartsOn}, {"ends", ends, &rec.EndsOn}} {
				if !fl.Changed(d.flag) {
					continue
				}
				if _, err := day(d.value, "--"+d.flag); err != nil {
					return err
				}
				*d.into = d.value
			}
			// Dates are YYYY-MM-DD, so they compare as text.
			if rec.StartsOn != "" && rec.EndsOn != "" && rec.EndsOn < rec.StartsOn {
				return a.fail("cli.survey_ends_first", map[string]any{"Starts": rec.StartsOn, "Ends": rec.EndsOn})
			}
			if err := db.UpdateSurvey(cmd.Context(), rec); err != nil {
				return err
			}
			a.say("cli.survey_set", map[string]any{"ID": id})
			return a.showSurvey(cmd.Context(), db, m, rec, monitoring.Kyrgyz, false)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&method, "method", "", `how respondents are chosen, e.g. "all subscribers" or "random sample"`)
	fl.StringVar(&target, "target-group", "", `who is asked, e.g. "households using the water supply"`)
	fl.StringVar(&villages, "villages", "", `village codes from the config, comma-separated ("" for every village)`)
	fl.IntVar(&planned, "planned", 0, "planned number of respondents")
	fl.StringVar(&object, "object", "", `what the survey monitors (2.3): a service code, project:CODE or provider:CODE ("" for none)`)
	fl.StringVar(&starts, "starts", "", `first day, YYYY-MM-DD ("" to clear)`)
	fl.StringVar(&ends, "ends", "", `last day, YYYY-MM-DD ("" to clear)`)
	return cmd
}

// villageCodes checks a comma-separated list against the config; an empty
// list means every village.
func (a *app) villageCodes(m *monitoring.Municipality, list string) ([]string, error) {
	var out []string
	for _, code := range strings.Split(list, ",") {
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		if _, ok := m.Village(code); !ok {
			known := make([]string, len(m.Villages))
			for i, v := range m.Villages {
				known[i] = v.Code
			}
			return nil, a.fail("cli.survey_unknown_village", map[string]any{"Village": code, "Known": strings.Join(known, ", ")})
		}
		out = append(out, code)
	}
	return out, nil
}

// surveyMoveCmd is open, pause or close: a move State.Move allows.
func (a *app) surveyMoveCmd(verb string, next survey.State) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " ID",
		Short: moveShort[verb],
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := a.surveyID(args[0])
			if err != nil {
				return err
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			if next == survey.Open {
				// Every respondent reads the introduction first: no survey opens without one.
				v, err := db.LatestVersion(cmd.Context(), id)
				if err != nil {
					return err
				}
				f, err := survey.LoadForm(v)
				if err != nil {
					return err
				}
				if err := f.Introduction(); err != nil {
					return fmt.Errorf("survey %d is not opened: %w", id, err)
				}
			}
			rec, err := db.MoveSurvey(cmd.Context(), m.Code, id, next)
			if monitoring.ErrorCode(err) == monitoring.ECONFLICT {
				return a.refusedMove(cmd.Context(), db, m, id, verb, next)
			}
			if err != nil {
				return err
			}
			a.say("cli.survey_moved_"+verb, map[string]any{"ID": rec.ID, "Title": rec.Title})
			if next == survey.Open && (rec.Sampling.Method == "" || rec.Sampling.TargetGroup == "" || rec.Sampling.Planned == 0) {
				a.say("cli.survey_no_sampling", map[string]any{"ID": rec.ID})
			}
			return nil
		},
	}
}

var moveShort = map[string]string{
	"open":  "Open a survey (from draft or paused): residents invited can answer it",
	"pause": "Pause an open survey: nobody new is asked; answers in hand still count",
	"close": "Close a survey for good: its responses are final",
}

// moveVerbs are the commands that move a survey, in the order shown, and
// the state each leads to.
var moveVerbs = []struct {
	verb string
	to   survey.State
}{{"open", survey.Open}, {"pause", survey.Paused}, {"close", survey.Closed}}

// refusedMove says why a survey cannot move and which commands can.
func (a *app) refusedMove(ctx context.Context, db *storage.DB, m *monitoring.Municipality, id int64, verb string, next survey.State) error {
	rec, err := db.Survey(ctx, m.Code, id)
	if err != nil {
		return err
	}
	var allowed []string
	for _, v := range moveVerbs {
		if rec.State.Move(v.to) == nil {
			allowed = append(allowed, fmt.Sprintf("`bmjbt survey %s %d`", v.verb, id))
		}
	}
	args := map[string]any{"ID": id, "State": a.text("cli.survey_is." + string(rec.State)), "Verb": verb, "Allowed": strings.Join(allowed, ", ")}
	switch {
	case len(allowed) == 0:
		return a.fail("cli.survey_move_final", args)
	case rec.State == next:
		return a.fail("cli.survey_move_same", args)
	}
	return a.fail("cli.survey_move_refused", args)
}

// setFlags are what `survey set` records; one at least is needed.
var setFlags = []string{"object", "method", "target-group", "villages", "planned", "starts", "ends"}
