package main

import (
	"github.com/spf13/cobra"

	"bmjbt/monitoring"
	"bmjbt/storage"
)

func (a *app) groupCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "The group as the council decides it (Regulation 9)"}
	cmd.AddCommand(a.groupDissolveCmd())
	return cmd
}

// groupDissolveCmd records the council's decision to dissolve the group
// (9): its surveys close and none opens again; nothing is deleted.
func (a *app) groupDissolveCmd() *cobra.Command {
	var number, date string
	cmd := &cobra.Command{
		Use:   "dissolve --decision N/M --date YYYY-MM-DD",
		Short: "Record the council's decision that dissolved the group: its surveys stop, its records stay",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := monitoring.ParseDecision(number, date)
			if err != nil {
				return err
			}
			db, m, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			err = db.InTx(cmd.Context(), func(tx *storage.Tx) error {
				if err := tx.Dissolve(cmd.Context(), m.Code, d, "operator"); err != nil {
					return err
				}
				return tx.Audit(cmd.Context(), m.Code, "operator", "dissolve", 0, "ok", "decision:"+d.Number)
			})
			if monitoring.ErrorCode(err) == monitoring.ECONFLICT {
				old, rerr := db.Dissolution(cmd.Context(), m.Code)
				if rerr != nil {
					return rerr
				}
				a.say("cli.dissolved_already", map[string]any{"Number": old.Decision.Number, "Date": monitoring.Day(old.Decision.Date)})
				return err
			}
			if err != nil {
				return err
			}
			a.say("cli.dissolved", map[string]any{"Number": d.Number, "Date": monitoring.Day(d.Date)})
			return nil
		},
	}
	cmd.Flags().StringVar(&number, "decision", "", "the council decision's number (e.g. 14/2)")
	cmd.Flags().StringVar(&date, "date", "", "the decision's date (2026-11-20 or 20.11.2026)")
	cmd.MarkFlagRequired("decision")
	cmd.MarkFlagRequired("date")
	return cmd
}
