package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"bmjbt/bot"
	"bmjbt/monitoring"
	"bmjbt/server"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

func put(t *testing.T, db *storage.DB, ext, chat string, payload []byte) {
	t.Helper()
	if _, err := db.PutInbox(context.Background(), []monitoring.InboxItem{{Municipality: "sadyrbaev", Channel: "telegram", ExternalID: ext, ChatID: chat, Payload: payload}}); err != nil {
		t.Fatal(err)
	}
}

func help(user string) []byte {
	u := bot.Update{Channel: "telegram", ChatID: user, ChatKind: bot.Private, UserID: user, UserLang: "ru", MessageID: "1", Kind: bot.KindText, Text: "/help"}
	return u.Encode()
}

func replies(t *testing.T, db *storage.DB, chat string) []bot.Reply {
	t.Helper()
	var payloads []string
	if err := db.SQL().Select(&payloads, db.SQL().Rebind(`SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id`), chat); err != nil {
		t.Fatal(err)
	}
	out := make([]bot.Reply, len(payloads))
	for i, p := range payloads {
		json.Unmarshal([]byte(p), &out[i])
	}
	return out
}

// A failing update is set aside with an apology and its error kept; the
// updates around it in the same batch are handled as usual.
func TestAFailingUpdateDoesNotBlockItsBatch(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		put(t, db, "m:1", "1", help("1"))
		put(t, db, "m:2", "2", []byte(`{"kind":`))                                                                         // unreadable
		broken := bot.Update{Channel: "telegram", ChatID: "3", ChatKind: bot.Private, UserID: "3", Kind: bot.KindCallback} // no callback inside
		put(t, db, "m:3", "3", broken.Encode())
		put(t, db, "m:4", "4", help("4"))

		e := bot.NewEngine(server.Store(db), storagetest.Municipality(t), slog.New(slog.DiscardHandler))
		n, err := e.Drain(context.Background())
		if err != nil || n != 4 {
			t.Fatalf("drained %d, %v; want 4", n, err)
		}
		for _, chat := range []string{"1", "4"} {
			if r := replies(t, db, chat); len(r) != 1 || !strings.Contains(r[0].Text, "Что я умею") {
				t.Fatalf("chat %s got %+v, want the help text", chat, r)
			}
		}
		if r := replies(t, db, "3"); len(r) != 1 || !strings.Contains(r[0].Text, "Кечиресиз, ката кетти") {
			t.Fatalf("chat 3 got %+v, want an apology (in Kyrgyz: its language is not known)", r)
		}
		var rows []struct {
			ExternalID string `db:"external_id"`
			Error      string `db:"error"`
		}
		db.SQL().Select(&rows, `SELECT external_id, error FROM inbox WHERE handled_at IS NOT NULL ORDER BY id`)
		if len(rows) != 4 || rows[0].Error != "" || !strings.Contains(rows[1].Error, "decode update") || !strings.Contains(rows[2].Error, "panic") || rows[3].Error != "" {
			t.Fatalf("inbox = %+v", rows)
		}
	})
}

// Two engines on one database (a second process, or `bmjbt chat` beside
// `serve`) never handle the same update twice.
func TestTwoEnginesNeverHandleAnUpdateTwice(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		const n = 300
		items := make([]monitoring.InboxItem, n)
		for i := range items {
			user := fmt.Sprint(1000 + i%30)
			items[i] = monitoring.InboxItem{Municipality: "sadyrbaev", Channel: "telegram", ExternalID: fmt.Sprint("m:", i), ChatID: user, Payload: help(user)}
		}
		if _, err := db.PutInbox(context.Background(), items); err != nil {
			t.Fatal(err)
		}
		m := storagetest.Municipality(t)
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i := range counts {
			e := bot.NewEngine(server.Store(db), m, slog.New(slog.DiscardHandler))
			e.Batch = 7
			wg.Go(func() {
				var err error
				if counts[i], err = e.Drain(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		var replies int
		db.SQL().Get(&replies, `SELECT COUNT(*) FROM outbox`)
		if replies != n || counts[0]+counts[1] != n {
			t.Fatalf("%d replies, engines handled %v; want %d in all", replies, counts, n)
		}
	})
}

// When an update fails on its own, the updates of the same conversation
// before and after it are still handled, in order.
func TestAFailingUpdateKeepsItsConversationGoing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		say := func(ext, text string) {
			u := bot.Update{Channel: "telegram", ChatID: "5", ChatKind: bot.Private, UserID: "5", MessageID: ext, Kind: bot.KindText, Text: text}
			put(t, db, ext, "5", u.Encode())
		}
		say("m:1", "/start")
		broken := bot.Update{Channel: "telegram", ChatID: "5", ChatKind: bot.Private, UserID: "5", Kind: bot.KindCallback}
		put(t, db, "m:2", "5", broken.Encode())
		say("m:3", "2") // Русский
		e := bot.NewEngine(server.Store(db), storagetest.Municipality(t), slog.New(slog.DiscardHandler))
		if _, err := e.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := replies(t, db, "5")
		var texts []string
		for _, x := range r {
			texts = append(texts, x.Text)
		}
		all := strings.Join(texts, "\n---\n")
		iLang, iSorry, iVillage := strings.Index(all, "Выберите язык"), strings.Index(all, "Кечиресиз, ката кетти"), strings.Index(all, "В каком селе")
		if iLang < 0 || iSorry < iLang || iVillage < iSorry {
			t.Fatalf("replies out of order or missing:\n%s", all)
		}
	})
}
