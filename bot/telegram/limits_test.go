package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"bmjbt/bot/telegram"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// The pace tests run on SQLite only: the database plays no part in them.

func TestRateLimitedChatWaitsRetryAfterWhileOthersGoOn(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	fake := newFake(t)
	s := newStack(t, db, fake, defaultOpts(), telegram.DefaultLimits()).start()
	a, b := fake.User(1101, "ky"), fake.User(1102, "ky")
	fake.Fail("sendMessage", a.Chat, 429, 2, 1)
	start := time.Now()
	a.Say("/help")
	b.Say("/help")
	mb := b.Expect(t, "Мен эмне кыла алам")
	ma := a.Expect(t, "Мен эмне кыла алам")
	if wait := ma.At.Sub(start); wait < 2*time.Second {
		t.Fatalf("the rate-limited chat was answered after %v, before retry_after (2s)", wait)
	}
	if !mb.At.Before(ma.At) {
		t.Fatalf("the other chat waited for the rate-limited one")
	}
	if n := fake.Calls("sendMessage"); n != 3 {
		t.Fatalf("sendMessage called %d times, want 3 (one refused, one retried, one other chat)", n)
	}
	_ = s
}

func TestSeveralRateLimitedChatsPauseAllSending(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	fake := newFake(t)
	a, b, c := fake.User(1201, "ky"), fake.User(1202, "ky"), fake.User(1203, "ky")
	fake.Fail("sendMessage", a.Chat, 429, 2, 1)
	fake.Fail("sendMessage", b.Chat, 429, 2, 1)
	a.Say("/help")
	b.Say("/help")
	newStack(t, db, fake, defaultOpts(), telegram.DefaultLimits()).start()
	// Wait until the sender has taken in both refusals (it records them
	// after pacing the chats), not merely until Telegram answered them.
	waitFor(t, "both refusals recorded", func() bool {
		var n int
		err := db.SQL().Get(&n, `SELECT count(*) FROM outbox WHERE attempts > 0 AND error <> ''`)
		return err == nil && n >= 2
	})
	refused := time.Now()
	c.Say("/help")
	mc := c.Expect(t, "Мен эмне кыла алам")
	if wait := mc.At.Sub(refused); wait < time.Second {
		t.Fatalf("a third chat was answered %v after Telegram asked two chats to wait 2s: sending was not paused", wait)
	}
	a.Expect(t, "Мен эмне кыла алам")
	b.Expect(t, "Мен эмне кыла алам")
}

func TestServerErrorsAreRetriedAndForbiddenIsRecorded(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	fake := newFake(t)
	s := newStack(t, db, fake, defaultOpts(), fast).start()
	a, b := fake.User(1301, "ru"), fake.User(1302, "ru")
	fake.Fail("sendMessage", a.Chat, 502, 0, 2)
	fake.Fail("sendMessage", b.Chat, 403, 0, 1)
	a.Say("/help")
	a.Expect(t, "Что я умею")
	b.Say("/help")
	b.Say("/my")
	b.Expect(t, "пока нет обращений") // the refused reply did not block the next one
	if got := len(b.Received()); got != 1 {
		t.Fatalf("chat b received %d messages, want 1 (the first was refused)", got)
	}
	var failed []struct {
		Status string `db:"status"`
		Error  string `db:"error"`
	}
	if err := db.SQL().Select(&failed, `SELECT status, error FROM outbox WHERE chat_id = ? AND status = 'failed'`, chat(b.Chat)); err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || !strings.Contains(failed[0].Error, "blocked") {
		t.Fatalf("failed replies to b = %+v, want one that says why", failed)
	}
	_ = s
	_ = context.Background()
}
