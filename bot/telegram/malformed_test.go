package telegram_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// Issue 12: a malformed update (a message without its chat, a field of the
// wrong type) once panicked in conversion; in long polling the offset was
// never confirmed, so serve died on the same update after every restart.
// Now it is set aside on arrival, shown to the operator and counted, and
// the next resident is answered, by polling and by webhook alike.
func TestAMalformedUpdateIsSetAsideAndTheNextIsAnswered(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"polling", "webhook"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			storagetest.Each(t, func(t *testing.T, db *storage.DB) {
				fake := newFake(t)
				opts := defaultOpts()
				if mode == "webhook" {
					opts.HTTPAddr = freeAddr(t)
					opts.WebhookURL, opts.WebhookSecret = "http://"+opts.HTTPAddr+"/telegram", "s3cret"
				}
				s := newStack(t, db, fake, opts, fast).start()
				from := map[string]any{"id": 1601, "is_bot": false, "first_name": "A", "language_code": "ky"}
				fake.Push(map[string]any{"message": map[string]any{"message_id": 1, "date": 1, "from": from, "text": "Салам"}})
				fake.Push(map[string]any{"edited_message": map[string]any{"message_id": 1, "date": 1, "edit_date": 2, "from": from, "text": "Салам!"}})
				fake.Push(map[string]any{"message": map[string]any{"message_id": 2, "date": 1, "from": from, "chat": "not a chat", "text": "?"}})

				u := fake.User(1601, "ky")
				u.Say("/start")
				u.Expect(t, "Тилди тандаңыз")

				r, err := db.ReportInbox(context.Background(), s.muni.Code, 10)
				if err != nil {
					t.Fatal(err)
				}
				if r.OnArrival != 3 || r.Failed != 0 || len(r.Latest) != 3 {
					t.Fatalf("set aside on arrival %d, failed %d (%+v); want the 3 malformed updates", r.OnArrival, r.Failed, r.Latest)
				}
				for _, a := range r.Latest {
					if !a.OnArrival() || a.Error == "" || strings.Contains(a.Error, "Салам") {
						t.Fatalf("set aside as %+v: want the reason, without what was written", a)
					}
				}
				if err := db.Retry(context.Background(), s.muni.Code, r.Latest[0].ID); err == nil {
					t.Fatal("an update unreadable on arrival was put back in the queue")
				}

				resp, err := http.Get("http://" + s.srv.Addr() + "/metrics")
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := `bmjbt_updates_set_aside_total{channel="telegram",stage="arrival"} 3`; !strings.Contains(string(body), want) {
					t.Fatalf("/metrics lacks %s", want)
				}
				resp, err = http.Get("http://" + s.srv.Addr() + "/healthz")
				if err != nil {
					t.Fatal(err)
				}
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				if !strings.Contains(string(body), `"set_aside": 3`) {
					t.Fatalf("/healthz does not show the updates set aside:\n%s", body)
				}
				if mode == "polling" {
					// Telegram was told: nothing is fetched twice after a restart.
					s.stop()
					if fake.Pending() != 0 {
						t.Fatalf("%d updates left unconfirmed at Telegram", fake.Pending())
					}
				}
			})
		})
	}
}
