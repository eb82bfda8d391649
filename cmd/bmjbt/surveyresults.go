package main

import (
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"bmjbt/documents"
	"bmjbt/monitoring"
	"bmjbt/survey"
)

// surveyResultsCmd writes a survey's results: its raw answers without
// personal data as KoBoToolbox exports them (CSV, XLSX), and its summary
// (the XLSX's second sheet; the PDF for the council and the public).
func (a *app) surveyResultsCmd() *cobra.Command {
	var format, lang, out string
	var groups bool
	cmd := &cobra.Command{
		Use:   "results ID --format csv|xlsx|pdf [--lang ky|ru] [--groups] [--out FILE]",
		Short: "Write a survey's results: raw answers (csv, xlsx with a summary sheet) or the summary for the council (pdf)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := a.surveyID(args[0])
			if err != nil {
				return err
			}
			if format != "csv" && format != "xlsx" && format != "pdf" {
				return a.fail("cli.survey_results_format", map[string]any{"Format": format})
			}
			// Without --lang the raw table has XLSForm names (KoBo's "XML
			// values and headers") and the summary is in Kyrgyz; with it,
			// labels in that language (KoBo's "labels") and the summary too.
			l := monitoring.Lang(lang)
			if lang == "" {
				l = monitoring.Kyrgyz
			} else if l != monitoring.Kyrgyz && l != monitoring.Russian {
				return a.fail("cli.survey_results_lang", map[string]any{"Lang": lang})
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
			versions, err := db.Versions(ctx, id)
			if err != nil {
				return err
			}
			invited, err := db.CountInvited(ctx, id)
			if err != nil {
				return err
			}
			members, err := db.Members(ctx, m.Code, true)
			if err != nil {
				return err
			}
			names := make(map[int64]string, len(members))
			var recused []string
			surveyRef := monitoring.ObjectRef(monitoring.ObjectSurvey, strconv.FormatInt(id, 10))
			for _, mb := range members {
				names[mb.ID] = mb.Name
				if (rec.Object != "" && mb.RecusedFromObject(m, rec.Object)) || slices.Contains(mb.Recused, surveyRef) {
					recused = append(recused, mb.Name)
				}
			}
			now := time.Now()
			presiding, err := a.presiding(ctx, db, m, now)
			if err != nil {
				return err
			}
			doc := documents.SurveyResults{Record: rec, Versions: versions, Muni: m, Lang: l, Invited: invited, Date: now,
				Labels: monitoring.Lang(lang), Groups: groups, Members: names, Presiding: presiding, Recused: recused}
			responses := func(yield func(survey.Response) error) error { return db.EachResponse(ctx, id, yield) }
			write := map[string]func(io.Writer, documents.Responses) error{"csv": doc.WriteCSV, "xlsx": doc.WriteXLSX, "pdf": doc.WritePDF}[format]
			if err := a.writeOut(out, func(w io.Writer) error { return write(w, responses) }); err != nil {
				return err
			}
			if out == "" || out == "-" {
				return nil // the document is the output
			}
			begun, complete, err := db.CountResponses(ctx, id)
			if err != nil {
				return err
			}
			a.say("cli.survey_results_written", map[string]any{"ID": id, "File": out, "Format": format, "Complete": complete, "Begun": begun})
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv (raw answers), xlsx (raw answers and a summary sheet) or pdf (the summary, for the public)")
	cmd.Flags().StringVar(&lang, "lang", "", "write the raw table with labels in ky or ru instead of XLSForm names (KoBo's labels export), and the summary in that language (default: names, the summary in ky)")
	cmd.Flags().BoolVar(&groups, "groups", false, "head the raw table's columns with their group path (group/question), as KoBo's \"include groups in headers\"")
	cmd.Flags().StringVar(&out, "out", "", "file to write (default: standard output)")
	return cmd
}
