package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"bmjbt/catalog"
	"bmjbt/config"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/survey"
)

// surveyCmd groups the commands that define and steer the group's surveys
// (Regulation 5.6: questionnaires with a sampling guide, citizen report
// cards). Launching, reminding and results live beside them.
func (a *app) surveyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "survey", Short: "Questionnaires and citizen report cards (Regulation 5.6)"}
	cmd.AddCommand(a.surveyImportCmd(), a.surveyTemplateCmd(), a.surveyNewCmd(), a.surveyListCmd(), a.surveyShowCmd(), a.surveySetCmd(),
		a.surveyMoveCmd("open", survey.Open), a.surveyMoveCmd("pause", survey.Paused), a.surveyMoveCmd("close", survey.Closed),
		a.surveyLaunchCmd(), a.surveyRemindCmd(), a.surveyResultsCmd())
	return cmd
}

// fail is an error whose text comes from the operator catalogue.
func (a *app) fail(id string, args map[string]any) error {
	return errors.New(catalog.Default().T(monitoring.English, id, args))
}

func (a *app) surveyImportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.xlsx|FILE.yaml",
		Short: "Import a form (XLSForm as KoBoToolbox makes it, or YAML): a new survey in draft, or a new version of one",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Read before opening the database: a broken form needs no schema.
			f, err := a.readForm(args[0])
			if err != nil {
				return err
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			return a.importForm(cmd.Context(), db, m, f)
		},
	}
}

// readForm reads a form file by its extension. A form with problems is
// refused whole, each problem on its own line with its place.
func (a *app) readForm(path string) (*survey.Form, error) {
	var read func(io.Reader) (*survey.Form, error)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		read = survey.ReadXLSForm
	case ".yaml", ".yml":
		read = survey.ReadYAML
	default:
		return nil, a.fail("cli.survey_file_kind", map[string]any{"File": path})
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	f, err := read(bufio.NewReader(file))
	if err != nil {
		var b strings.Builder
		b.WriteString(catalog.Default().T(monitoring.English, "cli.survey_not_imported", map[string]any{"File": path}))
		for _, p := range problemsOf(err) {
			b.WriteString("\n  " + p.Error())
		}
		return nil, errors.New(b.String())
	}
	return f, nil
}

// problemsOf lists the problems an errors.Join holds (the readers join
// one per place), or the error itself.
func problemsOf(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, problemsOf(e)...)
	}
	return out
}

// importForm stores a form and says what became of it: a new survey in
// draft, or a new version of the survey with its form id.
func (a *app) importForm(ctx context.Context, db *storage.DB, m *monitoring.Municipality, f *survey.Form) error {
	rec, v, err := f.ForImport(m.Code)
	if err != nil {
		return err
	}
	if err := db.ImportSurvey(ctx, rec, v); err != nil {
		return err
	}
	versions, err := db.Versions(ctx, rec.ID)
	if err != nil {
		return err
	}
	for _, w := range f.Warnings {
		a.say("cli.survey_passed_over", map[string]any{"What": w})
	}
	args := map[string]any{"ID": rec.ID, "Title": f.Title, "FormID": f.ID, "Version": versionName(f.Version),
		"Questions": len(f.Questions), "State": a.text("cli.survey_is." + string(rec.State)), "Versions": len(versions)}
	if len(versions) == 1 {
		a.say("cli.survey_imported_new", args)
		return nil
	}
	// The form's title is the survey's: a new version may have changed it.
	if rec.Title != f.Title {
		rec.Title = f.Title
		if err := db.UpdateSurvey(ctx, *rec); err != nil {
			return err
		}
	}
	a.say("cli.survey_imported_version", args)
	return nil
}

func versionName(v string) string {
	if v == "" {
		return catalog.Default().T(monitoring.English, "cli.survey_no_version", nil)
	}
	return v
}

