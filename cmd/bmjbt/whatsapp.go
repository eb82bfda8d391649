package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/skip2/go-qrcode"
	"github.com/spf13/cobra"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types/events"

	"bmjbt/bot/whatsapp"
	"bmjbt/storage"
)

// pairWindow is how long WhatsApp keeps offering QR codes to scan.
const pairWindow = 160 * time.Second

func (a *app) whatsappCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "whatsapp", Short: "Link the group's WhatsApp number (Regulation 5.6), see its state, unlink it"}
	cmd.AddCommand(a.whatsappPairCmd(), a.whatsappStatusCmd(), a.whatsappLogoutCmd())
	return cmd
}

// device opens whatsmeow's store in the journal's database (its own
// whatsmeow_* tables) and returns its one device, paired or not.
func (a *app) device(ctx context.Context, db *storage.DB) (*store.Device, error) {
	c := sqlstore.NewWithDB(db.SQL().DB, db.Dialect, whatsapp.Logger(a.log, "whatsmeow-store"))
	if err := c.Upgrade(ctx); err != nil {
		return nil, fmt.Errorf("prepare the WhatsApp device store: %w", err)
	}
	dev, err := c.GetFirstDevice(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the WhatsApp device: %w", err)
	}
	return dev, nil
}

func (a *app) whatsappPairCmd() *cobra.Command {
	var phone, png string
	cmd := &cobra.Command{
		Use:   "pair [--phone +996…] [--png FILE]",
		Short: "Link the number: scan the QR code in WhatsApp > Linked devices, or enter the pairing code",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, m, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			dev, err := a.device(ctx, db)
			if err != nil {
				return err
			}
			if dev.ID != nil {
				return fmt.Errorf("already linked as +%s; to link another number run `bmjbt whatsapp logout` first", dev.ID.User)
			}
			cli := whatsmeow.NewClient(dev, whatsapp.Logger(a.log, "whatsmeow"))
			ev := pairEvents(cli)
			parent := ctx
			ctx, cancel := context.WithTimeout(ctx, pairWindow+20*time.Second)
			defer cancel()
			if phone != "" {
				err = a.pairWithCode(ctx, cli, phone, ev)
			} else {
				err = a.pairWithQR(ctx, cli, png)
			}
			if parent.Err() != nil {
				err = errors.New("pairing interrupted; run `bmjbt whatsapp pair` again")
			}
			if err != nil {
				cli.Disconnect()
				return err
			}
			// After the pairing WhatsApp reconnects once: wait for it, so the
			// phone finishes setting up the link.
			select {
			case <-ev.connected:
			case <-time.After(30 * time.Second):
			}
			cli.Disconnect()
			if err := db.SetWhatsAppNumber(ctx, m.Code, cli.Store.ID.User); err != nil {
				return err
			}
			a.say("cli.wa_linked", map[string]any{"Number": cli.Store.ID.User})
			return nil
		},
	}
	cmd.Flags().StringVar(&phone, "phone", "", "link with an 8-character code instead of a QR code: the number in international form, e.g. +996555123456")
	cmd.Flags().StringVar(&png, "png", filepath.Join("data", "whatsapp-qr.png"), "also write the QR code to this PNG file (for a remote screen)")
	return cmd
}

var errWindow = errors.New("the pairing window (160 s) ran out before the phone linked; run `bmjbt whatsapp pair` again and scan (or enter the code) sooner")

// pairing collects the events a pairing waits for.
type pairing struct {
	qr, paired, connected chan struct{}
	failed                chan error
}

func pairEvents(cli *whatsmeow.Client) pairing {
	p := pairing{qr: make(chan struct{}, 1), paired: make(chan struct{}, 1), connected: make(chan struct{}, 1), failed: make(chan error, 1)}
	signal := func(c chan struct{}) {
		select {
		case c <- struct{}{}:
		default:
		}
	}
	cli.AddEventHandler(func(evt any) {
		switch e := evt.(type) {
		case *events.QR:
			signal(p.qr)
		case *events.PairSuccess:
			signal(p.paired)
		case *events.Connected:
			signal(p.connected)
		case *events.PairError:
			select {
			case p.failed <- e.Error:
			default:
			}
		}
	})
	return p
}

func (a *app) pairWithQR(ctx context.Context, cli *whatsmeow.Client, png string) error {
	qrs, err := cli.GetQRChannel(ctx)
	if err != nil {
		return fmt.Errorf("ask WhatsApp for a QR code: %w", err)
	}
	if err := cli.Connect(); err != nil {
		return fmt.Errorf("connect to WhatsApp: %w", err)
	}
	for item := range qrs {
		switch item.Event {
		case whatsmeow.QRChannelEventCode:
			q, err := qrcode.New(item.Code, qrcode.Low)
			if err != nil {
				return fmt.Errorf("draw the QR code: %w", err)
			}
			fmt.Fprintln(a.stdout, q.ToSmallString(false))
			if png != "" {
				if err := os.MkdirAll(filepath.Dir(png), 0o750); err == nil {
					if err := q.WriteFile(512, png); err != nil {
						a.log.Warn("cannot write the QR code PNG", "file", png, "err", err)
					}
				}
			}
			a.say("cli.wa_scan", map[string]any{"Every": item.Timeout.Round(time.Second), "File": png})
		case whatsmeow.QRChannelSuccess.Event:
			return nil
		case whatsmeow.QRChannelTimeout.Event:
			return errWindow
		case whatsmeow.QRChannelEventError:
			return fmt.Errorf("pairing failed: %w", item.Error)
		default:
			return fmt.Errorf("pairing ended: %s", item.Event)
		}
	}
	if ctx.Err() != nil {
		return errWindow
	}
	return nil
}

