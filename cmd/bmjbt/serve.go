package main

import (
	"context"
	"fmt"
	"log/slog"
	"os/signal"
	"syscall"
	"time"

	"go.mau.fi/whatsmeow/store"

	"github.com/spf13/cobra"

	"bmjbt/bot/console"
	"bmjbt/bot/telegram"
	"bmjbt/bot/whatsapp"
	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/server"
	"bmjbt/storage"
)

func (a *app) serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, else the console",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context(), false, true)
		},
	}
}

func (a *app) chatCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "chat",
		Short: "Talk to the bot on the console, as a resident would (no token needed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context(), true, false)
		},
	}
}

// noteWhatsApp keeps the linked number in the database, and marks WhatsApp
// as configured but not linked when a number was linked once and the
// device has no keys now.
func (a *app) noteWhatsApp(ctx context.Context, db *storage.DB, muni string, dev *store.Device, opts *server.Options) error {
	was, err := db.WhatsAppNumber(ctx, muni)
	if err != nil {
		return err
	}
	switch {
	case dev.ID != nil && dev.ID.User != was:
		return db.SetWhatsAppNumber(ctx, muni, dev.ID.User)
	case dev.ID == nil && was != "":
		opts.WhatsAppUnlinked = true
		a.log.Warn("whatsapp: the number was linked once and is not now; run `bmjbt whatsapp pair` (or `bmjbt whatsapp logout --forget` to stop using WhatsApp)")
	}
	return nil
}

// serve runs until SIGINT or SIGTERM (or, on the console, the end of input),
// then stops taking updates, finishes what it holds and exits within 10 s.
func (a *app) serve(ctx context.Context, onConsole, withHTTP bool) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	db, m, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	opts := server.Options{HTTPAddr: a.env.HTTPAddr, WebhookURL: a.env.WebhookURL, WebhookSecret: a.env.WebhookSecret,
		Retention: time.Duration(a.env.RetentionDays) * 24 * time.Hour}
	var wa *store.Device
	if !onConsole {
		if wa, err = a.device(ctx, db); err != nil {
			return err
		}
		if err := a.noteWhatsApp(ctx, db, m.Code, wa, &opts); err != nil {
			return err
		}
		if wa.ID == nil {
			wa = nil
		}
		// With no channel at all, the console stands in.
		onConsole = a.env.TelegramToken == "" && wa == nil
	}
	cat := catalog.Default()
	en := monitoring.English
	log := a.log
	if onConsole && !log.Enabled(ctx, slog.LevelInfo-1) {
		// Keep the conversation readable: only problems go to the terminal.
		log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if onConsole {
		opts.WebhookURL = ""
	}
	if !withHTTP {
		opts.HTTPAddr = ""
	}
	if opts.WebhookURL != "" && opts.WebhookSecret == "" {
		opts.WebhookSecret = telegram.DeriveSecret(a.env.TelegramToken)
	}
	srv := server.New(db, m, log, opts)
	if onConsole {
		c := console.New(db, m, a.stdin, a.stdout, log)
		srv.Console = c
		fmt.Fprintln(a.stdout, cat.T(en, "console.hint", nil))
		fmt.Fprintln(a.stdout, cat.T(en, "console.prompt", nil))
		fmt.Fprint(a.stdout, "> ")
		// The end of input ends the chat, after the last answers are out.
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		c.EOF = cancel
	}
	if wa != nil {
		f := a.file
		cli := whatsapp.NewClient(wa, log)
		srv.WhatsApp = whatsapp.New(cli, wa.LIDs, whatsapp.Config{ResidentGroup: m.WhatsAppGroup, Own: wa.ID.ToNonAD(),
			PerMinute: f.WhatsApp.PerMinute, ColdChatEvery: time.Duration(f.WhatsApp.ColdChatSeconds) * time.Second}, db, m, log, srv.Metrics)
		fmt.Fprintln(a.stdout, cat.T(en, "serve.whatsapp", map[string]any{"Number": wa.ID.User}))
	}
	if !onConsole && a.env.TelegramToken != "" {
		srv.Telegram = telegram.New(telegram.Config{Token: a.env.TelegramToken, APIURL: a.env.TelegramAPIURL}, db, m, log, srv.Metrics)
		mode := "long polling"
		if opts.WebhookURL != "" {
			mode = "webhook " + opts.WebhookURL
		}
		if me, err := srv.Telegram.Me(ctx); err != nil {
			log.Warn("telegram: cannot check the token yet; will keep trying", "err", err)
		} else {
			fmt.Fprintln(a.stdout, cat.T(en, "serve.telegram", map[string]any{"Bot": me.UserName, "Mode": mode}))
		}
	}
	if opts.HTTPAddr != "" {
		go func() { // once listening, with the port actually taken
			if addr := srv.Addr(); addr != "" {
				fmt.Fprintln(a.stdout, cat.T(en, "serve.http", map[string]any{"Addr": addr}))
			}
		}()
	}
	if err := srv.Run(ctx); err != nil {
		return err
	}
	if !onConsole {
		fmt.Fprintln(a.stdout, cat.T(en, "serve.stopped", nil))
	}
	return nil
}
