package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"bmjbt/monitoring"
	"bmjbt/storage"
)

// actCmd is the group's monitoring acts (Regulation 7.1–7.6) as the clerk
// keeps them from the command line: drafted, sent for signature, signed on
// paper, final with a number, delivered, and their recommendations
// considered.
func (a *app) actCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "act", Short: "Monitoring acts: drafted, signed by every member, delivered, considered (Regulation 7.1–7.6)"}
	cmd.AddCommand(a.actNewCmd(), a.actFindingCmd(), a.actRecommendCmd(), a.actEvidenceCmd(), a.actSourceCmd(),
		a.actSendCmd(), a.actSignCmd(), a.actFinalizeCmd(), a.actWithdrawCmd(), a.actListCmd(), a.actShowCmd(),
		a.actDeliverCmd(), a.actConsiderCmd(), a.actDeclineCmd(), a.actCarriedOutCmd(), a.actCommentCmd())
	return cmd
}

// parsePeriod reads "2026-10-01..2026-10-31".
func parsePeriod(s string) (from, to time.Time, err error) {
	f, t, ok := strings.Cut(s, "..")
	fd, ok1 := monitoring.ParseDay(f)
	td, ok2 := monitoring.ParseDay(t)
	if !ok || !ok1 || !ok2 {
		return from, to, fmt.Errorf("--period %q: write the first and the last day as 2026-10-01..2026-10-31", s)
	}
	return fd, td, nil
}

func (a *app) actNewCmd() *cobra.Command {
	var object, period, methods, planItem, outside, without, lang string
	var notice, corrects int64
	var experts []string
	cmd := &cobra.Command{
		Use: `new --object REF --period 2026-10-01..2026-10-31 --methods observation,questionnaires ` +
			`[--plan-item "…" | --outside-plan "reason"] [--notice ID | --without-notice "reason"] [--expert "Name, role"] [--lang ky|ru]`,
		Short: "Draft an act: its object, plan item (or the reason for monitoring outside the plan, 5.2), period, methods (5.6), notice (5.2, 8.2), experts (4.2)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			from, to, err := parsePeriod(period)
			if err != nil {
				return err
			}
			ms, err := monitoring.ParseMethods(methods)
			if err != nil {
				return err
			}
			l, ok := monitoring.ParseLang(lang)
			if !ok {
				return fmt.Errorf("--lang %q: an act is written in ky or ru", lang)
			}
			if notice != 0 && without != "" {
				return fmt.Errorf("give --notice or --without-notice, not both")
			}
			act := monitoring.Act{Lang: l, Object: strings.TrimSpace(object), PlanItem: strings.TrimSpace(planItem), OutsidePlan: strings.TrimSpace(outside),
				From: from, To: to, Methods: ms, NoticeID: notice, NoticeWaiver: strings.TrimSpace(without), Corrects: corrects}
			for _, e := range experts {
				x, err := monitoring.ParseExpert(e)
				if err != nil {
					return err
				}
				act.Experts = append(act.Experts, x)
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			if err := m.CheckObject(act.Object); err != nil {
				return err
			}
			act.Municipality = m.Code
			if err := db.InTx(cmd.Context(), func(tx *storage.Tx) error { return tx.CreateAct(cmd.Context(), &act, "operator") }); err != nil {
				return err
			}
			a.say("cli.act_made", map[string]any{"ID": act.ID, "Object": act.Object})
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&object, "object", "", "what was monitored: a service code, project:CODE or provider:CODE")
	fl.StringVar(&period, "period", "", "the period monitored: 2026-10-01..2026-10-31")
	fl.StringVar(&methods, "methods", "", "methods of Regulation 5.6, separated by commas: "+strings.Join(methodNames(), ", "))
	fl.StringVar(&planItem, "plan-item", "", "the item of this year's council-approved plan it carries out (4.3, 5.1)")
	fl.StringVar(&outside, "outside-plan", "", "periodic monitoring outside the plan (5.2): the reason")
	fl.Int64Var(&notice, "notice", 0, "the notice to stakeholders it follows (from `bmjbt notice list`)")
	fl.StringVar(&without, "without-notice", "", "why there was no notice, or it came after the period started (printed in the act)")
	fl.StringArrayVar(&experts, "expert", nil, "an invited expert (4.2), who does not sign: \"Name, role\" (repeat)")
	fl.StringVar(&lang, "lang", "ky", "the language the act is written and signed in: ky or ru")
	fl.Int64Var(&corrects, "corrects", 0, "the final act this one corrects (its ID)")
	for _, f := range []string{"object", "period", "methods"} {
		cmd.MarkFlagRequired(f)
	}
	return cmd
}

func methodNames() []string {
	out := make([]string, len(monitoring.Methods))
	for i, m := range monitoring.Methods {
		out[i] = string(m)
	}
	return out
}

func actID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("act ID %q: give the ID `bmjbt act list` shows", s)
	}
	return id, nil
}

