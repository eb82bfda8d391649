package telegram_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

func TestResidentReportsInKyrgyzWithPhotoAndContact(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		u := s.fake.User(501, "") // no language known: Kyrgyz first

		u.Say("/start")
		m := u.Expect(t, "Тилди тандаңыз")
		if got := strings.Join(m.Labels(), ","); got != "Кыргызча,Русский" {
			t.Fatalf("language buttons = %s", got)
		}
		u.Press(t, "Кыргызча")
		u.Expect(t, "биргелешкен мониторинг жана баалоо тобунун")
		m = u.Expect(t, "Көйгөй кайсы айылда?")
		if labels := m.Labels(); len(labels) != 15 || labels[0] != "Масы" || labels[6] != "Жаңы-Арык" {
			t.Fatalf("villages = %v", labels)
		}
		u.Press(t, "Масы")
		// The pressed question is edited into the choice and the next
		// question: one message a step, and no button pressed twice.
		if m = u.Expect(t, "Кайсы кызмат же долбоор"); !strings.Contains(m.Text, "Көйгөй кайсы айылда?\n\n✓ Масы\n\nКайсы кызмат") || m.Edits != 1 {
			t.Fatalf("the village question after the choice = %+v", m)
		}
		u.Press(t, "Ичүүчү суу")
		u.Expect(t, "Эмне болгонун жазыңыз")
		u.Say("Масы айылында үч күндөн бери суу жок 💧")
		u.Expect(t, "Кабыл алынды")
		photo := bytes.Repeat([]byte{0xFF, 0xD8, 0x42}, 5000)
		u.Photo(photo, "Крандын сүрөтү")
		u.Expect(t, "Кабыл алынды")
		u.Press(t, "Даяр")
		m = u.Expect(t, "телефон номериңизди калтырасызбы")
		if len(m.Keyboard) < 2 || !m.Keyboard[0][0].RequestContact {
			t.Fatalf("contact question keyboard = %+v, want a share-contact button", m.Keyboard)
		}
		u.ShareContact("+996555123456")
		if m = u.Expect(t, "номериңиз алынды"); !m.RemoveKeyboard {
			t.Fatalf("the contact keyboard is not removed")
		}
		m = u.Expect(t, "Текшериңиз")
		for _, want := range []string{"Айыл: Масы", "Кызмат: Ичүүчү суу", "суу жок 💧", "Крандын сүрөтү", "Тиркелген файлдар: 1", "+996555123456"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("summary lacks %q:\n%s", want, m.Text)
			}
		}
		u.Press(t, "Жөнөтүү")
		m = u.Expect(t, "№ "+number(1))
		if !strings.Contains(m.Text, "14 күндүн ичинде") {
			t.Errorf("no word on what happens next: %q", m.Text)
		}

		// Each step was one message at most: the language question edited
		// into the welcome, the village question edited into the next two,
		// the acknowledgements (collapsed when they come fast), the contact
		// question, its thanks, and the summary edited into the number.
		if n := len(u.Received()); n > 7 {
			for _, msg := range u.Received() {
				t.Logf("%q", msg.Text)
			}
			t.Errorf("%d messages, want at most 7", n)
		}

		list := s.entries()
		if len(list) != 1 {
			t.Fatalf("%d entries, want 1", len(list))
		}
		e := list[0]
		if e.Village != "masy" || e.Service != "water" || e.Anonymous || e.Channel != monitoring.Telegram ||
			e.Description != "Масы айылында үч күндөн бери суу жок 💧\nКрандын сүрөтү" {
			t.Fatalf("entry = %+v", e)
		}
		contacts, err := db.EntryContacts(context.Background(), s.muni.Code)
		if err != nil || contacts[e.ID].Phone != "+996555123456" {
			t.Fatalf("contact = %+v, %v", contacts, err)
		}
		// The photo is fetched into the store.
		if _, err := s.srv.Telegram.FetchDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		full, err := db.EntryByNumber(context.Background(), s.muni.Code, e.Number)
		if err != nil || len(full.Media) != 1 || full.Media[0].Kind != monitoring.Photo {
			t.Fatalf("media = %+v, %v", full.Media, err)
		}
		if full.Media[0].State != monitoring.MediaStored {
			t.Fatalf("photo state = %s (%s)", full.Media[0].State, full.Media[0].Error)
		}
		data, err := db.MediaData(context.Background(), full.Media[0].ID)
		if err != nil || !bytes.Equal(data, photo) {
			t.Fatalf("stored photo differs (%d bytes, %v)", len(data), err)
		}
	})
}

