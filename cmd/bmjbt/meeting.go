package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"bmjbt/documents"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

// meetingCmd is the group's meetings and their minutes (Regulation 3.4–3.7),
// as the secretary hands them to the clerk: recorded, attendance, decisions,
// signed, printed.
func (a *app) meetingCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "meeting", Short: "The group's meetings and minutes (Regulation 3.4–3.7)"}
	cmd.AddCommand(a.meetingNewCmd(), a.meetingAttendCmd(), a.meetingDecideCmd(), a.meetingSignCmd(),
		a.meetingListCmd(), a.meetingMinutesCmd(), a.chairAbsenceCmd())
	return cmd
}

func (a *app) meetingNewCmd() *cobra.Command {
	var at, place string
	var agenda []string
	cmd := &cobra.Command{
		Use:   `new --at "2026-02-10 15:00" [--place "…"] --agenda "…" [--agenda "…"]`,
		Short: "Record a meeting; every member is listed as present until attendance is recorded",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			held, err := parseMeetingTime(at)
			if err != nil {
				return err
			}
			if len(agenda) == 0 {
				return fmt.Errorf("--agenda: give each item of the agenda")
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			mt := monitoring.Meeting{Municipality: m.Code, HeldAt: held, Place: place, Agenda: agenda}
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				if err := tx.CreateMeeting(cmd.Context(), &mt); err != nil {
					return err
				}
				return tx.Audit(cmd.Context(), m.Code, "operator", "meeting", 0, "ok", "minutes:"+mt.Number.String())
			})
			if err != nil {
				return err
			}
			a.say("cli.meeting_made", map[string]any{"ID": mt.ID, "Number": mt.Number.String(), "Count": len(mt.Attendance)})
			return nil
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "when it was held, in Bishkek: 2026-02-10 15:00 (or 10.02.2026 15:00)")
	cmd.Flags().StringVar(&place, "place", "", "where it was held (leave out for a meeting in the chat)")
	cmd.Flags().StringArrayVar(&agenda, "agenda", nil, "an item of the agenda (repeat for each)")
	cmd.MarkFlagRequired("at")
	return cmd
}

// parseMeetingTime reads a day and a time of day in Bishkek.
func parseMeetingTime(s string) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range []string{"2006-01-02 15:04", "02.01.2006 15:04", "2.1.2006 15:04"} {
		if t, err := time.ParseInLocation(layout, s, monitoring.Bishkek); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--at %q: write the day and time as 2026-02-10 15:00", s)
}

func meetingID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("meeting ID %q: give the number `bmjbt meeting list` shows", s)
	}
	return id, nil
}

func idList(flag, s string) ([]int64, error) {
	var out []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--%s %q: give member IDs from `member list`, separated by commas", flag, s)
		}
		out = append(out, id)
	}
	return out, nil
}

func (a *app) meetingAttendCmd() *cobra.Command {
	var present, absent string
	var excused []string
	cmd := &cobra.Command{
		Use:   `attend ID [--present 1,2] [--absent 4] [--excused "5=ооруп калды"]`,
		Short: "Record who attended: present, absent, or absent with a reason (3.4 counts both absences)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := meetingID(args[0])
			if err != nil {
				return err
			}
			type mark struct {
				member   int64
				presence monitoring.Presence
				reason   string
			}
			var marks []mark
			for _, f := range []struct {
				flag, value string
				p           monitoring.Presence
			}{{"present", present, monitoring.Present}, {"absent", absent, monitoring.Absent}} {
				ids, err := idList(f.flag, f.value)
				if err != nil {
					return err
				}
				for _, m := range ids {
					marks = append(marks, mark{m, f.p, ""})
				}
			}
			for _, e := range excused {
				who, reason, _ := strings.Cut(e, "=")
				m, err := strconv.ParseInt(strings.TrimSpace(who), 10, 64)
				if err != nil {
					return fmt.Errorf("--excused %q: write the member ID, then = and the reason: 5=ооруп калды", e)
				}
				marks = append(marks, mark{m, monitoring.Excused, strings.TrimSpace(reason)})
			}
			if len(marks) == 0 {
				return fmt.Errorf("nothing to record: give --present, --absent or --excused")
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				if _, err := tx.Meeting(cmd.Context(), m.Code, id); err != nil {
					return err
				}
				for _, mk := range marks {
					if err := tx.SetAttendance(cmd.Context(), id, mk.member, mk.presence, mk.reason); err != nil {
						return err
					}
				}
				return tx.Audit(cmd.Context(), m.Code, "operator", "attendance", 0, "ok", fmt.Sprintf("meeting:%d", id))
			})
			if err != nil {
				return err
			}
			return a.showMeeting(cmd.Context(), db, m, id)
		},
	}
	cmd.Flags().StringVar(&present, "present", "", "member IDs present")
	cmd.Flags().StringVar(&absent, "absent", "", "member IDs absent")
	cmd.Flags().StringArrayVar(&excused, "excused", nil, "a member absent with a reason: ID=reason (repeat)")
	return cmd
}

