package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

func (a *app) memberCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "member", Short: "Manage the group's members (Regulation 3.4, 3.5)"}
	cmd.AddCommand(a.memberInviteCmd(), a.memberListCmd(), a.memberApproveCmd(), a.memberRemoveCmd())
	return cmd
}

func (a *app) memberInviteCmd() *cobra.Command {
	var role, name string
	cmd := &cobra.Command{
		Use:   "invite --role chair|deputy|secretary|member --name \"…\"",
		Short: "Make a one-time code (72 h) a new member sends the bot as /join CODE",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := monitoring.ParseRole(role)
			if err != nil {
				return err
			}
			if name == "" {
				return fmt.Errorf("--name: give the member's name as the council approved it")
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			code := bot.NewInviteCode()
			var expires string
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				at, err := tx.CreateInvite(cmd.Context(), m.Code, code, r, name, "operator")
				if err != nil {
					return err
				}
				expires = catalog.Default().DateTime(monitoring.English, at)
				return tx.Audit(cmd.Context(), m.Code, "operator", "invite", 0, "ok", string(r))
			})
			if err != nil {
				return err
			}
			a.say("cli.invite", map[string]any{"Name": name, "Role": r, "Code": code, "Expires": expires})
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "member", "chair, deputy, secretary or member")
	cmd.Flags().StringVar(&name, "name", "", "the member's name")
	return cmd
}

func (a *app) memberListCmd() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the group and say when it is outside 5–11 members (3.4)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			return a.listMembers(cmd.Context(), db, m, all)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "also list removed members")
	return cmd
}

