// Command bmjbt runs the bot of a municipality's Joint Monitoring and
// Evaluation Group (БМжБТ) and the tools around it: one binary, SQLite by
// default, PostgreSQL when DATABASE_URL says so.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"bmjbt/catalog"
	"bmjbt/config"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// app is what every command shares: the environment, the streams and the
// flags common to all.
type app struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	configPath string
	env        config.Env
	log        *slog.Logger
	file       *config.File // the municipality file, once open has read it
}

// run is main without the process: tests call it with their own streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "bmjbt",
		Short: "Complaints journal and monitoring bot of a municipality's БМжБТ (Telegram, console)",
		Long: "bmjbt lets residents report problems with public services over Telegram (or the console)\n" +
			"and keeps the group's complaints journal. Configuration comes from the environment:\n\n" + envHelp(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			env, err := config.FromEnv(getenv)
			if err != nil {
				return err
			}
			a.env = env
			if a.configPath == "" {
				a.configPath = env.Config
			}
			a.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: env.LogLevel}))
			return nil
		},
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&a.configPath, "config", "", "municipality file (YAML); default $BMJBT_CONFIG, else the built-in D. Sadyrbaev example")
	root.AddCommand(a.serveCmd(), a.chatCmd(), a.migrateCmd(), a.journalCmd(), a.memberCmd(), a.requestCmd(), a.whatsappCmd(), a.statusCmd(), a.inboxCmd(), a.surveyCmd(), a.groupCmd(), a.meetingCmd(), a.noticeCmd(), a.actCmd())
	if err := root.ExecuteContext(ctx); err != nil {
		var merr *monitoring.Error
		if errors.As(err, &merr) {
			err = errors.New(merr.Message) // already a sentence for the operator
		}
		fmt.Fprintf(stderr, "bmjbt: %v\n", err)
		return 1
	}
	return 0
}

func envHelp() string {
	s := ""
	for _, o := range config.Options {
		def := ""
		if o.Default != "" {
			def = " (default " + o.Default + ")"
		}
		s += fmt.Sprintf("  %-20s %s%s\n", o.Name, o.Help, def)
	}
	return s
}

// say prints an operator message from the English catalogue.
func (a *app) say(id string, args map[string]any) {
	fmt.Fprintln(a.stdout, catalog.Default().T(monitoring.English, id, args))
}

// open connects to the database, brings its schema up to date and records
// the municipality (and its group chat, when the config names one).
func (a *app) open(ctx context.Context) (*storage.DB, *monitoring.Municipality, error) {
	f, err := config.Load(a.configPath)
	if err != nil {
		return nil, nil, err
	}
	a.file = f
	m := f.Municipality()
	db, err := storage.Open(ctx, a.env.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	if err := db.EnsureMunicipality(ctx, m); err != nil {
		db.Close()
		return nil, nil, err
	}
	if id := f.Telegram.GroupChatID; id != 0 {
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			return tx.BindGroupIfNone(ctx, m.Code, string(monitoring.Telegram), fmt.Sprint(id))
		})
		if err != nil {
			db.Close()
			return nil, nil, err
		}
	}
	return db, m, nil
}