// findAct reads an act by its number (3/2026) or its ID.
func findAct(ctx context.Context, db *storage.DB, muni, s string) (monitoring.Act, error) {
	if n, ok := monitoring.ParseActNumber(s); ok {
		return db.ActByNumber(ctx, muni, n)
	}
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return monitoring.Act{}, fmt.Errorf("act %q: give its number (3/2026) or the ID `bmjbt act list` shows", s)
	}
	return db.Act(ctx, muni, id)
}

// editAct applies change to a draft (or an act sent for signature, whose
// signatures it voids) and shows the act.
func (a *app) editAct(cmd *cobra.Command, arg string, change func(*monitoring.Act) error) error {
	id, err := actID(arg)
	if err != nil {
		return err
	}
	db, m, err := a.open(cmd.Context())
	if err != nil {
		return err
	}
	defer db.Close()
	var act monitoring.Act
	var voided bool
	err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
		before, err := tx.Act(cmd.Context(), m.Code, id)
		if err != nil {
			return err
		}
		act, err = tx.EditAct(cmd.Context(), m.Code, id, "operator", change)
		voided = act.Voided > before.Voided
		return err
	})
	if err != nil {
		return err
	}
	if voided {
		a.say("cli.act_voided", map[string]any{"ID": act.ID, "Round": act.Round})
	}
	return a.showAct(act, m)
}

func (a *app) actFindingCmd() *cobra.Command {
	return &cobra.Command{
		Use:   `finding ID "text"`,
		Short: "Add a numbered finding on the quality and accessibility of the service (7.2)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.editAct(cmd, args[0], func(act *monitoring.Act) error { return act.AddFinding(args[1]) })
		},
	}
}

func (a *app) actRecommendCmd() *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   `recommend ID --to "addressee" "text"`,
		Short: "Add a numbered recommendation with its addressee (7.2, 7.6)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.editAct(cmd, args[0], func(act *monitoring.Act) error { return act.AddRecommendation(to, args[1]) })
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "whom it is addressed to: the ayil okmotu, the council, a provider…")
	cmd.MarkFlagRequired("to")
	return cmd
}

