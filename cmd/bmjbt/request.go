package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

func (a *app) requestCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "request", Short: "Requests for information (Regulation 4.2, 6.1)"}
	var overdue, open bool
	list := &cobra.Command{
		Use:   "list [--open] [--overdue]",
		Short: "List requests with their ten-day deadlines",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			var at time.Time
			if overdue {
				at = db.Now()
			}
			reqs, err := db.Requests(cmd.Context(), m.Code, open, at)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			cat := catalog.Default()
			fmt.Fprintln(tw, cat.T(monitoring.English, "cli.requests_header", nil))
			now := db.Now()
			for _, r := range reqs {
				state := cat.T(monitoring.English, "cli.request_open", nil)
				switch {
				case r.AnsweredAt != nil:
					state = cat.T(monitoring.English, "cli.request_answered", map[string]any{"Date": r.AnsweredAt.In(monitoring.Bishkek).Format("2006-01-02"), "Files": r.Files})
				case r.Overdue(now):
					state = cat.T(monitoring.English, "cli.request_overdue", nil)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", monitoring.RequestNumber(r.Number), oneLine(r.Addressee, 30),
					r.CreatedAt.In(monitoring.Bishkek).Format("2006-01-02"), r.Deadline.In(monitoring.Bishkek).Format("2006-01-02"), state, oneLine(r.Question, 50))
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&overdue, "overdue", false, "only unanswered requests past their deadline")
	list.Flags().BoolVar(&open, "open", false, "only unanswered requests")
	cmd.AddCommand(list)
	return cmd
}
