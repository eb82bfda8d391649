package loadtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

type launchResult struct {
	dialect          string
	subscribers      int
	seconds          float64
	perSec           float64 // invitations delivered a second, first to last
	lost, doubled    int
	p50ms, maxms     float64 // residents' replies while the launch drains
	refused, failed5 int     // 429s from the pace, 5xx answered by the fake
}

var launchResults []launchResult

// launchSize is how many subscribers the launch reaches (BENCH_LAUNCH,
// default 10,000: at Telegram's 30 messages a second, about 6 minutes).
func launchSize() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_LAUNCH")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// BenchmarkSurveyLaunch (issue 8) imports and opens a survey with the real
// binary, launches it to every subscriber, and runs `bmjbt serve` against
// the Bot API fake holding it to 30 messages a second (429 beyond) and
// failing every 150th sendMessage with a 502. It waits until every
// subscriber has the invitation and reports the delivered rate, how many
// got none or two, and, while the launch drains, how long residents wait
// for a reply.
func BenchmarkSurveyLaunch(b *testing.B) {
	for _, dialect := range storagetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			bin := build(b)
			for range b.N {
				r := launchOnce(b, bin, dialect, launchSize())
				b.ReportMetric(r.perSec, "invitations/s")
				b.ReportMetric(float64(r.lost), "lost")
				b.ReportMetric(float64(r.doubled), "doubled")
				b.ReportMetric(r.maxms, "reply-max-ms")
				resultsMu.Lock()
				launchResults = append(launchResults, r)
				resultsMu.Unlock()
			}
		})
	}
}

func launchOnce(b *testing.B, bin, dialect string, n int) launchResult {
	ctx := context.Background()
	dbURL := storagetest.URL(b, dialect)
	fake := telegramtest.New(b)
	env := append(os.Environ(), "DATABASE_URL="+dbURL, "TELEGRAM_BOT_TOKEN="+telegramtest.Token,
		"TELEGRAM_API_URL="+fake.URL, "HTTP_ADDR=127.0.0.1:0", "LOG_LEVEL=error")
	cli := func(args ...string) string {
		c := exec.Command(bin, args...)
		c.Env = env
		out, err := c.CombinedOutput()
		if err != nil {
			b.Fatalf("bmjbt %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	cli("migrate")
	form := filepath.Join(b.TempDir(), "form.yaml")
	cli("survey", "template", "--yaml", "--out", form)
	cli("survey", "import", form)
	cli("survey", "open", "1")

	// n residents who agreed to surveys, in both languages.
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	m := storagetest.Municipality(b)
	const first = 900000
	for start := 0; start < n; start += 1000 {
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for i := start; i < min(start+1000, n); i++ {
				id := strconv.Itoa(first + i)
				r, err := tx.Resident(ctx, m.Code, monitoring.Telegram, id, id)
				if err != nil {
					return err
				}
				if i%2 == 1 {
					if err := tx.SetResidentLang(ctx, r.ID, monitoring.Russian); err != nil {
						return err
					}
				}
				if err := tx.SetConsent(ctx, m.Code, monitoring.Consent{ResidentID: r.ID, Given: true, How: "subscribe", Village: "masy"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	db.Close()
	if out := cli("survey", "launch", "1"); !strings.Contains(out, fmt.Sprintf("invited now: %d", n)) {
		b.Fatalf("launch: %s", out)
	}

	fake.Limit(30)
	fake.FailEvery("sendMessage", 150, 502)
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	cmd.Stderr = os.Stderr
	serveAddr(b, cmd)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	invited := func() (got, doubled int, firstAt, lastAt time.Time) {
		per := map[int64]int{}
		for _, msg := range fake.AllMessages() {
			if msg.ChatID >= first && msg.ChatID < first+int64(n) {
				per[msg.ChatID]++
				if firstAt.IsZero() || msg.At.Before(firstAt) {
					firstAt = msg.At
				}
				if msg.At.After(lastAt) {
					lastAt = msg.At
				}
			}
		}
		for _, c := range per {
			if c > 1 {
				doubled++
			}
		}
		return len(per), doubled, firstAt, lastAt
	}
	fake.WaitUntil(b, "the launch under way", func() bool { got, _, _, _ := invited(); return got >= 100 })

	var waits []time.Duration
	for i := range 25 {
		u := fake.User(int64(800000+i), "ky")
		said := time.Now()
		u.Say("/help")
		msg := u.Expect(b, "Мен эмне кыла алам")
		waits = append(waits, msg.At.Sub(said))
	}
	// Every invitation out: at 30 a second, n/30 seconds and some.
	deadline := time.Now().Add(time.Duration(n/30+120) * time.Second)
	for {
		got, _, _, _ := invited()
		if got == n || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second) // a benchmark's progress poll, not a test's wait
	}
	got, doubled, firstAt, lastAt := invited()
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		b.Fatalf("serve: %v", err)
	}
	slices.Sort(waits)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	secs := lastAt.Sub(firstAt).Seconds()
	return launchResult{dialect: dialect, subscribers: n, seconds: secs, perSec: float64(got-1) / secs,
		lost: n - got, doubled: doubled, p50ms: ms(waits[len(waits)/2]), maxms: ms(waits[len(waits)-1]),
		refused: fake.Refused(), failed5: fake.Calls("sendMessage") / 150}
}