func (a *app) actEvidenceCmd() *cobra.Command {
	var entry, survey, request string
	var reverified bool
	cmd := &cobra.Command{
		Use:   "evidence ID --entry 2026-0042 | --survey 3 | --request 5 [--reverified]",
		Short: "Link a journal entry, a survey or an information request as evidence (linked, not copied); --reverified: checked again (4.3)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var kind monitoring.EvidenceKind
			var ref string
			n := 0
			for _, f := range []struct {
				v string
				k monitoring.EvidenceKind
			}{{entry, monitoring.EvidenceEntry}, {survey, monitoring.EvidenceSurvey}, {request, monitoring.EvidenceRequest}} {
				if f.v != "" {
					kind, ref, n = f.k, f.v, n+1
				}
			}
			if n != 1 {
				return fmt.Errorf("give one of --entry, --survey or --request")
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			var ev monitoring.Evidence
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) (err error) {
				ev, err = tx.EvidenceTarget(cmd.Context(), m.Code, kind, ref)
				return err
			})
			db.Close()
			if err != nil {
				return err
			}
			ev.Reverified = reverified
			return a.editAct(cmd, args[0], func(act *monitoring.Act) error { act.AddEvidence(ev); return nil })
		},
	}
	cmd.Flags().StringVar(&entry, "entry", "", "a journal entry's number")
	cmd.Flags().StringVar(&survey, "survey", "", "a survey's ID")
	cmd.Flags().StringVar(&request, "request", "", "an information request's ID or number")
	cmd.Flags().BoolVar(&reverified, "reverified", false, "the information was checked again before it went into the act (4.3)")
	return cmd
}

func (a *app) actSourceCmd() *cobra.Command {
	var title, from, received string
	var request int64
	cmd := &cobra.Command{
		Use:   `source ID --title "…" --from "…" --received 2026-10-12 [--request N]`,
		Short: "Cite a document received (6.2): its title, who gave it, when, the request it answered; the act never carries the file",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			day, ok := monitoring.ParseDay(received)
			if !ok {
				return fmt.Errorf("--received %q: write the day as 2026-10-12", received)
			}
			return a.editAct(cmd, args[0], func(act *monitoring.Act) error {
				return act.AddSource(monitoring.Source{Title: title, From: from, Received: day, RequestID: request})
			})
		},
	}
	cmd.Flags().StringVar(&title, "title", "", "the document's title")
	cmd.Flags().StringVar(&from, "from", "", "who gave it")
	cmd.Flags().StringVar(&received, "received", "", "the day it was received")
	cmd.Flags().Int64Var(&request, "request", 0, "the information request it answered (its ID)")
	for _, f := range []string{"title", "from", "received"} {
		cmd.MarkFlagRequired(f)
	}
	return cmd
}

func (a *app) actSendCmd() *cobra.Command {
	var by int64
	var days int
	cmd := &cobra.Command{
		Use:   "send ID [--by MEMBER] [--days 7]",
		Short: "Send the draft for signature: the chair, or the deputy during the chair's recorded absence (3.6); the signers are computed (7.2, 6.3)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := actID(args[0])
			if err != nil {
				return err
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			if by == 0 {
				p, err := a.presiding(cmd.Context(), db, m, db.Now())
				if err != nil {
					return err
				}
				if p.MemberID == 0 {
					return monitoring.Errorf(monitoring.ECONFLICT, "the group has no chair, nor a deputy within a recorded absence of the chair (Regulation 3.6): give --by")
				}
				by = p.MemberID
			}
			var act monitoring.Act
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				sender, err := memberByID(cmd.Context(), tx, m.Code, by)
				if err != nil {
					return err
				}
				act, err = tx.SendAct(cmd.Context(), m, id, sender, days, "operator")
				return err
			})
			if err != nil {
				return err
			}
			a.say("cli.act_sent", map[string]any{"ID": act.ID, "Count": len(act.Waiting()), "By": act.SignBy.In(monitoring.Bishkek).Format("2006-01-02 15:04")})
			return a.showAct(act, m)
		},
	}
	cmd.Flags().Int64Var(&by, "by", 0, "the member who sends it (default: the chair, or the deputy within a recorded absence)")
	cmd.Flags().IntVar(&days, "days", monitoring.DefaultSigningDays, "the signing period in days (the group's practice)")
	return cmd
}

