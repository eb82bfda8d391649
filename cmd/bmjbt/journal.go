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

// table is the journal's table in the flags' language, and the entries the
// flags select.
func (f *journalFlags) table(m *monitoring.Municipality, withContacts bool) (documents.Journal, monitoring.Filter, error) {
	flt, lang, err := f.filter(m)
	if err != nil {
		return documents.Journal{}, flt, err
	}
	return documents.Journal{Lang: lang, Muni: m, WithContacts: withContacts}, flt, nil
}

// lines streams the entries flt selects from the store.
func lines(ctx context.Context, db *storage.DB, m *monitoring.Municipality, flt monitoring.Filter, withContacts bool) documents.Lines {
	return func(yield func(monitoring.JournalLine) error) error {
		return db.EachEntry(ctx, m.Code, flt, withContacts, yield)
	}
}

// timeLayout is how the command line writes a moment, in Bishkek time.
const timeLayout = "2006-01-02 15:04"

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
			j, flt, err := f.table(m, false)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			h := j.Header()
			// The columns up to the description, which is cut to one line.
			fmt.Fprintln(tw, strings.Join(h[:documents.ColDescription+1], "\t"))
			err = lines(cmd.Context(), db, m, flt, false)(func(l monitoring.JournalLine) error {
				r := j.Row(l)
				r[documents.ColDescription] = oneLine(r[documents.ColDescription], 50)
				_, err := fmt.Fprintln(tw, strings.Join(r[:documents.ColDescription+1], "\t"))
				return err
			})
			if err != nil {
				return err
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
	line := monitoring.JournalLine{Entry: e, Files: len(e.Media)}
	if withContacts {
		err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
			line.Contact, err = tx.EntryContact(ctx, e.ID)
			return err
		})
		if err != nil {
			return err
		}
	}
	notes, err := db.Notes(ctx, e.ID)
	if err != nil {
		return err
	}
	var memberNotes []monitoring.Note
	for _, note := range notes {
		if note.Author != storage.ResidentAuthor {
			memberNotes = append(memberNotes, note)
			continue
		}
		add := monitoring.Addition{At: note.At, Text: note.Text}
		if note.MediaID != 0 {
			add.Files = 1
		}
		line.Additions = append(line.Additions, add)
	}
	j := documents.Journal{Lang: lang, Muni: m, WithContacts: withContacts}
	h, r := j.Header(), j.Row(line)
	w := bufio.NewWriter(a.stdout)
	for i := range h {
		if i == documents.ColDescription || i == documents.ColAdditions {
			continue // texts go below, whole
		}
		fmt.Fprintf(w, "%-20s %s\n", h[i]+":", r[i])
	}
	fmt.Fprintf(w, "\n%s\n", r[documents.ColDescription])
	cat := catalog.Default()
	if len(e.Media) > 0 {
		fmt.Fprintln(w)
		for _, md := range e.Media {
			fmt.Fprintln(w, "  "+cat.T(monitoring.English, "cli.file", map[string]any{"ID": md.ID, "Kind": md.Kind, "Mime": md.Mime, "Size": md.Size, "State": md.State}))
		}
	}
	if len(line.Additions) > 0 {
		fmt.Fprintf(w, "\n%s\n", cat.T(lang, "show.additions", nil))
		for _, add := range line.Additions {
			fmt.Fprintf(w, "  %s  %s: %s\n", add.At.In(monitoring.Bishkek).Format(timeLayout), cat.T(lang, "show.resident", nil), j.AdditionText(add))
		}
	}
	if len(memberNotes) > 0 {
		if err := a.showNotes(ctx, w, db, m, j, memberNotes); err != nil {
			return err
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
		fmt.Fprintf(w, "  %s  %s%s  (%s) %s\n", ev.At.In(monitoring.Bishkek).Format(timeLayout), from,
			cat.T(lang, "status."+string(ev.To), nil), who, j.Text(ev.Reason))
	}
	return w.Flush()
}

// showNotes prints members' notes on an entry: the group's working notes,
// shown to the operator here and never exported.
func (a *app) showNotes(ctx context.Context, w io.Writer, db *storage.DB, m *monitoring.Municipality, j documents.Journal, notes []monitoring.Note) error {
	members, err := db.Members(ctx, m.Code, true)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(members))
	for _, mb := range members {
		names[mb.ID] = mb.Name
	}
	cat := catalog.Default()
	fmt.Fprintf(w, "\n%s\n", cat.T(j.Lang, "show.notes", nil))
	for _, note := range notes {
		add := monitoring.Addition{Text: note.Text}
		if note.MediaID != 0 {
			add.Files = 1
		}
		fmt.Fprintf(w, "  %s  %s: %s\n", note.At.In(monitoring.Bishkek).Format(timeLayout), names[note.MemberID], j.AdditionText(add))
	}
	return nil
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
			j, flt, err := f.table(m, withContacts)
			if err != nil {
				return err
			}
			rows := lines(cmd.Context(), db, m, flt, withContacts)
			return a.writeOut(out, func(w io.Writer) error {
				if format == "xlsx" {
					return j.WriteXLSX(w, rows)
				}
				return j.WriteCSV(w, rows)
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
