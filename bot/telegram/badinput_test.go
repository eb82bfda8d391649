package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// Every kind of unexpected input gets a kind answer in the resident's
// language, and nothing the resident meant to give is lost.
func TestBadInputGetsAKindAnswerAndLosesNothing(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		u := s.fake.User(701, "ru")
		u.Say("/start")
		langMenu := u.Expect(t, "Выберите язык")
		u.Press(t, "Русский")
		u.Expect(t, "В каком селе")

		u.Sticker()
		u.Expect(t, "такое сообщение я не могу принять")
		u.Poll()
		u.Expect(t, "такое сообщение я не могу принять")
		u.Empty()
		u.Expect(t, "такое сообщение я не могу принять")
		u.Document("act.pdf", "application/pdf", []byte("%PDF-1.4")) // a bill, a letter: evidence, kept
		u.Expect(t, "Сохранено и добавлено к содержанию обращения")
		u.Say("/frobnicate")
		u.Expect(t, "Такой команды я не знаю")

		// Forged and stale buttons are refused and change nothing.
		for _, data := range []string{"999|v:masy", "garbage", strings.Repeat("x", 64), "1|v:../../etc"} {
			cb := u.PressData(1, data)
			u.Expect(t, "Эта кнопка уже устарела")
			u.Expect(t, "В каком селе") // the question is asked again
			s.fake.WaitUntil(t, "the callback answered", func() bool { _, ok := s.fake.Answered(cb); return ok })
		}
		u.PressData(langMenu.ID, langMenu.Buttons[0][0].Data) // the language button, pressed again
		u.Expect(t, "Эта кнопка уже устарела")

		// Words that are no village are asked again, and kept nowhere.
		u.Say("В Арале прорвало трубу 🚰")
		u.Expect(t, "Выберите, пожалуйста, одну из кнопок")
		u.Expect(t, "В каком селе")
		u.Press(t, "Арал")
		u.Expect(t, "К какой услуге или проекту")
		u.Press(t, "Питьевая вода")
		u.Expect(t, "То, что вы написали раньше, сохранено")

		// A contact at the wrong step, an oversized video, a location.
		u.ShareContact("+996700000001")
		u.Expect(t, "номер сейчас не нужен")
		u.Video([]byte("x"), 25<<20)
		u.Expect(t, "Файл слишком большой")
		u.Location(41.2345, 72.8765)
		u.Expect(t, "Принято")

		// An edit of a description message replaces it in the draft.
		id := u.Say("Течёт уже два дня")
		u.Expect(t, "Принято")
		u.Edit(id, "Течёт уже три дня")
		u.Expect(t, "Исправление принято")

		// A 10,000-character text is kept whole; replies stay within 4,096.
		long := strings.Repeat("Вода. ", 1666) + "Конец"
		u.Say(long)
		u.Expect(t, "Принято")
		u.Press(t, "Готово")
		u.Expect(t, "Оставите номер")
		u.ShareContactOf("+996700000002", 999)
		u.Expect(t, "Похоже, это чужой номер")
		u.Say("Не указывать номер (анонимно)")
		m := u.Expect(t, "Проверьте")
		if n := len(utf16.Encode([]rune(m.Text))); n > 4096 {
			t.Fatalf("summary is %d UTF-16 units long", n)
		}
		if !strings.Contains(m.Text, "Местоположение: отправлено") {
			t.Errorf("summary does not mention the location:\n%s", m.Text)
		}
		u.Press(t, "Отправить")
		u.Expect(t, "№ "+number(1))

		e := s.entries()[0]
		if strings.Contains(e.Description, "В Арале прорвало трубу 🚰") || !strings.Contains(e.Description, "Течёт уже три дня") ||
			strings.Contains(e.Description, "два дня") || !strings.HasSuffix(e.Description, long) {
			t.Fatalf("description lost or kept the wrong things (%d chars): %.200q", len([]rune(e.Description)), e.Description)
		}
		if e.Location == nil || e.Location.Lat != 41.2345 || e.Village != "aral" {
			t.Fatalf("entry = %+v", e)
		}
		full, _ := db.EntryByNumber(context.Background(), s.muni.Code, e.Number)
		if len(full.Media) != 1 || full.Media[0].Kind != monitoring.Document {
			t.Fatalf("media = %+v: want the document kept and the oversized video not", full.Media)
		}

		// An edit after the entry is registered changes nothing.
		u.Edit(id, "Передумал")
		u.Expect(t, "Зарегистрированное обращение от этого не меняется")
		if e2 := s.entries()[0]; e2.Description != e.Description {
			t.Fatalf("a late edit changed the entry")
		}
	})
}

func TestStrangersInGroupsAreIgnored(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		stranger := s.fake.User(801, "ky")
		group := stranger.InGroup(-1001234)
		group.Say("/start")
		group.Say("Салам баарына")
		// The engine handles updates in order, so once the private reply is
		// here the group messages were handled too.
		stranger.Say("/help")
		stranger.Expect(t, "Мен эмне кыла алам")
		if got := s.fake.Messages(-1001234); len(got) != 0 {
			t.Fatalf("the bot answered a stranger in a group: %+v", got)
		}
		if _, pending, _ := db.InboxCounts(context.Background(), s.muni.Code); pending != 0 {
			t.Fatalf("%d updates left unhandled", pending)
		}
	})
}

func TestFloodLimitKeepsTheDraft(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fake := newFake(t)
		c := &clock{}
		s := newStack(t, db, fake, defaultOpts(), fast).withClock(c)
		s.muni.EntriesPerHour = 2
		s.start()
		u := fake.User(901, "ky")
		for i := range 2 {
			scripted(u, "Көйгөй")
			u.Expect(t, "№ "+number(i+1))
		}
		scripted(u, "Үчүнчү көйгөй")
		u.Expect(t, "бир саатта 2 кайрылуудан ашык")
		u.Expect(t, "Текшериңиз") // the summary again, with its Send button
		if n := len(s.entries()); n != 2 {
			t.Fatalf("%d entries, want 2", n)
		}
		c.Add(time.Hour)
		u.Press(t, "Жөнөтүү")
		u.Expect(t, "№ "+number(3))
		if e := s.entries(); len(e) != 3 || e[2].Description != "Үчүнчү көйгөй" {
			t.Fatalf("entries = %+v", e)
		}
	})
}

func TestAPhoneTypedAtTheContactQuestionIsTheContact(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		u := s.fake.User(902, "ru")
		for _, m := range []string{"/start", "2", "1", "1", "Нет воды", "Готово", "+996 (555) 12-34-56", "Отправить"} {
			u.Say(m)
		}
		u.Expect(t, "Спасибо, номер получен")
		u.Expect(t, "№ "+number(1))
		e := s.entries()[0]
		contacts, _ := db.EntryContacts(context.Background(), s.muni.Code)
		if e.Description != "Нет воды" || e.Anonymous || contacts[e.ID].Phone != "+996555123456" {
			t.Fatalf("entry %+v, contact %+v: the number must be the contact, not the description", e, contacts[e.ID])
		}
	})
}