func (a *app) actSignCmd() *cobra.Command {
	var member int64
	var opinion, refuse string
	cmd := &cobra.Command{
		Use:   `sign ID --member M [--opinion "…" | --refuse "reason"]`,
		Short: "Record a member's signature given on paper: plain, with a special opinion (the group's practice), or a refusal with a reason",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := actID(args[0])
			if err != nil {
				return err
			}
			ans := monitoring.ActAnswer{Kind: monitoring.AnswerSign, Channel: monitoring.SignedOnPaper}
			switch {
			case opinion != "" && refuse != "":
				return fmt.Errorf("give --opinion or --refuse, not both")
			case opinion != "":
				ans.Kind, ans.Text = monitoring.AnswerOpinion, opinion
			case refuse != "":
				ans.Kind, ans.Text = monitoring.AnswerRefuse, refuse
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			var act monitoring.Act
			var members []monitoring.Member
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				if act, err = tx.SignAct(cmd.Context(), m.Code, id, member, ans, "operator"); err != nil {
					return err
				}
				members, err = tx.Members(cmd.Context(), m.Code, false)
				return err
			})
			if err != nil {
				return err
			}
			name := ""
			for _, s := range act.Signers {
				if s.MemberID == member {
					name = s.Name
				}
			}
			a.say("cli.act_answered", map[string]any{"ID": act.ID, "Name": name, "Kind": string(ans.Kind)})
			if act.State == monitoring.ActFinal {
				a.say("cli.act_final", map[string]any{"ID": act.ID, "Number": act.Number.String()})
			} else if err := act.CheckFinal(members, db.Now()); err != nil {
				a.say("cli.act_not_final", map[string]any{"Why": strings.TrimPrefix(err.Error(), monitoring.ECONFLICT+": ")})
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&member, "member", 0, "the member who signed (from `member list`)")
	cmd.Flags().StringVar(&opinion, "opinion", "", "signed with a special opinion, printed beside the name")
	cmd.Flags().StringVar(&refuse, "refuse", "", "refused to sign, for this reason")
	cmd.MarkFlagRequired("member")
	return cmd
}

func (a *app) actFinalizeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "finalize ID",
		Short: "Make an act final once every signer has signed, when the last signature came while the group was outside 5–11 members (3.4)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := actID(args[0])
			if err != nil {
				return err
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			var act monitoring.Act
			if err := db.InTx(cmd.Context(), func(tx *storage.Tx) (err error) {
				act, err = tx.FinalizeAct(cmd.Context(), m.Code, id, "operator")
				return err
			}); err != nil {
				return err
			}
			a.say("cli.act_final", map[string]any{"ID": act.ID, "Number": act.Number.String()})
			return nil
		},
	}
}

func (a *app) actWithdrawCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "withdraw ID",
		Short: "Withdraw a draft or an act sent for signature: it is never numbered",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := actID(args[0])
			if err != nil {
				return err
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				_, err := tx.WithdrawAct(cmd.Context(), m.Code, id, "operator")
				return err
			}); err != nil {
				return err
			}
			a.say("cli.act_withdrawn", map[string]any{"ID": id})
			return nil
		},
	}
}

func (a *app) actListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the acts: number, state, object, period, signatures",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := db.Acts(cmd.Context(), m.Code)
			if err != nil {
				return err
			}
			if len(list) == 0 {
				a.say("cli.acts_none", nil)
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, a.text("cli.acts_header"))
			for _, act := range list {
				number := ""
				if !act.Number.IsZero() {
					number = act.Number.String()
				}
				signed, asked := 0, 0
				for _, s := range act.Signers {
					if s.Asked() {
						asked++
						if s.Answer != nil && s.Answer.Counts() {
							signed++
						}
					}
				}
				undelivered := ""
				if act.State == monitoring.ActFinal {
					undelivered = strconv.Itoa(len(act.Undelivered()))
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s..%s\t%d/%d\t%s\n", act.ID, number, act.State, act.Object,
					monitoring.Day(act.From), monitoring.Day(act.To), signed, asked, undelivered)
			}
			return tw.Flush()
		},
	}
}

