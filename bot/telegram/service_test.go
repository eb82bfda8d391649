package telegram_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"bmjbt/server"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestWebhookChecksTheSecretAndStoresBeforeAnswering(t *testing.T) {
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
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fake := newFake(t)
		us := residents(fake, 20, 1600)
		s := newStack(t, db, fake, defaultOpts(), fast).start()
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
