package telegram_test

import (
	"context"
	"strings"
	"testing"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// Issue 8, consent (Regulation 5.6; decision 12/2): offered once after a
// resident's first complaint, with the complaint's village; /stop is
// honoured at once and confirmed; /subscribe asks the village. Nobody
// without a yes is among the subscribers a survey reaches.
func TestConsentIsOfferedOnceAndStopIsHonoured(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		ctx := context.Background()
		subscribers := func() []survey.Subscriber {
			t.Helper()
			subs, err := db.Subscribers(ctx, s.muni.Code, []string{"masy"})
			if err != nil {
				t.Fatal(err)
			}
			return subs
		}

		u := s.fake.User(1701, "ru")
		complain := func(text string) {
			t.Helper()
			u.Press(t, "Масы")
			u.Expect(t, "К какой услуге")
			u.Press(t, "Питьевая вода")
			u.Expect(t, "Опишите")
			u.Say(text)
			u.Expect(t, "Принято")
			u.Press(t, "Готово")
			u.Expect(t, "Оставите номер")
			u.Say("Не указывать номер (анонимно)") // a reply-keyboard button sends its label
			u.Expect(t, "Телефон: не указан (анонимно)")
			u.Press(t, "Отправить")
			u.Expect(t, "зарегистрировано в журнале")
		}
		begin(t, u, "Русский", "В каком селе")
		complain("Нет воды третий день")
		offer := u.Expect(t, "Можно иногда присылать вам короткие опросы")
		if len(subscribers()) != 0 {
			t.Fatal("a resident counts as agreeing before they answered")
		}
		u.Press(t, "Да, присылайте")
		u.Expect(t, "Ваше согласие сохранено")
		if subs := subscribers(); len(subs) != 1 || subs[0].Village != "masy" {
			t.Fatalf("subscribers of Масы: %+v", subs)
		}
		cb := u.PressData(offer.ID, offer.Buttons[0][0].Data) // the offer's button again
		s.fake.WaitUntil(t, "the old button answered", func() bool {
			text, ok := s.fake.Answered(cb)
			return ok && text == "Эта кнопка больше не действует."
		})

		// A second complaint: no second offer.
		u.Say("/start")
		u.Expect(t, "В каком селе")
		complain("Опять нет воды")
		u.Say("/help")
		u.Expect(t, "/subscribe")
		offers := 0
		for _, m := range u.Received() {
			if strings.HasPrefix(m.Text, "Можно иногда присылать вам короткие опросы") {
				offers++
			}
		}
		if offers != 1 {
			t.Fatalf("offered %d times", offers)
		}

		// /stop in the middle of a complaint: honoured, and the question asked again.
		u.Say("Яма на дороге")
		u.Expect(t, "В каком селе")
		u.Say("/stop")
		u.Expect(t, "больше не будем присылать опросы")
		u.Expect(t, "В каком селе")
		if len(subscribers()) != 0 {
			t.Fatal("/stop was not honoured at once")
		}

		// /subscribe again, from another village.
		u.Say("/cancel")
		u.Expect(t, "Отменено")
		u.Say("/subscribe")
		u.Expect(t, "В каком селе вы живёте")
		u.Press(t, "Арал")
		u.Expect(t, "Ваше согласие сохранено")
		all, err := db.Subscribers(ctx, s.muni.Code, nil)
		if err != nil || len(all) != 1 || all[0].Village != "aral" || all[0].Channel != monitoring.Telegram {
			t.Fatalf("subscribers: %+v, %v", all, err)
		}

		// Someone who never agreed: /stop says so; nobody is added.
		w := s.fake.User(1702, "ky")
		begin(t, w, "Кыргызча", "Көйгөй кайсы айылда?")
		w.Say("/cancel")
		w.Expect(t, "Жокко чыгарылды")
		w.Say("/stop")
		w.Expect(t, "Сизге сурамжылоолор жөнөтүлбөйт")
	})
}