func (a *app) actShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show N",
		Short: "Show an act, by its number (3/2026) or ID: its text, signers and answers, deliveries, recommendations",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			act, err := findAct(cmd.Context(), db, m.Code, args[0])
			if err != nil {
				return err
			}
			return a.showAct(act, m)
		},
	}
}

// showAct prints an act for the operator, in English around the text as
// the chair wrote it.
func (a *app) showAct(act monitoring.Act, m *monitoring.Municipality) error {
	w := a.stdout
	head := fmt.Sprintf("Act %d", act.ID)
	if !act.Number.IsZero() {
		head += ", № " + act.Number.String()
	}
	fmt.Fprintf(w, "%s: %s (%s)\n", head, act.State, act.Lang)
	object := m.ObjectName(act.Object, monitoring.English)
	fmt.Fprintf(w, "  object: %s %s\n", act.Object, object)
	if act.PlanItem != "" {
		fmt.Fprintf(w, "  plan item: %s\n", act.PlanItem)
	} else {
		fmt.Fprintf(w, "  outside the plan (5.2): %s\n", act.OutsidePlan)
	}
	fmt.Fprintf(w, "  period: %s..%s; methods (5.6): %s\n", monitoring.Day(act.From), monitoring.Day(act.To), strings.Join(methodList(act.Methods), ", "))
	if act.NoticeID != 0 {
		fmt.Fprintf(w, "  notice: %d\n", act.NoticeID)
	}
	if act.NoticeWaiver != "" {
		fmt.Fprintf(w, "  notice (5.2): %s\n", act.NoticeWaiver)
	}
	for _, e := range act.Experts {
		fmt.Fprintf(w, "  expert (4.2, does not sign): %s, %s\n", e.Name, e.Role)
	}
	for _, e := range act.Evidence {
		re := "not re-verified"
		if e.Reverified {
			re = "re-verified (4.3)"
		}
		fmt.Fprintf(w, "  evidence: %s %s, %s\n", e.Kind, e.Label, re)
	}
	for _, s := range act.Sources {
		line := fmt.Sprintf("  source (6.2): %s, from %s, received %s", s.Title, s.From, monitoring.Day(s.Received))
		if s.Request != "" {
			line += ", request " + s.Request
		}
		fmt.Fprintln(w, line)
	}
	for i, f := range act.Findings {
		fmt.Fprintf(w, "  finding %d: %s\n", i+1, f)
	}
	for i, r := range act.Recommendations {
		line := fmt.Sprintf("  recommendation %d to %s: %s", i+1, r.Addressee, r.Text)
		if act.State == monitoring.ActFinal {
			line += " [" + string(r.Status(act.Deliveries))
			if c := r.Considered; c != nil {
				line += fmt.Sprintf(" by %s on %s, %s", c.By, monitoring.Day(c.On), c.Ref)
			}
			if d := r.Declined; d != nil {
				line += fmt.Sprintf(" on %s: %s", monitoring.Day(d.On), d.Reason)
			}
			if f := r.CarriedOut; f != nil {
				line += fmt.Sprintf("; carried out %s %s", monitoring.Day(f.On), f.Note)
			}
			line += "]"
		}
		fmt.Fprintln(w, line)
	}
	if p := act.Presiding; p != nil {
		as := "chair"
		if p.Acting {
			as = "acting chair (3.6)"
		}
		fmt.Fprintf(w, "  presiding: %s, %s; sign by %s, round %d\n", p.Name, as, act.SignBy.In(monitoring.Bishkek).Format("2006-01-02 15:04"), act.Round)
	}
	for _, s := range act.Signers {
		line := fmt.Sprintf("  %d %s (%s): ", s.MemberID, s.Name, s.Role)
		switch {
		case s.Status == monitoring.SignerRecused:
			line += "recused (6.3)"
		case s.Status == monitoring.SignerAbsent:
			line += "absent (3.6)"
		case s.Dropped != nil:
			line += "removed from the group on " + monitoring.Day(*s.Dropped) + " (3.4), not asked"
		case s.Answer == nil:
			line += "not signed yet"
		case s.Answer.Kind == monitoring.AnswerSign:
			line += fmt.Sprintf("signed %s (%s)", s.Answer.At.In(monitoring.Bishkek).Format("2006-01-02 15:04"), s.Answer.Channel)
		case s.Answer.Kind == monitoring.AnswerOpinion:
			line += fmt.Sprintf("signed %s (%s) with a special opinion (the group's practice): %s", s.Answer.At.In(monitoring.Bishkek).Format("2006-01-02 15:04"), s.Answer.Channel, s.Answer.Text)
		default:
			line += "refused: " + s.Answer.Text
		}
		fmt.Fprintln(w, line)
	}
	if act.Voided > 0 {
		fmt.Fprintf(w, "  signatures voided by edits: %d\n", act.Voided)
	}
	fmt.Fprintf(w, "  text hash (SHA-256): %s\n", act.Hash)
	for _, d := range act.Deliveries {
		fmt.Fprintf(w, "  delivered to %s on %s, %s, by %s\n", d.Addressee, monitoring.Day(d.On), d.How, d.By)
	}
	if act.State == monitoring.ActFinal {
		if u := act.Undelivered(); len(u) > 0 {
			fmt.Fprintf(w, "  not delivered yet (7.1): %s\n", strings.Join(u, "; "))
		}
	}
	for _, c := range act.Comments {
		fmt.Fprintf(w, "  %s (8.11) from %s on %s: %s\n", c.Kind, c.From, monitoring.Day(c.On), c.Text)
	}
	return nil
}

