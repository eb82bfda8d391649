package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// Each question reads an answer as what it asks for: a digit is an option
// only where a choice is asked; elsewhere it is an answer. An answer that
// does not fit is asked again and added to nothing.
func TestADigitIsAnOptionOnlyWhereAChoiceIsAsked(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		u := s.fake.User(2101, "ky")
		begin(t, u, "Кыргызча", "Көйгөй кайсы айылда?")
		for _, wrong := range []string{"16", "0"} {
			u.Say(wrong)
			u.Expect(t, "Төмөнкү баскычтардын бирин тандаңыз")
			u.Expect(t, "Көйгөй кайсы айылда?")
		}
		u.Press(t, "Масы")
		u.Expect(t, "Кайсы кызмат")
		u.Press(t, "Ичүүчү суу")
		u.Expect(t, "Эмне болгонун жазыңыз") // not skipped by the numbers above
		u.Say("1")                           // a typed "1" here is what happened, not «Даяр»
		u.Expect(t, "Кабыл алынды")
		u.Press(t, "Даяр")
		u.Expect(t, "телефон номериңизди калтырасызбы")
		u.Say("Анонимдүү калуу")
		u.Expect(t, "Текшериңиз")
		u.Press(t, "Жөнөтүү")
		u.Expect(t, "№ "+number(1))
		if e := s.entries(); len(e) != 1 || e[0].Description != "1" || e[0].Village != "masy" {
			t.Fatalf("entries = %+v", e)
		}
	})
}

// /lang runs on top of the open question: a wrong number there is asked
// again, and the choice that follows is a language, not a village.
func TestLanguageOnTopOfAQuestionThenAWrongNumber(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		u := s.fake.User(2102, "ky")
		begin(t, u, "Кыргызча", "Көйгөй кайсы айылда?")
		u.Say("/lang")
		u.Expect(t, "Тилди тандаңыз")
		u.Say("5")
		u.Expect(t, "Төмөнкү баскычтардын бирин тандаңыз")
		u.Say("2")
		u.Expect(t, "дальше буду писать по-русски")
		u.Expect(t, "В каком селе") // the open question, now in Russian
		u.Press(t, "Апыртан")
		u.Expect(t, "К какой услуге или проекту")
		if n := len(s.entries()); n != 0 {
			t.Fatalf("%d entries: a wrong number started something", n)
		}
	})
}

// "Back" asks the previous question again with the answer given, and the
// new answer replaces it.
func TestBackShowsThePreviousAnswer(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		u := s.fake.User(2103, "ru")
		begin(t, u, "Русский", "В каком селе")
		u.Press(t, "Масы")
		u.Expect(t, "К какой услуге")
		u.Press(t, "Назад")
		if m := u.Expect(t, "В каком селе"); !strings.Contains(m.Text, "Прежний ответ: Масы") {
			t.Fatalf("the question asked again does not show the answer: %q", m.Text)
		}
		u.Press(t, "Арал")
		u.Expect(t, "К какой услуге")
		u.Say("назад") // typed works too
		u.Expect(t, "Прежний ответ: Арал")
		u.Press(t, "Арал")
		u.Expect(t, "К какой услуге")
		u.Press(t, "Дороги")
		u.Expect(t, "Опишите")
		u.Say("Яма на дороге")
		u.Expect(t, "Принято")
		u.Press(t, "Готово")
		u.Expect(t, "Оставите номер")
		u.Say("Не указывать номер (анонимно)")
		u.Expect(t, "Проверьте")
		u.Press(t, "Отправить")
		u.Expect(t, "№ "+number(1))
		if e := s.entries(); e[0].Village != "aral" || e[0].Service != "roads" {
			t.Fatalf("entry = %+v", e[0])
		}
	})
}

// A phone number or e-mail typed anywhere in the text is moved to the
// personal side: masked in the entry, the group's card and the journal,
// kept for the members who may see contacts.
func TestPhoneNumbersInTextStayOutOfTheCard(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		chair, _ := s.group(t)
		u := s.fake.User(2104, "ky")
		for _, m := range []string{"/start", "1", "1", "1", "Суу жок. Чалыңыз +996 700 11 22 33 же 0555 12 34 56, aigul@mail.kg", "Даяр", "Анонимдүү калуу", "Жөнөтүү"} {
			u.Say(m)
		}
		u.Expect(t, "№ "+number(1))
		card := s.card(t, number(1), "Кабыл алынды")
		for _, leak := range []string{"700", "555", "aigul"} {
			if strings.Contains(card.Text, leak) {
				t.Fatalf("the group's card shows %q: %q", leak, card.Text)
			}
		}
		e := s.entries()[0]
		if strings.ContainsAny(e.Description, "0123456789") || strings.Contains(e.Description, "aigul") || !strings.Contains(e.Description, "•••") || !e.Anonymous {
			t.Fatalf("description = %q", e.Description)
		}
		// The chair, who may see contacts, sees what was typed.
		chair.Say("/show " + number(1))
		view := chair.Expect(t, "№ "+number(1))
		for _, want := range []string{"+996700112233", "+996555123456", "aigul@mail.kg"} {
			if !strings.Contains(view.Text, want) {
				t.Errorf("the member's view lacks %q: %q", want, view.Text)
			}
		}
	})
}