func (a *app) pairWithCode(ctx context.Context, cli *whatsmeow.Client, phone string, ev pairing) error {
	if err := cli.Connect(); err != nil {
		return fmt.Errorf("connect to WhatsApp: %w", err)
	}
	// whatsmeow asks to wait for the first QR event before a pairing code.
	select {
	case <-ev.qr:
	case <-ctx.Done():
		return errWindow
	}
	code, err := cli.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
	if err != nil {
		return fmt.Errorf("ask WhatsApp for a pairing code for %s: %w", phone, err)
	}
	a.say("cli.wa_code", map[string]any{"Code": code})
	select {
	case <-ev.paired:
		return nil
	case err := <-ev.failed:
		return fmt.Errorf("pairing failed: %w", err)
	case <-ctx.Done():
		return errWindow
	}
}

func (a *app) whatsappStatusCmd() *cobra.Command {
	var connect bool
	cmd := &cobra.Command{
		Use:   "status [--connect]",
		Short: "Say whether the number is linked and connected: asks the running serve, or with --connect checks by itself",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			// A running serve knows best, and holds the line: a second
			// connection with the same keys would take it over.
			if h, running := a.askServe(ctx); running {
				a.say("cli.status_running", map[string]any{"Addr": a.env.HTTPAddr, "Status": h.Status})
				if ch, ok := h.Channels["whatsapp"]; ok {
					a.sayChannel("whatsapp", ch)
				} else {
					a.say("cli.wa_serve_without", nil)
				}
				if connect {
					return fmt.Errorf("serve is running at %s and holds WhatsApp's line; its view is above (stop serve to check with --connect)", a.env.HTTPAddr)
				}
				return nil
			}
			db, m, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			dev, err := a.device(ctx, db)
			if err != nil {
				return err
			}
			if dev.ID == nil {
				if was, err := db.WhatsAppNumber(ctx, m.Code); err == nil && was != "" {
					a.say("cli.wa_was_linked", map[string]any{"Number": was})
				} else {
					a.say("cli.wa_not_linked", nil)
				}
				return nil
			}
			a.say("cli.wa_status", map[string]any{"Number": dev.ID.User, "Name": dev.PushName, "Platform": dev.Platform})
			if m.WhatsAppGroup != "" {
				a.say("cli.wa_group", map[string]any{"Group": m.WhatsAppGroup})
			}
			if !connect {
				a.say("cli.wa_live", map[string]any{"Addr": a.env.HTTPAddr})
				return nil
			}
			// The same adapter as serve's: what arrives while it checks is
			// stored for serve, not lost.
			ad := whatsapp.New(whatsapp.NewClient(dev, a.log), dev.LIDs, whatsapp.Config{ResidentGroup: m.WhatsAppGroup}, db, m, a.log, nil)
			h := ad.Check(ctx, 20*time.Second)
			a.sayChannel("whatsapp", h)
			if r, err := db.ReportInbox(ctx, m.Code, 0); err == nil && r.Pending > 0 {
				a.say("cli.wa_check_stored", map[string]any{"Pending": r.Pending})
			}
			if !h.Connected {
				return errors.New("WhatsApp did not accept the link; see above")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&connect, "connect", false, "when serve is not running, connect to check that WhatsApp accepts the link (messages that come meanwhile are stored for serve)")
	return cmd
}

func (a *app) whatsappLogoutCmd() *cobra.Command {
	var forget bool
	cmd := &cobra.Command{
		Use:   "logout [--forget]",
		Short: "Unlink the number and delete its device keys (stop serve first); --forget also stops reporting WhatsApp as not linked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if _, running := a.askServe(ctx); running {
				return fmt.Errorf("serve is running at %s and holds WhatsApp's line: stop it first, then run `bmjbt whatsapp logout` again", a.env.HTTPAddr)
			}
			db, m, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			dev, err := a.device(ctx, db)
			if err != nil {
				return err
			}
			if forget {
				// Until forgotten, serve reports WhatsApp as configured, not linked.
				if err := db.SetWhatsAppNumber(ctx, m.Code, ""); err != nil {
					return err
				}
			}
			if dev.ID == nil {
				a.say("cli.wa_nothing", nil)
				return nil
			}
			cli := whatsmeow.NewClient(dev, whatsapp.Logger(a.log, "whatsmeow"))
			if err := cli.Connect(); err == nil {
				time.Sleep(2 * time.Second)
				if err := cli.Logout(ctx); err == nil {
					a.say("cli.wa_unlinked", nil)
					return nil
				}
				cli.Disconnect()
			}
			// WhatsApp cannot be reached: forget the keys here at least.
			if err := dev.Delete(ctx); err != nil {
				return fmt.Errorf("delete the device keys: %w", err)
			}
			a.say("cli.wa_unlinked_here", nil)
			return nil
		},
	}
	cmd.Flags().BoolVar(&forget, "forget", false, "also forget the number, so serve no longer reports WhatsApp as configured but not linked")
	return cmd
}
