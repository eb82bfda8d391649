package loadtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// campaignRecipients and replyResidents size the campaign run.
const (
	campaignRecipients = 10000
	replyResidents     = 25
)

type campaignResult struct {
	dialect               string
	recipients, residents int
	p50ms, maxms          float64
	bulkPerSec            float64 // campaign messages delivered a second while residents wrote
	refused               int     // messages the fake's 30/s refused
}

var campaignResults []campaignResult

// BenchmarkReplyDuringCampaign queues a campaign to 10,000 recipients,
// starts `bmjbt serve` against the Bot API fake holding it to Telegram's 30
// messages a second, and, while the campaign drains, has residents write
// one after another: the time from a resident's message to the bot's reply
// reaching the fake is reported (p50 and max). Without interactive replies
// going first a reply would wait behind the campaign: minutes.
func BenchmarkReplyDuringCampaign(b *testing.B) {
	for _, dialect := range storagetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			bin := build(b)
			for range b.N {
				r := campaignOnce(b, bin, dialect)
				b.ReportMetric(r.p50ms, "reply-p50-ms")
				b.ReportMetric(r.maxms, "reply-max-ms")
				b.ReportMetric(r.bulkPerSec, "campaign-msgs/s")
				resultsMu.Lock()
				campaignResults = append(campaignResults, r)
				resultsMu.Unlock()
			}
		})
	}
}

func campaignOnce(b *testing.B, bin, dialect string) campaignResult {
	dbURL := storagetest.URL(b, dialect)
	fake := telegramtest.New(b)
	fake.Limit(30)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "TELEGRAM_BOT_TOKEN="+telegramtest.Token,
		"TELEGRAM_API_URL="+fake.URL, "HTTP_ADDR=127.0.0.1:0", "LOG_LEVEL=error")
	cmd.Stderr = os.Stderr
	serveAddr(b, cmd)
	migrate := exec.Command(bin, "migrate")
	migrate.Env = cmd.Env
	if out, err := migrate.CombinedOutput(); err != nil {
		b.Fatalf("migrate: %v\n%s", err, out)
	}
	db, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.EnsureMunicipality(context.Background(), storagetest.Municipality(b)); err != nil {
		b.Fatal(err)
	}
	to := make([]string, campaignRecipients)
	for i := range to {
		to[i] = fmt.Sprint(700000 + i)
	}
	if _, err := db.CreateCampaign(context.Background(), "sadyrbaev", "telegram", "survey", to,
		[]byte(`{"lang":"ky","text":"Сурамжылоо: суу менен камсыз кылуу кызматына баа бериңиз."}`)); err != nil {
		b.Fatal(err)
	}

	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	bulk := func() int { // campaign messages delivered so far
		n := 0
		for _, m := range fake.AllMessages() {
			if m.ChatID >= 700000 && m.ChatID < 700000+campaignRecipients {
				n++
			}
		}
		return n
	}
	fake.WaitUntil(b, "the campaign under way", func() bool { return bulk() >= 100 })

	// Residents write one after another while the campaign drains; each
	// waits for the bot's reply. Waiting polls the fake: it measures, it
	// does not assert a timing.
	var waits []time.Duration
	before, start := bulk(), time.Now()
	for i := range replyResidents {
		u := fake.User(int64(800000+i), "ky")
		said := time.Now()
		u.Say("/help")
		m := u.Expect(b, "Мен эмне кыла алам")
		waits = append(waits, m.At.Sub(said))
	}
	during := bulk() - before
	elapsed := time.Since(start)
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		b.Fatalf("serve: %v", err)
	}
	if sent := bulk(); sent >= campaignRecipients {
		b.Fatalf("the campaign finished (%d messages) before the residents were answered: nothing was measured", sent)
	}
	slices.Sort(waits)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return campaignResult{dialect: dialect, recipients: campaignRecipients, residents: replyResidents,
		p50ms: ms(waits[len(waits)/2]), maxms: ms(waits[len(waits)-1]),
		bulkPerSec: float64(during) / elapsed.Seconds(), refused: fake.Refused()}
}
