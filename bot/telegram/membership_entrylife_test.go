package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"bmjbt/bot"
	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

const groupChat = -100777

// invite makes a one-time code as `bmjbt member invite` does.
func (s *stack) invite(t *testing.T, role monitoring.Role, name string) string {
	t.Helper()
	code := bot.NewInviteCode()
	err := s.db.InTx(context.Background(), func(tx *storage.Tx) error {
		_, err := tx.CreateInvite(context.Background(), s.muni.Code, code, role, name, "operator")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// member makes a Telegram user a member of the group through /join.
func (s *stack) member(t *testing.T, id int64, role monitoring.Role, name string) *telegramtest.User {
	t.Helper()
	u := s.fake.User(id, "ky")
	u.Say("/join " + s.invite(t, role, name))
	u.Expect(t, "Кош келиңиз, "+name)
	return u
}

// group makes five members (3.4: no fewer than five) and binds the group
// chat with the chair's /bindgroup. It returns the chair and the others.
func (s *stack) group(t *testing.T) (chair *telegramtest.User, others []*telegramtest.User) {
	t.Helper()
	chair = s.member(t, 5001, monitoring.Chair, "Г. Кандарова")
	for i, name := range []string{"К. Султанова", "Э. Осмоналиев", "У. Жантаева", "К. Ташиев"} {
		role := monitoring.Ordinary
		if i == 0 {
			role = monitoring.Secretary
		}
		others = append(others, s.member(t, int64(5002+i), role, name))
	}
	g := chair.InGroup(groupChat)
	g.Say("/bindgroup")
	g.Expect(t, "Бул чат эми БМжБ тобунун чаты")
	return chair, others
}

// card waits for the group card of entry number and returns it.
func (s *stack) card(t *testing.T, number string, wantStatus string) telegramtest.Message {
	t.Helper()
	var got telegramtest.Message
	s.fake.WaitUntil(t, "the card of "+number+" showing "+wantStatus, func() bool {
		for _, m := range s.fake.Messages(groupChat) {
			if strings.HasPrefix(m.Text, "№ "+number) && strings.Contains(m.Text, "Абалы: "+wantStatus) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

func hasLabels(m telegramtest.Message, want ...string) bool {
	got := strings.Join(m.Labels(), "|")
	return got == strings.Join(want, "|")
}

func TestInviteJoinAndRoles(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		chair := s.fake.User(5001, "ky")
		code := s.invite(t, monitoring.Chair, "Г. Кандарова")
		chair.Say("/join " + code)
		chair.Expect(t, "Кош келиңиз, Г. Кандарова! Сиз БМжБ тобуна кошулдуңуз. Сиздин ролуңуз: төрага.")
		chair.Expect(t, "Айылдык кеңеш бекиткен мүчөлөрдүн саны: 0.") // 3.4: awaiting the council
		chair.Expect(t, "/queue")

		// A code works once.
		stranger := s.fake.User(5100, "ru")
		stranger.Say("/join " + code)
		stranger.Expect(t, "Код неверный, уже использован или просрочен")
		// A second chair is refused (3.5).
		if err := s.db.InTx(context.Background(), func(tx *storage.Tx) error {
			_, err := tx.CreateInvite(context.Background(), s.muni.Code, "ABCD-EFGH", monitoring.Chair, "X", "operator")
			return err
		}); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("a second chair's invite: err = %v, want a conflict", err)
		}
		// The chair invites from the bot; a plain member may not.
		chair.Say("/invite member К. Ташиев")
		m := chair.Expect(t, "бир жолку код")
		code2 := strings.Fields(m.Text[strings.Index(m.Text, "код: ")+len("код: "):])[0]
		tashiev := s.fake.User(5101, "ky")
		tashiev.Say("/join " + strings.ToLower(code2)) // typed in lower case: still works
		tashiev.Expect(t, "Кош келиңиз, К. Ташиев")
		tashiev.Say("/invite member Кимдир бирөө")
		tashiev.Expect(t, "Бул аракетке укугуңуз жок")
		stranger.Say("/queue")
		stranger.Expect(t, "Это только для членов группы")

		// An invite expires after 72 hours.
		late := s.invite(t, monitoring.Ordinary, "У. Жантаева")
		c.Add(73 * time.Hour)
		s.fake.User(5102, "ky").Say("/join " + late)
		s.fake.User(5102, "ky").Expect(t, "мөөнөтү бүткөн")
		// Guessing codes is slowed down.
		for range 5 {
			stranger.Say("/join AAAA-AAAA")
		}
		stranger.Say("/join AAAA-AAAA")
		stranger.Expect(t, "Слишком много неверных кодов")

		log, err := db.AuditLog(context.Background(), s.muni.Code)
		if err != nil {
			t.Fatal(err)
		}
		refused := 0
		for _, a := range log {
			if a.Outcome == "refused" {
				refused++
			}
		}
		if refused < 8 {
			t.Fatalf("%d refusals in the audit log, want every refused attempt: %+v", refused, log)
		}
	})
}

// A complaint from received to resolved: the card in the group moves with
// it, the member can undo, the resident hears of each step in Russian after
// the undo window, and "No, not fixed" reopens it.
func TestEntryLifeFromReceivedToResolved(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		_, others := s.group(t)
		sultanova := others[0]
		resident := s.fake.User(6001, "ru")
		for _, m := range []string{"/start", "2", "1", "1", "Нет воды третий день", "Готово", "Не указывать номер (анонимно)", "Отправить"} {
			resident.Say(m)
		}
		resident.Expect(t, "№ "+number(1))

		card := s.card(t, number(1), "Кабыл алынды")
		if !hasLabels(card, "Мен карайм", "Тастыктоо", "Четке кагуу", "Бириктирүү", "Эскертме") ||
			!strings.Contains(card.Text, "Масы · Ичүүчү суу") || !strings.Contains(card.Text, "Нет воды третий день") {
			t.Fatalf("card = %q %v", card.Text, card.Labels())
		}
		g := sultanova.InGroup(groupChat)
		g.Press(t, "Мен карайм")
		s.card(t, number(1), "Каралууда")
		sultanova.Expect(t, "№ "+number(1)+": «Каралууда»")
		g.Press(t, "Тастыктоо")
		s.card(t, number(1), "Текшерилип, тастыкталды")
		// Nothing reaches the resident within the undo window…
		for _, m := range resident.Received() {
			if strings.Contains(m.Text, "взято в работу") || strings.Contains(m.Text, "подтверждено") {
				t.Fatalf("the resident heard of a change within the undo window: %q", m.Text)
			}
		}
		c.Add(11 * time.Minute)
		// …then one notice of where the entry stands, not one per change.
		resident.Expect(t, "проверено и подтверждено")
		for _, m := range resident.Received() {
			if strings.Contains(m.Text, "рассматривать") || strings.Contains(m.Text, "взято в работу") {
				t.Fatalf("the resident got a notice of a step already passed: %q", m.Text)
			}
		}

		g.Press(t, "Чечилди деп белгилөө")
		sultanova.Expect(t, "эмне жасалганын жазыңыз")
		sultanova.Say("Насосту оңдошту, суу берилди")
		card = s.card(t, number(1), "Чечилди")
		if len(card.Buttons) != 0 {
			t.Fatalf("a resolved card still has buttons: %v", card.Labels())
		}
		c.Add(11 * time.Minute)
		m := resident.Expect(t, "Проблема по вашему обращению № "+number(1)+" решена")
		if !strings.Contains(m.Text, "Что сделано: Насосту оңдошту, суу берилди") || !hasLabels(m, "Да", "Частично", "Нет") {
			t.Fatalf("resolution notice = %q %v", m.Text, m.Labels())
		}
		resident.Press(t, "Нет")
		resident.Expect(t, "Обращение № "+number(1)+" открыто снова")
		s.fake.WaitUntil(t, "the group told of the reopening", func() bool {
			for _, m := range s.fake.Messages(groupChat) {
				if strings.Contains(m.Text, number(1)+": тургун көйгөй чечилген жок") {
					return true
				}
			}
			return false
		})
		s.card(t, number(1), "Каралууда")
		// The answer was recorded once; pressing again changes nothing.
		resident.PressData(m.ID, m.Buttons[0][0].Data)
		var e monitoring.Entry
		waitFor(t, "the second press handled", func() bool {
			_, pending, _ := db.InboxCounts(context.Background(), s.muni.Code)
			e = s.entries()[0]
			return pending == 0
		})
		// Reopened, the entry will ask again after its next resolution.
		if e.Status != monitoring.InReview || e.Feedback != "" {
			t.Fatalf("entry = %+v", e)
		}
		events, _ := db.EntryEvents(context.Background(), e.ID)
		var trail []string
		for _, ev := range events {
			trail = append(trail, string(ev.From)+">"+string(ev.To)+"@"+ev.Actor)
		}
		if got := strings.Join(trail, " "); got != ">received@resident received>in_review@member:2 in_review>verified@member:2 verified>resolved@member:2 resolved>in_review@resident" {
			t.Fatalf("audit trail = %s", got)
		}
	})
}
