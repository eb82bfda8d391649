package telegram_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

func TestLanguageCancelAndEmptyDescriptionAtAnyStep(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		u := s.fake.User(1701, "ky")
		u.Say("/start")
		u.Expect(t, "Тилди тандаңыз")
		u.Press(t, "Кыргызча")
		u.Expect(t, "Көйгөй кайсы айылда?")
		u.Press(t, "Бирдик")
		u.Expect(t, "Кайсы кызмат")
		u.Press(t, "Ичүүчү суу")
		u.Expect(t, "Эмне болгонун жазыңыз")
		u.Press(t, "Даяр")
		u.Expect(t, "бир-эки сөз менен жазыңыз")

		u.Say("/lang")
		u.Expect(t, "Выберите язык")
		u.Press(t, "Русский")
		u.Expect(t, "дальше буду писать по-русски")
		u.Expect(t, "Опишите, что случилось") // the same question, now in Russian
		u.Say("/help")
		u.Expect(t, "Что я умею")

		u.Say("/cancel")
		if m := u.Expect(t, "Отменено"); !m.RemoveKeyboard {
			t.Errorf("cancel leaves a keyboard behind")
		}
		u.Press(t, "Готово") // a button of the cancelled draft
		u.Expect(t, "Эта кнопка больше не действует")
		if n := len(s.entries()); n != 0 {
			t.Fatalf("%d entries after cancel", n)
		}
		// A new message starts afresh, in Russian.
		u.Say("Снова нет воды")
		u.Expect(t, "В каком селе")
	})
}

func TestVoiceNotesAreFetchedAfterTelegramFails(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		u := s.fake.User(1801, "ky")
		s.fake.Fail("getFile", 0, 502, 0, 1000) // Telegram's file service is down for now
		u.Say("/start")
		u.Say("1")
		u.Say("2")
		u.Say("4")
		voice := bytes.Repeat([]byte("OggS"), 4000)
		u.Voice(voice)
		u.Say("Даяр")
		u.Say("Анонимдүү калуу")
		u.Say("Жөнөтүү")
		u.Expect(t, "журналга №")
		s.stop()

		ctx := context.Background()
		number := s.entries()[0].Number
		c.Add(2 * time.Hour) // whatever the background fetcher tried, a retry is due now
		if n, err := s.srv.Telegram.FetchDue(ctx); err != nil || n != 0 {
			t.Fatalf("fetched %d, %v while Telegram fails", n, err)
		}
		full, _ := db.EntryByNumber(ctx, s.muni.Code, number)
		if len(full.Media) != 1 || full.Media[0].Kind != monitoring.Voice || full.Media[0].State != monitoring.MediaPending || full.Media[0].Attempts == 0 {
			t.Fatalf("media while Telegram fails = %+v; want one voice note, pending, tried", full.Media)
		}
		// Telegram recovers; the retry, when due, keeps the file.
		s.fake.ClearFailures()
		c.Add(2 * time.Hour)
		if n, err := s.srv.Telegram.FetchDue(ctx); err != nil || n != 1 {
			t.Fatalf("fetched %d, %v", n, err)
		}
		data, err := db.MediaData(ctx, full.Media[0].ID)
		if err != nil || !bytes.Equal(data, voice) {
			t.Fatalf("stored voice differs (%d bytes, %v)", len(data), err)
		}
	})
}

func TestAnotherPollerIsWaitedOut(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	fake := newFake(t)
	fake.Fail("getUpdates", 0, 409, 0, 2) // another bmjbt holds the token, then stops
	s := newStack(t, db, fake, defaultOpts(), fast).start()
	u := fake.User(1901, "ky")
	u.Say("/help")
	u.Expect(t, "Мен эмне кыла алам")
	if n := fake.Calls("getUpdates"); n < 3 {
		t.Fatalf("getUpdates called %d times; the conflicts were not retried", n)
	}
	_ = s
}
