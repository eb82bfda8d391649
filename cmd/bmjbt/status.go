package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/server"
)

// statusCmd tells the operator what state the service is in: the inbox,
// what was set aside and why, the outbox, and (from a running serve's
// /healthz) the channels' connections.
func (a *app) statusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Say what the service holds: updates waiting or set aside, replies waiting, the channels' connections",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, m, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			r, err := db.ReportInbox(ctx, m.Code, 10)
			if err != nil {
				return err
			}
			depth, err := db.OutboxDepth(ctx, m.Code)
			if err != nil {
				return err
			}
			a.say("cli.status_inbox", map[string]any{"Stored": r.Stored, "Pending": r.Pending, "Outbox": depth})
			if r.OnArrival+r.Failed == 0 {
				a.say("cli.status_none_aside", nil)
			} else {
				a.say("cli.status_aside", map[string]any{"Arrival": r.OnArrival, "Failed": r.Failed})
				for _, s := range r.Latest {
					stage := "cli.status_failed"
					if s.OnArrival() {
						stage = "cli.status_arrival"
					}
					first, _, _ := strings.Cut(s.Error, "\n")
					fmt.Fprintf(a.stdout, "  %d\t%s\t%s\t%s: %s\n", s.ID, s.Channel, s.ReceivedAt.Local().Format("2006-01-02 15:04"), a.text(stage), first)
				}
				if r.Failed > 0 {
					a.say("cli.status_retry", nil)
				}
			}
			if r.Undecryptable > 0 {
				a.say("cli.status_undecryptable", map[string]any{"Count": r.Undecryptable})
			}
			h, running := a.askServe(ctx)
			if !running {
				a.say("cli.status_not_running", map[string]any{"Addr": a.env.HTTPAddr})
				return nil
			}
			a.say("cli.status_running", map[string]any{"Addr": a.env.HTTPAddr, "Status": h.Status})
			for _, name := range []string{"telegram", "whatsapp", "console"} {
				if ch, ok := h.Channels[name]; ok {
					a.sayChannel(name, ch)
				}
			}
			return nil
		},
	}
}

// sayChannel prints one channel's state: connected or not, since when,
// and the last trouble.
func (a *app) sayChannel(name string, ch bot.Health) {
	state := a.text("cli.status_connected")
	if !ch.Connected {
		state = a.text("cli.status_disconnected")
	}
	line := fmt.Sprintf("  %s (%s): %s", name, ch.Mode, state)
	if !ch.Since.IsZero() {
		line += ", " + a.text("cli.status_since") + " " + ch.Since.Local().Format("2006-01-02 15:04:05")
	}
	if ch.Error != "" {
		line += "; " + ch.Error
	}
	fmt.Fprintln(a.stdout, line)
}

// inboxCmd brings back what the engine set aside.
func (a *app) inboxCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "inbox", Short: "Updates stored but set aside as failed (see `bmjbt status`)"}
	cmd.AddCommand(&cobra.Command{
		Use:   "retry ID",
		Short: "Handle a set-aside update again, once its cause is fixed (a newer bmjbt, a repaired database)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not an update number: take one from `bmjbt status`", args[0])
			}
			ctx := cmd.Context()
			db, m, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.Retry(ctx, m.Code, id); err != nil {
				return err
			}
			a.say("cli.inbox_retried", map[string]any{"ID": id})
			return nil
		},
	})
	return cmd
}

// askServe reads a running serve's /healthz at HTTP_ADDR; false when no
// serve answers there.
func (a *app) askServe(ctx context.Context) (server.Health, bool) {
	var h server.Health
	addr := a.env.HTTPAddr
	if addr == "" {
		return h, false
	}
	if host, port, err := net.SplitHostPort(addr); err == nil && (host == "" || host == "0.0.0.0" || host == "::") {
		addr = net.JoinHostPort("127.0.0.1", port) // listening everywhere: ask it here
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		return h, false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return h, false
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Status == "" {
		return h, false // something else listens there
	}
	return h, true
}

// text is an operator word from the English catalogue.
func (a *app) text(id string) string { return catalog.Default().T(monitoring.English, id, nil) }