func (a *app) meetingDecideCmd() *cobra.Command {
	var text, elects string
	var votesFor, against, abstained int
	var elected int64
	cmd := &cobra.Command{
		Use:   `decide ID --text "…" --for 5 --against 0 --abstained 1 [--elects chair|deputy|secretary --member ID]`,
		Short: "Record a decision of the meeting with its vote; an election (3.5) also gives the role",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := meetingID(args[0])
			if err != nil {
				return err
			}
			d := monitoring.MeetingDecision{Text: strings.TrimSpace(text), For: votesFor, Against: against, Abstained: abstained}
			if elects != "" {
				r, err := monitoring.ParseRole(elects)
				if err != nil {
					return err
				}
				if !r.Unique() || elected == 0 {
					return fmt.Errorf("--elects: the meeting elects a chair, a deputy or a secretary (3.5), with --member ID")
				}
				d.Elects, d.Elected = r, elected
			}
			// The votes and the text are checked where the decision is
			// stored (monitoring.MeetingDecision.Check), as in the chat.
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				if _, err := tx.Meeting(cmd.Context(), m.Code, id); err != nil {
					return err
				}
				if err := tx.AddDecision(cmd.Context(), m.Code, id, d); err != nil {
					return err
				}
				return tx.Audit(cmd.Context(), m.Code, "operator", "decision", 0, "ok", fmt.Sprintf("meeting:%d %s", id, d.Elects))
			})
			if err != nil {
				return err
			}
			return a.showMeeting(cmd.Context(), db, m, id)
		},
	}
	cmd.Flags().StringVar(&text, "text", "", "what was decided")
	cmd.Flags().IntVar(&votesFor, "for", 0, "votes for")
	cmd.Flags().IntVar(&against, "against", 0, "votes against")
	cmd.Flags().IntVar(&abstained, "abstained", 0, "abstentions")
	cmd.Flags().StringVar(&elects, "elects", "", "an election: chair, deputy or secretary (3.5)")
	cmd.Flags().Int64Var(&elected, "member", 0, "the member elected")
	return cmd
}

func (a *app) meetingSignCmd() *cobra.Command {
	var by int64
	cmd := &cobra.Command{
		Use:   "sign ID --by MEMBER",
		Short: "Record that the chair (or the deputy during the chair's recorded absence) signed the minutes (3.6)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := meetingID(args[0])
			if err != nil {
				return err
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			var sig monitoring.Signature
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				if _, err := tx.Meeting(cmd.Context(), m.Code, id); err != nil {
					return err
				}
				signer, err := memberByID(cmd.Context(), tx, m.Code, by)
				if err != nil {
					return err
				}
				if sig, err = tx.SignMinutes(cmd.Context(), m.Code, id, signer, false); err != nil {
					return err
				}
				return tx.Audit(cmd.Context(), m.Code, "operator", "sign", 0, "ok", fmt.Sprintf("meeting:%d member:%d", id, by))
			})
			if err != nil {
				return err
			}
			as := "chair"
			if sig.Acting {
				as = "acting chair"
			}
			a.say("cli.meeting_signed", map[string]any{"ID": id, "Name": sig.Name, "As": as})
			return nil
		},
	}
	cmd.Flags().Int64Var(&by, "by", 0, "the member who signed (from `member list`)")
	cmd.MarkFlagRequired("by")
	return cmd
}

