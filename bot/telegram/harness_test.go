package telegram_test

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"bmjbt/bot"
	"bmjbt/bot/telegram"
	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/monitoring"
	"bmjbt/server"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// fast lifts Telegram's pace so tests do not wait a second per message;
// tests of the pace itself use telegram.DefaultLimits.
var fast = bot.Limits{Global: rate.Inf, Workers: 16, PerChat: func(string) (rate.Limit, int) { return rate.Inf, 1 }}

// stack is the whole service of one municipality against the fake Bot API.
type stack struct {
	t    *testing.T
	fake *telegramtest.Server
	db   *storage.DB
	muni *monitoring.Municipality
	srv  *server.Server
	stop func()
}

func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// newStack prepares a service on db (not started).
func newStack(t *testing.T, db *storage.DB, fake *telegramtest.Server, opts server.Options, limits bot.Limits) *stack {
	t.Helper()
	m := storagetest.Municipality(t)
	srv := server.New(db, m, testLog(t), opts)
	srv.Telegram = telegram.New(telegram.Config{Token: telegramtest.Token, APIURL: fake.URL, Limits: limits}, db, m, testLog(t), srv.Metrics)
	return &stack{t: t, fake: fake, db: db, muni: m, srv: srv}
}

// start runs the service until the test ends (or stop is called).
func (s *stack) start() *stack {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.srv.Run(ctx) }()
	s.srv.Addr()
	stopped := false
	s.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			s.t.Errorf("server stopped with %v", err)
		}
	}
	s.t.Cleanup(s.stop)
	return s
}

// run starts a fresh fake and service on a fresh database of the dialect.
func run(t *testing.T, db *storage.DB) *stack {
	t.Helper()
	return newStack(t, db, telegramtest.New(t), server.Options{HTTPAddr: "127.0.0.1:0"}, fast).start()
}

// thisYear is the journal year now, in Bishkek.
func thisYear() int { return time.Now().In(monitoring.Bishkek).Year() }

func number(seq int) string { return fmt.Sprintf("%04d-%04d", thisYear(), seq) }

// entries reads the journal.
func (s *stack) entries() []monitoring.Entry {
	s.t.Helper()
	list, err := s.db.Entries(context.Background(), s.muni.Code, monitoring.Filter{})
	if err != nil {
		s.t.Fatal(err)
	}
	return list
}

// scripted is a whole complaint typed without waiting for answers: the
// numbers and labels work the menus as WhatsApp and console users do.
func scripted(u *telegramtest.User, text string) {
	u.Say("/start")
	if _, again := spoke.LoadOrStore(u, true); !again {
		u.Say("1") // Кыргызча, asked only the first time
	}
	u.Say("1")    // Масы
	u.Say("1")    // Ичүүчү суу
	u.Say(text)   // what happened
	u.Say("Даяр") // Done
	u.Say("Анонимдүү калуу")
	u.Say("Жөнөтүү") // Send
}

// begin opens a new resident's conversation: /start, the language chosen
// with its button, and the first question of a complaint.
func begin(t *testing.T, u *telegramtest.User, lang, question string) {
	t.Helper()
	u.Say("/start")
	u.Expect(t, "Тилди тандаңыз") // the question is in both languages
	u.Press(t, lang)
	u.Expect(t, question)
}

// spoke holds the users who have chosen their language in a scripted complaint.
var spoke sync.Map

func chat(id int64) string { return strconv.FormatInt(id, 10) }

func newFake(t *testing.T) *telegramtest.Server { return telegramtest.New(t) }

func defaultOpts() server.Options { return server.Options{HTTPAddr: "127.0.0.1:0"} }

// clock is the store's time in tests that move it: a resident an hour
// later, a deadline ten days on. It is safe to move while the service runs.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.off += d; c.mu.Unlock() }

// withClock makes the store read c (call before start).
func (s *stack) withClock(c *clock) *stack {
	s.db.Clock = c.Now
	return s
}

// syncBuffer collects logs written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitFor polls a condition that no fake can signal (a database row, a
// health flag), as a guard against a hung test, not as a measure of time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(telegramtest.WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