func (a *app) listMembers(ctx context.Context, db *storage.DB, m *monitoring.Municipality, all bool) error {
	list, err := db.Members(ctx, m.Code, all)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, a.text("cli.members_header"))
	for _, mb := range list {
		removed := ""
		if mb.Removed != nil {
			removed = monitoring.Day(mb.Removed.At) + " " + string(mb.Removed.Reason)
		}
		approved, ends := a.text("cli.awaiting"), ""
		if mb.Approval != nil {
			approved = "№ " + mb.Approval.Decision.Number + " " + monitoring.Day(mb.Approval.Decision.Date)
			if !mb.Approval.TermEnds.IsZero() {
				ends = monitoring.Day(mb.Approval.TermEnds)
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%v\t%s\n", mb.ID, mb.Name, mb.Role, mb.Affiliation, monitoring.Day(mb.JoinedAt),
			approved, ends, mb.Recused, removed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n := monitoring.CountMembers(list, db.Now()); !monitoring.GroupSizeFits(n) {
		fmt.Fprintln(a.stdout)
		a.say("cli.quorum", map[string]any{"Count": n, "Min": monitoring.MinMembers, "Max": monitoring.MaxMembers})
	}
	return nil
}

// memberApproveCmd records the council's decision on members (3.4): the
// first five were approved together by decision 12/5, so several IDs may
// share one decision.
func (a *app) memberApproveCmd() *cobra.Command {
	var number, date, termEnds, nominated, affiliation string
	cmd := &cobra.Command{
		Use:   "approve ID... --decision 13/4 --date 2026-02-10 [--term-ends 2027-02-10]",
		Short: "Record the council's decision that approved members (Regulation 3.3, 3.4)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := monitoring.ParseDecision(number, date)
			if err != nil {
				return err
			}
			appr := monitoring.Approval{Decision: d}
			if termEnds != "" {
				ends, ok := monitoring.ParseDay(termEnds)
				if !ok {
					return fmt.Errorf("--term-ends %q: write the term's last day as 2027-02-10", termEnds)
				}
				appr.TermEnds = ends
			}
			by, err := monitoring.ParseNominator(nominated)
			if err != nil {
				return err
			}
			ids := make([]int64, len(args))
			for i, s := range args {
				if ids[i], err = strconv.ParseInt(s, 10, 64); err != nil {
					return fmt.Errorf("member ID %q: give the number from `member list`", s)
				}
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			var approved []monitoring.Member
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				approved = approved[:0]
				for _, id := range ids {
					mb, err := tx.ApproveMember(cmd.Context(), m.Code, id, appr, by, affiliation)
					if err != nil {
						return err
					}
					if err := tx.Audit(cmd.Context(), m.Code, "operator", "approve", 0, "ok", fmt.Sprintf("member:%d decision:%s", id, d.Number)); err != nil {
						return err
					}
					approved = append(approved, mb)
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, mb := range approved {
				ends := ""
				if !appr.TermEnds.IsZero() {
					ends = monitoring.Day(appr.TermEnds)
				}
				a.say("cli.approved", map[string]any{"Name": mb.Name, "Role": mb.Role, "Number": d.Number, "Date": monitoring.Day(d.Date), "Ends": ends})
			}
			fmt.Fprintln(a.stdout)
			return a.listMembers(cmd.Context(), db, m, false)
		},
	}
	cmd.Flags().StringVar(&number, "decision", "", "the council decision's number, session/decision (e.g. 12/5)")
	cmd.Flags().StringVar(&date, "date", "", "the decision's date (2025-10-14 or 14.10.2025)")
	cmd.Flags().StringVar(&termEnds, "term-ends", "", "the last day of the term the council set (at least a year: 3.4)")
	cmd.Flags().StringVar(&nominated, "nominated-by", "", "community, deputies or ngo (3.3)")
	cmd.Flags().StringVar(&affiliation, "affiliation", "", "as the decision writes it, e.g. «а/к депутаты»")
	cmd.MarkFlagRequired("decision")
	cmd.MarkFlagRequired("date")
	return cmd
}

func (a *app) memberRemoveCmd() *cobra.Command {
	var reason, override string
	cmd := &cobra.Command{
		Use:   "remove ID --reason own-request|health|absence|ethics|incapacity",
		Short: "End a membership early, for a reason of Regulation 3.4",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("member ID %q: give the number from `member list`", args[0])
			}
			r, err := monitoring.ParseRemovalReason(reason)
			if err != nil {
				return err
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			var removed monitoring.Member
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				detail := fmt.Sprintf("member:%d %s", id, r)
				if r == monitoring.Absence {
					// 3.4: three missed meetings allow it; the record shows which.
					missed, err := a.missedMeetings(cmd.Context(), tx, m.Code, id)
					if err != nil {
						return err
					}
					if err := monitoring.CheckAbsenceRemoval(len(missed), override); err != nil {
						return err
					}
					if override != "" {
						detail += " override: " + override
					}
				}
				if removed, err = tx.RemoveMember(cmd.Context(), m.Code, id, r); err != nil {
					return err
				}
				return tx.Audit(cmd.Context(), m.Code, "operator", "remove", 0, "ok", detail)
			})
			if err != nil {
				return err
			}
			a.say("cli.removed", map[string]any{"Name": removed.Name, "Role": removed.Role, "Reason": r})
			fmt.Fprintln(a.stdout)
			return a.listMembers(cmd.Context(), db, m, false)
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "own-request, health, absence (three meetings missed), ethics or incapacity")
	cmd.Flags().StringVar(&override, "override", "", "with --reason absence and fewer than three missed meetings recorded: why (kept in the audit)")
	return cmd
}

// missedMeetings lists, and prints, the meetings a member missed in their
// term (from their approval, or from joining while it is awaited).
func (a *app) missedMeetings(ctx context.Context, tx *storage.Tx, muni string, id int64) ([]monitoring.Meeting, error) {
	mb, err := memberByID(ctx, tx, muni, id)
	if err != nil {
		return nil, err
	}
	meetings, err := tx.Meetings(ctx, muni)
	if err != nil {
		return nil, err
	}
	total, inARow, missed := monitoring.Absences(meetings, id, mb.TermStart())
	a.say("cli.absences", map[string]any{"Name": mb.Name, "Total": total, "InARow": inARow})
	for _, mt := range missed {
		fmt.Fprintf(a.stdout, "  № %s  %s\n", mt.Number, mt.HeldAt.In(monitoring.Bishkek).Format("2006-01-02"))
	}
	return missed, nil
}