func TestResidentReportsInRussianAnonymouslyAndEditsTheSummary(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		u := s.fake.User(502, "ru")

		// Written before /start: kept as the start of the description.
		u.Say("Нет воды на улице Ленина")
		u.Expect(t, "Выберите язык")
		u.Press(t, "Русский")
		u.Expect(t, "бот группы совместного мониторинга")
		u.Expect(t, "В каком селе проблема?")
		u.Press(t, "Арал")
		u.Expect(t, "К какой услуге или проекту это относится?")
		u.Press(t, "Другое")
		u.Expect(t, "То, что вы написали раньше, сохранено")
		u.Press(t, "Готово")
		u.Expect(t, "Оставите номер телефона")
		u.Say("Не указывать номер (анонимно)") // a reply-keyboard button sends its label
		u.Expect(t, "ваше имя и номер указаны не будут")
		m := u.Expect(t, "Проверьте")
		for _, want := range []string{"Село: Арал", "Услуга: Другое", "Нет воды на улице Ленина", "Телефон: не указан (анонимно)"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("summary lacks %q:\n%s", want, m.Text)
			}
		}
		u.Press(t, "Изменить")
		u.Expect(t, "Что изменить?")
		u.Press(t, "Село")
		u.Expect(t, "В каком селе проблема?")
		u.Press(t, "Масы")
		m = u.Expect(t, "Проверьте")
		if !strings.Contains(m.Text, "Село: Масы") || !strings.Contains(m.Text, "Телефон: не указан (анонимно)") {
			t.Fatalf("summary after the edit:\n%s", m.Text)
		}
		u.Press(t, "Отправить")
		m = u.Expect(t, "зарегистрировано в журнале под № "+number(1))
		if !strings.Contains(m.Text, "в течение 14 дней") {
			t.Errorf("reply = %q", m.Text)
		}
		list := s.entries()
		if len(list) != 1 || list[0].Village != "masy" || list[0].Service != monitoring.OtherService || !list[0].Anonymous ||
			list[0].Description != "Нет воды на улице Ленина" {
			t.Fatalf("entries = %+v", list)
		}
		contacts, _ := db.EntryContacts(context.Background(), s.muni.Code)
		if len(contacts) != 0 {
			t.Fatalf("an anonymous entry kept a contact: %+v", contacts)
		}
		// The next message starts a new complaint, in the remembered language.
		u.Say("Ещё одна проблема")
		u.Expect(t, "В каком селе проблема?")
	})
}

func TestStatusAndMyShowOnlyTheResidentsOwnEntries(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		alice, bob := s.fake.User(601, "ky"), s.fake.User(602, "ky")
		scripted(alice, "Жол бузулду")
		alice.Expect(t, "№ "+number(1))

		alice.Say("/status " + number(1))
		m := alice.Expect(t, "Абалы:")
		if !strings.Contains(m.Text, "Масы, Ичүүчү суу") || !strings.Contains(m.Text, "Кабыл алынды") {
			t.Fatalf("status = %q", m.Text)
		}
		alice.Say("/my")
		if m = alice.Expect(t, "Сиздин кайрылууларыңыз"); !strings.Contains(m.Text, number(1)) {
			t.Fatalf("/my = %q", m.Text)
		}

		bob.Say("/status " + number(1))
		someoneElses := bob.Expect(t, "табылган жок")
		bob.Say("/status " + number(9))
		missing := bob.Expect(t, "табылган жок")
		if strings.ReplaceAll(someoneElses.Text, number(1), "N") != strings.ReplaceAll(missing.Text, number(9), "N") {
			t.Fatalf("someone else's entry is answered differently from a missing one:\n%q\n%q", someoneElses.Text, missing.Text)
		}
		bob.Say("/my")
		bob.Expect(t, "азырынча кайрылуу жок")
		bob.Say("/status")
		bob.Expect(t, "Номерди мындай жазыңыз: /status ")
	})
}

var _ = telegramtest.Token