// Three changes within the undo window reach the resident as one notice of
// where the entry stands, in the language they chose meanwhile.
func TestOneNoticeInTheResidentsLanguageOfTheMoment(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		_, others := s.group(t)
		m := others[1]
		num := report(t, s, 2105, 1, 1, "Көчө жарыгы күйбөйт")
		resident := s.fake.User(2105, "ky")
		resident.Expect(t, "журналга №") // what came before is read
		g := m.InGroup(groupChat)
		pressOn(t, s, g, num, "Мен карайм")
		s.card(t, num, "Каралууда")
		pressOn(t, s, g, num, "Тастыктоо")
		s.card(t, num, "Текшерилип, тастыкталды")
		resident.Say("/lang")
		resident.Expect(t, "Тилди тандаңыз")
		resident.Press(t, "Русский")
		resident.Expect(t, "дальше буду писать по-русски")
		c.Add(11 * time.Minute)
		resident.Expect(t, "Ваше обращение № "+num+" проверено и подтверждено")
		notices := 0
		for _, msg := range resident.Received() {
			if strings.Contains(msg.Text, "№ "+num) && !strings.Contains(msg.Text, "журналга") {
				notices++
			}
		}
		if notices != 1 {
			t.Fatalf("%d notices of %s, want 1: %+v", notices, num, resident.Received())
		}
	})
}

// "What do you add?" is asked once, and what the resident adds reaches the
// group with any phone number masked.
func TestAResidentAddsToTheirEntry(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		s.group(t)
		num := report(t, s, 2106, 2, 3, "Жол бузулду")
		u := s.fake.User(2106, "ky")
		u.Say("/status " + num)
		u.Expect(t, "Абалы")
		u.Press(t, "Маалымат кошуу")
		u.Expect(t, "эмнени кошосуз")
		u.Say("Дагы бир чуңкур пайда болду, номерим 0700 112 233")
		u.Expect(t, "Кабыл алынды")
		u.Press(t, "Даяр")
		u.Expect(t, "тиркелди")
		asked := 0
		for _, m := range u.Received() {
			if strings.Contains(m.Text, "эмнени кошосуз") {
				asked++
			}
		}
		if asked != 1 {
			t.Fatalf("the question was asked %d times", asked)
		}
		s.fake.WaitUntil(t, "the group hears of the addition", func() bool {
			for _, m := range s.fake.Messages(groupChat) {
				if strings.Contains(m.Text, "чуңкур") {
					return !strings.Contains(m.Text, "112")
				}
			}
			return false
		})
	})
}

// A question resumed from the previous version's state takes a typed
// answer as the question would: a wrong one asks it again.
func TestAnOldConversationAtAChoiceResumes(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		saveOldState(t, db, "2108", `{"step":"village","menu":{"seq":2,"prompt":"…","options":[]},"draft":{"parts":[{"text":"Жол бузулду"}]}}`)
		s := run(t, db)
		u := s.fake.User(2108, "ky")
		u.Say("Масы")
		u.Expect(t, "Көйгөй кайсы айылда?") // asked again, no crash
		u.Press(t, "Масы")
		u.Expect(t, "Кайсы кызмат")
	})
}

// A conversation saved by the previous version (a draft and a step, before
// the frame stack) resumes where it was.
func TestAConversationSavedBeforeTheFrameStackResumes(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		saveOldState(t, db, "2107", `{"step":"describe","menu":{"seq":4,"prompt":"…","options":[{"label":"Даяр","data":"done"}]},"draft":{"village":"masy","service":"water","parts":[{"text":"Суу жок"}]}}`)
		s := run(t, db)
		u := s.fake.User(2107, "ky")
		u.Say("Үч күн болду")
		u.Expect(t, "Мурда жазганыңыз сакталды")
		u.Press(t, "Даяр")
		u.Expect(t, "телефон номериңизди калтырасызбы")
		u.Say("Анонимдүү калуу")
		u.Expect(t, "Текшериңиз")
		u.Press(t, "Жөнөтүү")
		u.Expect(t, "№ "+number(1))
		if e := s.entries()[0]; e.Description != "Суу жок\nҮч күн болду" || e.Village != "masy" {
			t.Fatalf("entry = %+v", e)
		}
	})
}

// saveOldState stores a Kyrgyz-speaking Telegram resident's conversation as
// the version before the frame stack saved it.
func saveOldState(t *testing.T, db *storage.DB, user, state string) {
	t.Helper()
	ctx := context.Background()
	m := storagetest.Municipality(t)
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		r, err := tx.Resident(ctx, m.Code, monitoring.Telegram, user, user)
		if err != nil {
			return err
		}
		if err := tx.SetResidentLang(ctx, r.ID, monitoring.Kyrgyz); err != nil {
			return err
		}
		return tx.SaveConversation(ctx, monitoring.ConversationKey{Municipality: m.Code, Channel: "telegram", ChatID: user, UserRef: user}, []byte(state))
	})
	if err != nil {
		t.Fatal(err)
	}
}