// writeNew writes a file that must not be there yet unless force: a form
// being edited is never replaced by a fresh one by mistake.
func (a *app) writeNew(path string, force bool, write func(io.Writer) error) error {
	if path != "-" && !force {
		if _, err := os.Stat(path); err == nil {
			return a.fail("cli.survey_file_exists", map[string]any{"File": path})
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return a.writeOut(path, write)
}

func (a *app) surveyTemplateCmd() *cobra.Command {
	var out string
	var asYAML, force bool
	cmd := &cobra.Command{
		Use:   "template [--out FILE.xlsx] [--yaml]",
		Short: "Write a starting form to edit and import: an XLSForm, or YAML with --yaml",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				out = "survey-template.xlsx"
				if asYAML {
					out = "survey-template.yaml"
				}
			}
			err := a.writeNew(out, force, func(w io.Writer) error {
				if asYAML {
					_, err := w.Write(survey.TemplateYAML())
					return err
				}
				return survey.WriteXLSForm(w, survey.Template())
			})
			if err != nil {
				return err
			}
			if out != "-" {
				a.say("cli.survey_template", map[string]any{"File": out})
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file to write (default survey-template.xlsx, or .yaml with --yaml; - for standard output)")
	cmd.Flags().BoolVar(&asYAML, "yaml", false, "write the form as YAML instead of an XLSForm")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite the file if it exists")
	return cmd
}

func (a *app) surveyNewCmd() *cobra.Command {
	var service, out string
	var force bool
	cmd := &cobra.Command{
		Use:   "new --report-card SERVICE [--out FILE.xlsx]",
		Short: "Start the built-in citizen report card for a service, or write it as an XLSForm to edit (--out)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if service == "" {
				return a.fail("cli.survey_card_service", nil)
			}
			// Writing the card needs only the config; the database only to
			// start it.
			cfg, err := config.Load(a.configPath)
			if err != nil {
				return err
			}
			m := cfg.Municipality()
			// Only the config's services: "other" has no name to ask about.
			var svc *monitoring.Place
			known := make([]string, 0, len(m.Services))
			for i, s := range m.Services {
				known = append(known, s.Code)
				if s.Code == service {
					svc = &m.Services[i]
				}
			}
			if svc == nil {
				return a.fail("cli.survey_unknown_service", map[string]any{"Service": service, "Known": strings.Join(known, ", ")})
			}
			f := survey.ReportCard(svc.Code, map[string]string{"ky": svc.Name.KY, "ru": svc.Name.RU})
			if out == "" {
				db, m, err := a.open(cmd.Context())
				if err != nil {
					return err
				}
				defer db.Close()
				return a.importForm(cmd.Context(), db, m, f)
			}
			if err := a.writeNew(out, force, func(w io.Writer) error { return survey.WriteXLSForm(w, f) }); err != nil {
				return err
			}
			if out != "-" {
				a.say("cli.survey_card_written", map[string]any{"File": out, "Service": svc.Code, "FormID": f.ID})
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&service, "report-card", "", "service code from the config (e.g. water)")
	cmd.Flags().StringVar(&out, "out", "", "write the card as an XLSForm to edit and import, instead of starting it as is")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite the --out file if it exists")
	return cmd
}

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

// surveyID reads a survey's number as `survey list` shows it.
func (a *app) surveyID(arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, a.fail("cli.survey_bad_id", map[string]any{"Arg": arg})
	}
	return id, nil
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
		"Method": orElse(rec.Sampling.Method, notSet), "TargetGroup": orElse(rec.Sampling.TargetGroup, notSet),
		"Villages": villages, "Planned": planned, "Starts": orElse(rec.StartsOn, notSet), "Ends": orElse(rec.EndsOn, notSet),
		"Versions": strings.Join(vs, ", "), "Begun": begun, "Complete": complete,
	}))
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
	fmt.Fprintf(w, "%3d. %s  (%s)\n", n, q.Name, typ)
	if label := q.Label.In(lang); label != "" {
		fmt.Fprintf(w, "     %s\n", oneLine(label, 120))
	}
	for _, c := range []struct{ id, v string }{
		{"cli.survey_relevant", q.Relevant}, {"cli.survey_constraint", q.Constraint},
		{"cli.survey_calculation", q.Calculation}, {"cli.survey_choice_filter", q.ChoiceFilter},
	} {
		if c.v != "" {
			fmt.Fprintf(w, "     %s %s\n", t(c.id, nil), c.v)
		}
	}
	for _, c := range f.Options(q) {
		fmt.Fprintf(w, "       - %s: %s\n", c.Name, oneLine(c.Label.In(lang), 80))
	}
}

func (a *app) surveySetCmd() *cobra.Command {
	var method, target, villages, starts, ends string
	var planned int
	cmd := &cobra.Command{
		Use: "set ID [--method M] [--target-group G] [--villages a,b] [--planned N] [--starts YYYY-MM-DD] [--ends YYYY-MM-DD]",
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
	fl.StringVar(&starts, "starts", "", `first day, YYYY-MM-DD ("" to clear)`)
	fl.StringVar(&ends, "ends", "", `last day, YYYY-MM-DD ("" to clear)`)
	return cmd
}

// setFlags are what `survey set` records; one at least is needed.
var setFlags = []string{"method", "target-group", "villages", "planned", "starts", "ends"}

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
