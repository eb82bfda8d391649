package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/survey"
)

func (a *app) surveyListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the surveys with their state, responses and dates",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := db.Surveys(cmd.Context(), m.Code)
			if err != nil {
				return err
			}
			if len(list) == 0 {
				a.say("cli.survey_none", nil)
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, a.text("cli.survey_list_header"))
			for _, s := range list {
				begun, complete, err := db.CountResponses(cmd.Context(), s.ID)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", s.ID, s.State, oneLine(s.Title, 50), begun, complete,
					orDash(s.StartsOn), orDash(s.EndsOn), s.CreatedAt.In(monitoring.Bishkek).Format("2006-01-02"))
			}
			return tw.Flush()
		},
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (a *app) surveyShowCmd() *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "show ID [--lang ky|ru]",
		Short: "Show a survey: state, sampling guide, dates, versions, responses and its questions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := a.surveyID(args[0])
			if err != nil {
				return err
			}
			l := monitoring.Lang(lang)
			if l != monitoring.Kyrgyz && l != monitoring.Russian {
				return fmt.Errorf("--lang %q: use ky or ru", lang)
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
			return a.showSurvey(cmd.Context(), db, m, rec, l, true)
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "ky", "language of labels and names: ky or ru")
	return cmd
}

// showSurvey prints a survey's record and, with questions, the questions
// of its latest form (the one new respondents get).
func (a *app) showSurvey(ctx context.Context, db *storage.DB, m *monitoring.Municipality, rec survey.Record, lang monitoring.Lang, questions bool) error {
	versions, err := db.Versions(ctx, rec.ID)
	if err != nil {
		return err
	}
	begun, complete, err := db.CountResponses(ctx, rec.ID)
	if err != nil {
		return err
	}
	cat := catalog.Default()
	t := func(id string, args map[string]any) string { return cat.T(monitoring.English, id, args) }
	notSet := t("cli.survey_not_set", nil)
	villages := t("cli.survey_all_villages", nil)
	if len(rec.Sampling.Villages) > 0 {
		names := make([]string, len(rec.Sampling.Villages))
		for i, code := range rec.Sampling.Villages {
			names[i] = code
			if v, ok := m.Village(code); ok {
				names[i] = v.Name.In(lang)
			}
		}
		villages = strings.Join(names, ", ")
	}
	planned := notSet
	if rec.Sampling.Planned > 0 {
		planned = strconv.Itoa(rec.Sampling.Planned)
	}
	vs := make([]string, len(versions))
	for i, v := range versions {
		vs[i] = t("cli.survey_version", map[string]any{"Version": versionName(v.Version), "At": v.ImportedAt.In(monitoring.Bishkek).Format(timeLayout)})
	}
	w := bufio.NewWriter(a.stdout)
	fmt.Fprintln(w, t("cli.survey_show", map[string]any{
		"ID": rec.ID, "Title": rec.Title, "FormID": rec.FormID, "State": rec.State,
		"Object": orElse(objectLabel(m, rec.Object), notSet), "Method": orElse(rec.Sampling.Method, notSet), "TargetGroup": orElse(rec.Sampling.TargetGroup, notSet),
		"Villages": villages, "Planned": planned, "Starts": orElse(rec.StartsOn, notSet), "Ends": orElse(rec.EndsOn, notSet),
		"Versions": strings.Join(vs, ", "), "Begun": begun, "Complete": complete,
	}))
	if rec.Object != "" {
		notices, err := db.Notices(ctx, m.Code, rec.Object)
		if err != nil {
			return err
		}
		switch n, ok := monitoring.NoticeGiven(notices, rec.Object, db.Now()); {
		case ok:
			fmt.Fprintln(w, t("cli.survey_notice", map[string]any{"Number": n.Number.String(), "Sent": monitoring.Day(n.SentOn), "To": n.Recipients}))
		case rec.NoticeWaiver != "":
			fmt.Fprintln(w, t("cli.survey_notice_waived", map[string]any{"Reason": rec.NoticeWaiver}))
		default:
			fmt.Fprintln(w, t("cli.survey_notice_none", map[string]any{"Object": rec.Object}))
		}
	}
	gs, err := db.Gatherings(ctx, rec.ID)
	if err != nil {
		return err
	}
	if len(gs) > 0 {
		// Groups asked together count once each (Regulation 5.6): say so
		// beside the responses, and where to see them.
		fmt.Fprintln(w, t("cli.survey_show_groups", groupTotals(gs, rec.ID)))
	}
	if questions && len(versions) > 0 {
		f, err := survey.LoadForm(versions[len(versions)-1])
		if err != nil {
			return err
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, t("cli.survey_questions", map[string]any{"Count": len(f.Questions), "Version": versionName(f.Version)}))
		for i, q := range f.Questions {
			writeQuestion(w, f, &q, i+1, string(lang))
		}
	}
	return w.Flush()
}

func orElse(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// trigger is a question's trigger as the form has it.
func trigger(q *survey.Question) string {
	if q.Trigger == "" {
		return ""
	}
	return "${" + q.Trigger + "}"
}

// writeQuestion prints one question as a form designer reads it: name,
// type, label, and only the columns that say something.
func writeQuestion(w io.Writer, f *survey.Form, q *survey.Question, n int, lang string) {
	cat := catalog.Default()
	t := func(id string, args map[string]any) string { return cat.T(monitoring.English, id, args) }
	typ := string(q.Type)
	if q.ListName != "" {
		typ += " " + q.ListName
	}
	if q.OrOther {
		typ += " or_other"
	}
	if q.Required {
		typ += ", " + t("cli.survey_required", nil)
	}
	if q.ReadOnly {
		typ += ", " + t("cli.survey_read_only", nil)
	}
	fmt.Fprintf(w, "%3d. %s  (%s)\n", n, q.Key(), typ) // a shared name with its group path
	if label := q.Label.In(lang); label != "" {
		fmt.Fprintf(w, "     %s\n", oneLine(label, 120))
	}
	for _, c := range []struct{ id, v string }{
		{"cli.survey_relevant", q.Relevant}, {"cli.survey_constraint", q.Constraint},
		{"cli.survey_calculation", q.Calculation}, {"cli.survey_choice_filter", q.ChoiceFilter},
		{"cli.survey_trigger", trigger(q)}, {"cli.survey_default", q.Default},
	} {
		if c.v != "" {
			fmt.Fprintf(w, "     %s %s\n", t(c.id, nil), c.v)
		}
	}
	for _, c := range f.Options(q) {
		fmt.Fprintf(w, "       - %s: %s\n", c.Name, oneLine(c.Label.In(lang), 80))
	}
}

// objectLabel is what a survey monitors, as its reference and its name.
func objectLabel(m *monitoring.Municipality, ref string) string {
	if ref == "" {
		return ""
	}
	if name := m.ObjectName(ref, monitoring.Kyrgyz); name != "" {
		return ref + " (" + name + ")"
	}
	return ref
}
