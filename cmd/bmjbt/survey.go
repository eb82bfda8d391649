package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
		a.surveyLaunchCmd(), a.surveyRemindCmd(), a.surveyResultsCmd(), a.surveyGroupsCmd())
	return cmd
}

// fail is an error whose text comes from the operator catalogue.
func (a *app) fail(id string, args map[string]any) error {
	return errors.New(catalog.Default().T(monitoring.English, id, args))
}

func (a *app) surveyImportCmd() *cobra.Command {
	var opts survey.ReadOptions
	cmd := &cobra.Command{
		Use:   "import FILE.xlsx|FILE.yaml",
		Short: "Import a form (XLSForm as KoBoToolbox makes it, or YAML): a new survey in draft, or a new version of one",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Read before opening the database: a broken form needs no schema.
			f, err := a.readForm(args[0], opts)
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
	cmd.Flags().BoolVar(&opts.SkipUnsupported, "skip-unsupported", false,
		"leave out photo, audio, video, file and barcode questions that are not required (each named in a warning)")
	return cmd
}

// readForm reads a form file by its extension. A form with problems is
// refused whole, each problem on its own line with its place; media
// questions refused come with the hint to leave them out.
func (a *app) readForm(path string, opts survey.ReadOptions) (*survey.Form, error) {
	var read func(io.Reader, survey.ReadOptions) (*survey.Form, error)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		read = survey.ReadXLSFormWith
	case ".yaml", ".yml":
		read = survey.ReadYAMLWith
	default:
		return nil, a.fail("cli.survey_file_kind", map[string]any{"File": path})
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	f, err := read(bufio.NewReader(file), opts)
	if err != nil {
		var b strings.Builder
		b.WriteString(catalog.Default().T(monitoring.English, "cli.survey_not_imported", map[string]any{"File": path}))
		media := false
		for _, p := range problemsOf(err) {
			b.WriteString("\n  " + p.Error())
			var me *survey.MediaError
			media = media || errors.As(p, &me)
		}
		if media {
			b.WriteString("\n" + catalog.Default().T(monitoring.English, "cli.survey_skip_hint", nil))
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

// surveyID reads a survey's number as `survey list` shows it.
func (a *app) surveyID(arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, a.fail("cli.survey_bad_id", map[string]any{"Arg": arg})
	}
	return id, nil
}
