package main

import (
	"github.com/spf13/cobra"
)

func (a *app) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Bring the database schema up to date (serve does this at start too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, _, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			current, latest, err := db.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			a.say("cli.migrated", map[string]any{"Dialect": db.Dialect, "Current": current, "Latest": latest})
			return nil
		},
	}
}
