package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"bmjbt/catalog"
	"bmjbt/documents"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

// journalFlags are the filters list and export share.
type journalFlags struct {
	status, village, service, from, to, lang string
}

func (f *journalFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.status, "status", "", "received, in_review, verified, rejected, resolved or merged")
	cmd.Flags().StringVar(&f.village, "village", "", "village code from the config (e.g. masy)")
	cmd.Flags().StringVar(&f.service, "service", "", "service code from the config (e.g. water, other)")
	cmd.Flags().StringVar(&f.from, "from", "", "first day, YYYY-MM-DD (Bishkek time)")
	cmd.Flags().StringVar(&f.to, "to", "", "last day, YYYY-MM-DD, included")
	cmd.Flags().StringVar(&f.lang, "lang", "ky", "language of names and headers: ky, ru or en")
}

func (f *journalFlags) filter(m *monitoring.Municipality) (monitoring.Filter, monitoring.Lang, error) {
	var flt monitoring.Filter
	lang := monitoring.Lang(f.lang)
	if lang != monitoring.Kyrgyz && lang != monitoring.Russian && lang != monitoring.English {
		return flt, "", fmt.Errorf("--lang %q: use ky, ru or en", f.lang)
	}
	if f.status != "" {
		st, err := monitoring.ParseStatus(f.status)
		if err != nil {
			return flt, "", err
		}
		flt.Status = st
	}
	if f.village != "" {
		if _, ok := m.Village(f.village); !ok {
			return flt, "", fmt.Errorf("--village %q is not in the config", f.village)
		}
		flt.Village = f.village
	}
	if f.service != "" {
		if _, ok := m.Service(f.service); !ok {
			return flt, "", fmt.Errorf("--service %q is not in the config", f.service)
		}
		flt.Service = f.service
	}
	var err error
	if flt.From, err = day(f.from, "--from"); err != nil {
		return flt, "", err
	}
	if flt.To, err = day(f.to, "--to"); err != nil {
		return flt, "", err
	}
	if !flt.To.IsZero() {
		flt.To = flt.To.AddDate(0, 0, 1) // the last day is included
	}
	return flt, lang, nil
}

// journal reads the entries the flags select.
func (f *journalFlags) journal(ctx context.Context, db *storage.DB, m *monitoring.Municipality) (documents.Journal, error) {
	flt, lang, err := f.filter(m)
	if err != nil {
		return documents.Journal{}, err
	}
	list, err := db.Entries(ctx, m.Code, flt)
	if err != nil {
		return documents.Journal{}, err
	}
	return documents.Journal{Lang: lang, Muni: m, Entries: list}, nil
}

func day(s, flag string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, monitoring.Bishkek)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: write the date as YYYY-MM-DD", flag, s)
	}
	return t, nil
}

func (a *app) journalCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "journal", Short: "Read and export the complaints journal"}
	cmd.AddCommand(a.journalListCmd(), a.journalShowCmd(), a.journalExportCmd())
	return cmd
}

func (a *app) journalListCmd() *cobra.Command {
	var f journalFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List journal entries (no personal data)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			j, err := f.journal(cmd.Context(), db, m)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			h := j.Header()
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", h[0], h[1], h[2], h[3], h[4], h[5])
			for _, e := range j.Entries {
				r := j.Row(e)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r[0], r[1], r[2], r[3], r[4], oneLine(r[5], 50))
			}
			return tw.Flush()
		},
	}
	f.add(cmd)
	return cmd
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func (a *app) journalShowCmd() *cobra.Command {
	var lang string
	var withContacts bool
	cmd := &cobra.Command{
		Use:   "show NUMBER",
		Short: "Show one entry with its files and its audit (e.g. journal show 2025-0042)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := monitoring.ParseNumber(args[0])
			if err != nil {
				return err
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			return a.showEntry(cmd.Context(), db, m, n, monitoring.Lang(lang), withContacts)
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "ky", "language of names: ky, ru or en")
	cmd.Flags().BoolVar(&withContacts, "with-contacts", false, "also show the contact the resident left (personal data)")
	return cmd
}

func (a *app) showEntry(ctx context.Context, db *storage.DB, m *monitoring.Municipality, n monitoring.Number, lang monitoring.Lang, withContacts bool) error {
	e, err := db.EntryByNumber(ctx, m.Code, n)
	if err != nil {
		return err
	}
	j := documents.Journal{Lang: lang, Muni: m, Entries: []monitoring.Entry{e}, Files: map[int64]int{e.ID: len(e.Media)}}
	if withContacts {
		if j.Contacts, err = db.EntryContacts(ctx, m.Code); err != nil {
			return err
		}
	}
	h, r := j.Header(), j.Row(e)
	w := bufio.NewWriter(a.stdout)
	for i := range h {
		if i == 5 {
			continue // the description goes last, whole
		}
		fmt.Fprintf(w, "%-20s %s\n", h[i]+":", r[i])
	}
	fmt.Fprintf(w, "\n%s\n", e.Description)
	cat := catalog.Default()
	if len(e.Media) > 0 {
		fmt.Fprintln(w)
		for _, md := range e.Media {
			fmt.Fprintln(w, "  "+cat.T(monitoring.English, "cli.file", map[string]any{"ID": md.ID, "Kind": md.Kind, "Mime": md.Mime, "Size": md.Size, "State": md.State}))
		}
	}
	events, err := db.EntryEvents(ctx, e.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, ev := range events {
		from := ""
		if ev.From != "" {
			from = cat.T(lang, "status."+string(ev.From), nil) + " → "
		}
		who := ev.Actor
		if who == "resident" { // the audit's code, shown in the reader's language
			who = cat.T(lang, "notes.resident", nil)
		}
		fmt.Fprintf(w, "  %s  %s%s  (%s) %s\n", ev.At.In(monitoring.Bishkek).Format("2006-01-02 15:04"), from,
			cat.T(lang, "status."+string(ev.To), nil), who, ev.Reason)
	}
	return w.Flush()
}

func (a *app) journalExportCmd() *cobra.Command {
	var f journalFlags
	var format, out string
	var withContacts bool
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export the journal as CSV or XLSX (no personal data unless --with-contacts)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "csv" && format != "xlsx" {
				return fmt.Errorf("--format %q: use csv or xlsx", format)
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			j, err := f.journal(cmd.Context(), db, m)
			if err != nil {
				return err
			}
			if j.Files, err = db.MediaCounts(cmd.Context(), m.Code); err != nil {
				return err
			}
			if withContacts {
				if j.Contacts, err = db.EntryContacts(cmd.Context(), m.Code); err != nil {
					return err
				}
			}
			return a.writeOut(out, func(w io.Writer) error {
				if format == "xlsx" {
					return j.WriteXLSX(w)
				}
				return j.WriteCSV(w)
			})
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&format, "format", "csv", "csv or xlsx")
	cmd.Flags().StringVar(&out, "out", "", "file to write (default: standard output)")
	cmd.Flags().BoolVar(&withContacts, "with-contacts", false, "include the names and phones residents left (personal data)")
	return cmd
}

// writeOut writes to a file (created only when the whole document is
// written, so a failure leaves no half file) or to standard output.
func (a *app) writeOut(path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(a.stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bmjbt-export-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
