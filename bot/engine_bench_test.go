package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"bmjbt/bot"
	"bmjbt/monitoring"
	"bmjbt/server"
	"bmjbt/storage/storagetest"
)

// afterDrain runs after each timed Drain (a local statement log hooks in here).
var afterDrain = func() {}

// BenchmarkDrain is the engine alone: whole complaints (the loadtest's
// eight updates each) queued in the inbox, then one Drain, without the
// poller, the sender or the Bot API fake. Profile the engine here:
//
//	go test -run '^$' -bench Drain -cpuprofile cpu.prof ./bot/
func BenchmarkDrain(b *testing.B) {
	const residents = 500
	for _, dialect := range storagetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			m := storagetest.Municipality(b)
			var updates, statements int64
			for range b.N {
				b.StopTimer()
				db := storagetest.Open(b, dialect)
				var items []monitoring.InboxItem
				for i := range residents {
					user := fmt.Sprint(100000 + i)
					for j, text := range []string{"/start", "1", "1", "1", fmt.Sprintf("Көйгөй %d: суу жок, үч күн болду", i), "Даяр", "Анонимдүү калуу", "Жөнөтүү"} {
						u := bot.Update{Channel: monitoring.Telegram, ChatID: user, ChatKind: bot.Private, UserID: user, UserLang: "ky",
							MessageID: fmt.Sprint(j + 1), Kind: bot.KindText, Text: text}
						items = append(items, monitoring.InboxItem{Municipality: m.Code, Channel: "telegram", ExternalID: fmt.Sprintf("m:%s:%d", user, j+1), ChatID: user, Payload: u.Encode()})
					}
				}
				// In the order the loadtest's fake gives them: each
				// resident's eight in a row.
				ordered := items
				for len(ordered) > 0 {
					n := min(100, len(ordered))
					if _, err := db.PutInbox(context.Background(), ordered[:n]); err != nil {
						b.Fatal(err)
					}
					ordered = ordered[n:]
				}
				e := bot.NewEngine(server.Store(db), m, slog.New(slog.DiscardHandler))
				before := db.Statements()
				b.StartTimer()
				n, err := e.Drain(context.Background())
				b.StopTimer()
				if err != nil || n != residents*8 {
					b.Fatalf("drained %d, %v; want %d", n, err, residents*8)
				}
				updates += int64(n)
				afterDrain()
				statements += db.Statements() - before
				b.StartTimer()
			}
			b.ReportMetric(float64(updates)/b.Elapsed().Seconds(), "updates/s")
			b.ReportMetric(float64(statements)/float64(updates), "statements/update")
		})
	}
}