// memberByID is an active member of the group, or ENOTFOUND.
func memberByID(ctx context.Context, tx *storage.Tx, muni string, id int64) (monitoring.Member, error) {
	list, err := tx.Members(ctx, muni, false)
	if err != nil {
		return monitoring.Member{}, err
	}
	for _, mb := range list {
		if mb.ID == id {
			return mb, nil
		}
	}
	return monitoring.Member{}, monitoring.Errorf(monitoring.ENOTFOUND, "member %d is not in the group (see `bmjbt member list`)", id)
}

func (a *app) meetingListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the meetings: number, when, where, attendance, decisions, signed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := db.Meetings(cmd.Context(), m.Code)
			if err != nil {
				return err
			}
			if len(list) == 0 {
				a.say("cli.meetings_none", nil)
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, a.text("cli.meetings_header"))
			for _, mt := range list {
				present := mt.Present()
				signed := ""
				if mt.Signed != nil {
					signed = mt.Signed.Name
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d/%d\t%d\t%s\n", mt.ID, mt.Number, mt.HeldAt.In(monitoring.Bishkek).Format("2006-01-02 15:04"),
					mt.Place, present, len(mt.Attendance), len(mt.Decisions), signed)
			}
			return tw.Flush()
		},
	}
}

// showMeeting prints a meeting as the minutes will read, in English for
// the operator.
func (a *app) showMeeting(ctx context.Context, db *storage.DB, m *monitoring.Municipality, id int64) error {
	mt, err := db.Meeting(ctx, m.Code, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Meeting %d, minutes № %s, %s\n", mt.ID, mt.Number, mt.HeldAt.In(monitoring.Bishkek).Format("2006-01-02 15:04"))
	for _, at := range mt.Attendance {
		line := fmt.Sprintf("  %d %s (%s): %s", at.MemberID, at.Name, at.Role, at.Presence)
		if at.Reason != "" {
			line += ", " + at.Reason
		}
		fmt.Fprintln(a.stdout, line)
	}
	for i, d := range mt.Decisions {
		fmt.Fprintf(a.stdout, "  decision %d: %s (for %d, against %d, abstained %d)", i+1, d.Text, d.For, d.Against, d.Abstained)
		if d.Elects != "" {
			fmt.Fprintf(a.stdout, "; elects %s %s", d.Elects, d.ElectedName)
		}
		fmt.Fprintln(a.stdout)
	}
	return nil
}

func (a *app) meetingMinutesCmd() *cobra.Command {
	var lang, out, format string
	cmd := &cobra.Command{
		Use:   "minutes ID [--lang ky|ru] [--format pdf|docx] [--out FILE.pdf|FILE.docx]",
		Short: "The minutes as a PDF or a Word document in the council's style, with the presiding signature block",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := meetingID(args[0])
			if err != nil {
				return err
			}
			l, ok := monitoring.ParseLang(lang)
			if !ok || l == monitoring.English {
				return fmt.Errorf("--lang %q: minutes are written in ky or ru", lang)
			}
			f, err := documentFormat(format, out)
			if err != nil {
				return err
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			mt, err := db.Meeting(cmd.Context(), m.Code, id)
			if err != nil {
				return err
			}
			doc, err := a.minutes(cmd.Context(), db, m, l, mt)
			if err != nil {
				return err
			}
			return a.writePaper(doc.Content(), f, out, "cli.minutes_written", map[string]any{"File": out, "Number": mt.Number.String()})
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "ky", "ky or ru")
	cmd.Flags().StringVarP(&out, "out", "o", "", "the file to write, .pdf or .docx (standard output without it)")
	cmd.Flags().StringVar(&format, "format", "", "pdf or docx (default: from the --out file's extension, else pdf)")
	return cmd
}

// writePaper writes one of the group's papers as PDF or DOCX, to out or,
// without it, to standard output, and says so with sayID.
func (a *app) writePaper(o documents.Official, format, out, sayID string, args map[string]any) error {
	var buf bytes.Buffer
	write := o.WritePDF
	if format == "docx" {
		write = o.WriteDOCX
	}
	if err := write(&buf); err != nil {
		return err
	}
	if out == "" {
		_, err := a.stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	a.say(sayID, args)
	return nil
}

// documentFormat is the format a paper is written in: --format when given,
// else the --out file's extension, else PDF (what the clerk prints). A
// --format that contradicts the extension is refused rather than writing,
// say, a PDF into minutes.docx that Word then cannot open.
func documentFormat(format, out string) (string, error) {
	format = strings.ToLower(strings.TrimSpace(format))
	if format != "" && format != "pdf" && format != "docx" {
		return "", fmt.Errorf("--format %q: write pdf or docx", format)
	}
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(out), "."))
	switch {
	case ext == "":
		if format == "" {
			return "pdf", nil
		}
		return format, nil
	case ext != "pdf" && ext != "docx":
		return "", fmt.Errorf("--out %s: name the file .pdf or .docx", out)
	case format != "" && format != ext:
		return "", fmt.Errorf("--format %s does not match --out %s: give the file the .%s extension, or leave --format out", format, out, format)
	}
	return ext, nil
}

// minutes gathers what the minutes print: the secretary who drafted them
// (3.7) and, while unsigned, who presides at the meeting's time (3.6).
func (a *app) minutes(ctx context.Context, db *storage.DB, m *monitoring.Municipality, lang monitoring.Lang, mt monitoring.Meeting) (documents.Minutes, error) {
	doc := documents.Minutes{Muni: m, Lang: lang, Meeting: mt}
	members, err := db.Members(ctx, m.Code, false)
	if err != nil {
		return doc, err
	}
	for _, mb := range members {
		if mb.Role == monitoring.Secretary {
			doc.Secretary = mb.Name
		}
	}
	doc.Presiding, err = a.presiding(ctx, db, m, mt.HeldAt)
	return doc, err
}

// presiding is who signs the group's documents at a moment (3.6): the
// chair, or the deputy as acting chair within a recorded absence.
func (a *app) presiding(ctx context.Context, db *storage.DB, m *monitoring.Municipality, at time.Time) (monitoring.Signature, error) {
	members, err := db.Members(ctx, m.Code, false)
	if err != nil {
		return monitoring.Signature{}, err
	}
	absences, err := db.ChairAbsences(ctx, m.Code)
	if err != nil {
		return monitoring.Signature{}, err
	}
	var sig monitoring.Signature
	for _, mb := range members {
		if mb.Role != monitoring.Chair && mb.Role != monitoring.Deputy {
			continue
		}
		if s, err := monitoring.SignAs(mb, absences, at); err == nil && (sig.Name == "" || s.Acting) {
			sig = s
		}
	}
	return sig, nil
}

func (a *app) chairAbsenceCmd() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:   "chair-absence --from 2026-02-10 --to 2026-02-20",
		Short: "Record an absence of the chair: the deputy signs as acting chair within it (3.6)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, ok1 := monitoring.ParseDay(from)
			t, ok2 := monitoring.ParseDay(to)
			if !ok1 || !ok2 {
				return fmt.Errorf("--from and --to: write the days as 2026-02-10")
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			abs := monitoring.ChairAbsence{From: f, To: t}
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				if err := tx.RecordChairAbsence(cmd.Context(), m.Code, &abs); err != nil {
					return err
				}
				return tx.Audit(cmd.Context(), m.Code, "operator", "chair-absence", 0, "ok", monitoring.Day(f)+" "+monitoring.Day(t))
			})
			if err != nil {
				return err
			}
			a.say("cli.chair_absence", map[string]any{"From": monitoring.Day(f), "To": monitoring.Day(t)})
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the first day of the absence")
	cmd.Flags().StringVar(&to, "to", "", "the last day of the absence")
	cmd.MarkFlagRequired("from")
	cmd.MarkFlagRequired("to")
	return cmd
}