func methodList(ms []monitoring.Method) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

// finalAct runs fn on a final act found by number or ID, inside a
// transaction, and shows the result.
func (a *app) finalAct(cmd *cobra.Command, ref string, fn func(ctx context.Context, tx *storage.Tx, muni string, id int64) (monitoring.Act, error)) error {
	db, m, err := a.open(cmd.Context())
	if err != nil {
		return err
	}
	defer db.Close()
	act, err := findAct(cmd.Context(), db, m.Code, ref)
	if err != nil {
		return err
	}
	err = db.InTx(cmd.Context(), func(tx *storage.Tx) (err error) {
		act, err = fn(cmd.Context(), tx, m.Code, act.ID)
		return err
	})
	if err != nil {
		return err
	}
	return a.showAct(act, m)
}

func dayFlag(flag, s string) (time.Time, error) {
	d, ok := monitoring.ParseDay(s)
	if !ok {
		return time.Time{}, fmt.Errorf("--%s %q: write the day as 2026-11-20", flag, s)
	}
	return d, nil
}

func (a *app) actDeliverCmd() *cobra.Command {
	var to, how, by, on string
	cmd := &cobra.Command{
		Use:   `deliver N --to "addressee" --how "by hand | letter, incoming № … | messenger" --by "who" [--on 2026-11-10]`,
		Short: "Record the final act delivered to one addressee: the ayil okmotu head (head), the council (council), a recommendation's addressee (7.1)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.finalAct(cmd, args[0], func(ctx context.Context, tx *storage.Tx, muni string, id int64) (monitoring.Act, error) {
				day := tx.Now()
				if on != "" {
					d, err := dayFlag("on", on)
					if err != nil {
						return monitoring.Act{}, err
					}
					day = d
				}
				return tx.DeliverAct(ctx, muni, id, monitoring.ActDelivery{Addressee: to, On: day, How: how, By: by}, "operator")
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the addressee: head, council, or a recommendation's addressee")
	cmd.Flags().StringVar(&how, "how", "", "how: by hand, a letter with its incoming number, a messenger")
	cmd.Flags().StringVar(&by, "by", "", "who delivered it")
	cmd.Flags().StringVar(&on, "on", "", "the day (default today)")
	for _, f := range []string{"to", "how", "by"} {
		cmd.MarkFlagRequired(f)
	}
	return cmd
}

// recFlags are a recommendation's number and the day, shared by the
// commands recording what the addressee did with it.
func recCmd(a *app, use, short string, extra func(*cobra.Command), change func(day time.Time) func(*monitoring.Recommendation) error) *cobra.Command {
	var rec int
	var date string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := dayFlag("date", date)
			if err != nil {
				return err
			}
			return a.finalAct(cmd, args[0], func(ctx context.Context, tx *storage.Tx, muni string, id int64) (monitoring.Act, error) {
				return tx.RecordRecommendation(ctx, muni, id, rec, "operator", change(d))
			})
		},
	}
	cmd.Flags().IntVar(&rec, "rec", 0, "the recommendation's number in the act")
	cmd.Flags().StringVar(&date, "date", "", "the day")
	cmd.MarkFlagRequired("rec")
	cmd.MarkFlagRequired("date")
	extra(cmd)
	return cmd
}

