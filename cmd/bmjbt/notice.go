package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"bmjbt/documents"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

// noticeCmd is the group's communications to stakeholders (Regulation
// 5.2, 8): the notice before monitoring an object, and the log of events
// that change results (8.3) and of conflicts of interest (8.4).
func (a *app) noticeCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "notice", Short: "Notices to stakeholders before monitoring, and the log of 8.3 and 8.4 (Regulation 5.2, 8)"}
	cmd.AddCommand(a.noticeNewCmd(), a.noticeLogCmd(), a.noticeListCmd(), a.noticePDFCmd())
	return cmd
}

func (a *app) noticeNewCmd() *cobra.Command {
	var n monitoring.Notice
	var sent string
	cmd := &cobra.Command{
		Use:   `new --object REF --to "…" --procedure "…" --methods "…" --aims "…" --tasks "…" --sent 2026-02-01 [--how letter] [--plan-item "…"]`,
		Short: "Record the notice telling an object's stakeholders how, why and with what methods it will be monitored (5.2, 8)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n.Kind = monitoring.NoticeBefore
			return a.addNotice(cmd, &n, sent)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&n.Object, "object", "", "what is monitored: a service code, project:CODE or provider:CODE")
	fl.StringVar(&n.Recipients, "to", "", "who is told (the provider, the project's implementer, the ayil okmotu…)")
	fl.StringVar(&n.Procedure, "procedure", "", "how the monitoring is done: its steps and timing")
	fl.StringVar(&n.Methods, "methods", "", "its methods (5.6): questionnaires, observation, documents…")
	fl.StringVar(&n.Aims, "aims", "", "its aims")
	fl.StringVar(&n.Tasks, "tasks", "", "its tasks")
	fl.StringVar(&n.PlanItem, "plan-item", "", "the item of the monitoring plan")
	fl.StringVar(&n.How, "how", "", "how it was sent: letter, in person, chat…")
	fl.StringVar(&sent, "sent", "", "the day it was sent, 2026-02-01")
	return cmd
}

func (a *app) noticeLogCmd() *cobra.Command {
	var n monitoring.Notice
	var sent, kind string
	cmd := &cobra.Command{
		Use:   `log --kind change|conflict --object REF --to "…" --text "…" --sent 2026-03-01 [--how …]`,
		Short: "Log a communication of an event that changes results (8.3) or of a conflict of interest (8.4)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := monitoring.ParseNoticeKind(kind)
			if err != nil {
				return err
			}
			if k == monitoring.NoticeBefore {
				return fmt.Errorf("a notice before monitoring is `bmjbt notice new`, with its procedure, methods, aims and tasks")
			}
			n.Kind = k
			return a.addNotice(cmd, &n, sent)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&kind, "kind", "", "change (8.3: an event that changes results) or conflict (8.4: a conflict of interest)")
	fl.StringVar(&n.Object, "object", "", "the object: a service code, project:CODE or provider:CODE")
	fl.StringVar(&n.Recipients, "to", "", "who was told")
	fl.StringVar(&n.Text, "text", "", "what was communicated")
	fl.StringVar(&n.How, "how", "", "how: letter, in person, chat…")
	fl.StringVar(&sent, "sent", "", "the day, 2026-03-01")
	return cmd
}

func (a *app) addNotice(cmd *cobra.Command, n *monitoring.Notice, sent string) error {
	if sent != "" {
		day, ok := monitoring.ParseDay(sent)
		if !ok {
			return fmt.Errorf("--sent %q: write the day as 2026-02-01", sent)
		}
		n.SentOn = day
	}
	for _, s := range []*string{&n.Object, &n.Recipients, &n.Procedure, &n.Methods, &n.Aims, &n.Tasks, &n.Text, &n.How, &n.PlanItem} {
		*s = strings.TrimSpace(*s)
	}
	if err := n.CheckNotice(); err != nil {
		return err
	}
	db, m, err := a.open(cmd.Context())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := m.CheckObject(n.Object); err != nil {
		return err
	}
	n.Municipality = m.Code
	err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
		if err := tx.AddNotice(cmd.Context(), n); err != nil {
			return err
		}
		return tx.Audit(cmd.Context(), m.Code, "operator", "notice", 0, "ok", string(n.Kind)+" "+n.Object)
	})
	if err != nil {
		return err
	}
	if n.Kind == monitoring.NoticeBefore {
		a.say("cli.notice_made", map[string]any{"ID": n.ID, "Number": n.Number.String(), "Object": n.Object})
	} else {
		a.say("cli.notice_logged", map[string]any{"ID": n.ID, "Kind": string(n.Kind), "Object": n.Object})
	}
	return nil
}

func (a *app) noticeListCmd() *cobra.Command {
	var object string
	cmd := &cobra.Command{
		Use:   "list [--object REF]",
		Short: "List the notices and the communications logged, per object",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := db.Notices(cmd.Context(), m.Code, object)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, a.text("cli.notices_header"))
			for _, n := range list {
				number := ""
				if n.Kind == monitoring.NoticeBefore {
					number = n.Number.String()
				}
				what := n.Text
				if n.Kind == monitoring.NoticeBefore {
					what = n.Aims
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", n.ID, n.Kind, number, n.Object, monitoring.Day(n.SentOn), n.Recipients, what)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, p := range m.Projects {
				ref := monitoring.ObjectRef(monitoring.ObjectProject, p.Code)
				if _, ok := monitoring.NoticeGiven(list, ref, db.Now()); m.NoticeRequired(ref) && !ok && (object == "" || object == ref) {
					a.say("cli.notice_required", map[string]any{"Object": ref, "Funding": string(p.Funding)})
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&object, "object", "", "only this object")
	return cmd
}

func (a *app) noticePDFCmd() *cobra.Command {
	var lang, out, format string
	cmd := &cobra.Command{
		Use:   "print ID [--lang ky|ru] [--format pdf|docx] [--out FILE]",
		Short: "The notice as a letter in the council's style (PDF or DOCX), with the presiding signature block",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("notice ID %q: give the number `bmjbt notice list` shows", args[0])
			}
			kind, err := documentFormat(format, out)
			if err != nil {
				return err
			}
			l, ok := monitoring.ParseLang(lang)
			if !ok || l == monitoring.English {
				return fmt.Errorf("--lang %q: notices are written in ky or ru", lang)
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := db.Notices(cmd.Context(), m.Code, "")
			if err != nil {
				return err
			}
			var doc *documents.Notice
			for _, n := range list {
				if n.ID == id && n.Kind == monitoring.NoticeBefore {
					doc = &documents.Notice{Muni: m, Lang: l, Notice: n}
				}
			}
			if doc == nil {
				return fmt.Errorf("no notice before monitoring %d (see `bmjbt notice list`)", id)
			}
			if doc.Presiding, err = a.presiding(cmd.Context(), db, m, doc.Notice.SentOn); err != nil {
				return err
			}
			return a.writePaper(doc.Content(), kind, out, "cli.notice_written", map[string]any{"File": out, "Number": doc.Notice.Number.String()})
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "ky", "ky or ru")
	cmd.Flags().StringVar(&format, "format", "", "pdf or docx (default: from --out's extension, else pdf)")
	cmd.Flags().StringVarP(&out, "out", "o", "", "the file (standard output without it)")
	return cmd
}
