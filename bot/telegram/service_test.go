package telegram_test

import (
	"bmjbt/monitoring"

	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"bmjbt/bot/telegram"
	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/server"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

func freeAddr(t *testing.T) string { return telegramtest.FreeAddr(t) }

func TestWebhookChecksTheSecretAndStoresBeforeAnswering(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		addr := freeAddr(t)
		fake := newFake(t)
		hook := "http://" + addr + "/telegram/hook"
		opts := server.Options{HTTPAddr: addr, WebhookURL: hook, WebhookSecret: "s3cret-token"}
		s := newStack(t, db, fake, opts, fast).start()

		for _, secret := range []string{"", "wrong"} {
			req, _ := http.NewRequest("POST", hook, strings.NewReader(`{"update_id":1,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"from":{"id":5},"text":"forged"}}`))
			if secret != "" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("secret %q: status %d, want 401", secret, resp.StatusCode)
			}
		}

		u := fake.User(1401, "ky")
		scripted(u, "Вебхук аркылуу")
		u.Expect(t, "журналга № "+number(1))
		if n := fake.Calls("getUpdates"); n != 0 {
			t.Fatalf("getUpdates called %d times in webhook mode", n)
		}
		total, _, _ := db.InboxCounts(context.Background(), "sadyrbaev")
		if total != 8 {
			t.Fatalf("inbox holds %d updates, want the resident's 8 and no forged one", total)
		}
		if h := s.srv.Telegram.Health(); !h.Connected || h.Mode != "webhook" {
			t.Fatalf("health = %+v", h)
		}
	})
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	fake := newFake(t)
	s := newStack(t, db, fake, defaultOpts(), fast).start()
	u := fake.User(1501, "ky")
	scripted(u, "Метрика")
	u.Expect(t, "журналга №")
	base := "http://" + s.srv.Addr()

	var h server.Health
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if resp.StatusCode != 200 || h.Status != "ok" || h.Database != "ok" || !h.Channels["telegram"].Connected {
		t.Fatalf("healthz %d: %+v", resp.StatusCode, h)
	}

	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`bmjbt_updates_received_total{channel="telegram"} 8`,
		`bmjbt_updates_handled_total{channel="telegram",result="ok"} 8`,
		`bmjbt_handling_seconds_count{channel="telegram"} 8`,
		`bmjbt_outbox_depth `,
		`bmjbt_replies_sent_total{channel="telegram"}`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// Telegram unreachable: healthz says so.
	fake.Fail("getUpdates", 0, 502, 0, 1000)
	u.Say("/help") // ends the long poll in progress; the next one fails
	fake.WaitUntil(t, "a failed poll", func() bool { return !s.srv.Telegram.Health().Connected })
	resp, err = http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz with Telegram down: %d, want 503", resp.StatusCode)
	}
}

func TestShutdownFinishesWhatIsInHand(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fake := newFake(t)
		us := residents(fake, 20, 1600)
		// The stop's bound is generous here: this test is about finishing
		// what is in hand, which under a loaded machine takes longer than
		// the default 10 s (what the bound leaves waits for the next start).
		opts := defaultOpts()
		opts.ShutdownTimeout = 2 * time.Minute
		s := newStack(t, db, fake, opts, fast).start()
		fake.WaitUntil(t, "every update stored and confirmed", func() bool { return fake.Pending() == 0 })
		s.stop() // SIGTERM: what was stored is handled and answered before Run returns
		for _, u := range us {
			found := false
			for _, m := range u.Received() {
				found = found || strings.Contains(m.Text, "журналга №")
			}
			if !found {
				t.Fatalf("resident %d was not answered before the service stopped", u.ID)
			}
		}
		if _, pending, _ := db.InboxCounts(context.Background(), "sadyrbaev"); pending != 0 {
			t.Fatalf("%d stored updates left unhandled at shutdown", pending)
		}
	})
}

// The bot token is in every Bot API URL; it must not leak into logs,
// /healthz or the database when Telegram cannot be reached.
func TestTheTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	var logs syncBuffer
	m := storagetest.Municipality(t)
	srv := server.New(db, m, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), defaultOpts())
	const token = "987654:SECRET-do-not-show"
	srv.Telegram = telegram.New(telegram.Config{Token: token, APIURL: "http://127.0.0.1:1", Limits: fast}, db, m, srv.Log, srv.Metrics)
	// A reply waiting to go out, so the sender fails too.
	if err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		return tx.Enqueue(context.Background(), monitoring.OutboxItem{Municipality: m.Code, Channel: "telegram", ChatID: "5", Payload: []byte(`{"text":"x"}`)})
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- srv.Run(ctx) }()
	addr := srv.Addr()
	waitFor(t, "a failed poll and a failed send", func() bool {
		var errs int
		db.SQL().Get(&errs, `SELECT COUNT(*) FROM outbox WHERE error <> ''`)
		return srv.Telegram.Health().Error != "" && errs > 0
	})
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cancel()
	<-done
	var stored []string
	db.SQL().Select(&stored, `SELECT error FROM outbox`)
	for where, text := range map[string]string{"/healthz": string(body), "logs": logs.String(), "outbox": strings.Join(stored, "\n")} {
		if strings.Contains(text, "SECRET") {
			t.Errorf("the token leaks into %s: %s", where, text)
		}
		if !strings.Contains(text, "<token>") && where != "logs" {
			t.Errorf("%s does not show the (redacted) failure: %s", where, text)
		}
	}
}