func (a *app) actConsiderCmd() *cobra.Command {
	var by, ref string
	return recCmd(a, `consider N --rec K --by "who" --date 2026-11-20 --ref "decision, order or letter №"`,
		"Record that the addressee considered a recommendation (7.6): who, when, and the paper that shows it",
		func(cmd *cobra.Command) {
			cmd.Flags().StringVar(&by, "by", "", "who considered it: the council, the ayil okmotu, the provider")
			cmd.Flags().StringVar(&ref, "ref", "", "a council decision, an order or a letter number")
		},
		func(d time.Time) func(*monitoring.Recommendation) error {
			return func(r *monitoring.Recommendation) error {
				return r.Consider(monitoring.Consideration{By: by, On: d, Ref: ref})
			}
		})
}

func (a *app) actDeclineCmd() *cobra.Command {
	var reason string
	return recCmd(a, `decline N --rec K --date 2026-11-20 --reason "…"`,
		"Record that the addressee declined a recommendation, with its reason",
		func(cmd *cobra.Command) { cmd.Flags().StringVar(&reason, "reason", "", "the addressee's reason") },
		func(d time.Time) func(*monitoring.Recommendation) error {
			return func(r *monitoring.Recommendation) error {
				return r.Decline(monitoring.Declination{Reason: reason, On: d})
			}
		})
}

func (a *app) actCarriedOutCmd() *cobra.Command {
	var note string
	return recCmd(a, `carried-out N --rec K --date 2026-12-01 [--note "…"]`,
		"Record that a recommendation was carried out (voluntary, 7.6)",
		func(cmd *cobra.Command) { cmd.Flags().StringVar(&note, "note", "", "what was done") },
		func(d time.Time) func(*monitoring.Recommendation) error {
			return func(r *monitoring.Recommendation) error { return r.CarryOut(monitoring.Fulfilment{On: d, Note: note}) }
		})
}

func (a *app) actCommentCmd() *cobra.Command {
	var kind, from, text, date string
	cmd := &cobra.Command{
		Use:   `comment N --kind comment|objection|discussion --from "…" --text "…" --date 2026-11-15`,
		Short: "Record a provider's comment or objection, or the outcome of a discussion with stakeholders (8.11), beside the act without changing it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := dayFlag("date", date)
			if err != nil {
				return err
			}
			return a.finalAct(cmd, args[0], func(ctx context.Context, tx *storage.Tx, muni string, id int64) (monitoring.Act, error) {
				return tx.CommentAct(ctx, muni, id, monitoring.ActComment{Kind: monitoring.CommentKind(kind), From: from, Text: text, On: d}, "operator")
			})
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "comment", "comment, objection, or discussion (its outcome)")
	cmd.Flags().StringVar(&from, "from", "", "who gave it")
	cmd.Flags().StringVar(&text, "text", "", "what it says")
	cmd.Flags().StringVar(&date, "date", "", "the day it was received")
	return cmd
}
