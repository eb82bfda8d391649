package whatsapp_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// Issue 8 on WhatsApp: no buttons, so the invitation is answered with "1",
// options by number, several at once as "1,3", and "Назад" typed.
func TestSurveyByTypedNumbers(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, nil)
		ctx := context.Background()
		u := s.fake.user("996555000801")
		u.say(t, "Салам")
		u.expect(t, "Тилди тандаңыз")
		u.say(t, "2")
		u.expect(t, "В каком селе проблема?")
		u.say(t, "/cancel")
		u.expect(t, "Отменено")
		u.say(t, "/subscribe")
		u.expect(t, "Опросы рассылаются по сёлам")
		u.say(t, "1")
		u.expect(t, "Ваше согласие сохранено")

		rec, v, err := survey.Template().ForImport(s.muni.Code)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ImportSurvey(ctx, rec, v); err != nil {
			t.Fatal(err)
		}
		if *rec, err = db.MoveSurvey(ctx, s.muni.Code, rec.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		subs, err := db.Subscribers(ctx, s.muni.Code, nil)
		if err != nil || len(subs) != 1 {
			t.Fatalf("subscribers %+v, %v", subs, err)
		}
		payload, _ := json.Marshal(bot.SurveyInvitation(catalog.Default(), monitoring.Russian, *rec, false))
		if _, err := db.Invite(ctx, s.muni.Code, rec.ID, []survey.Invitation{{Channel: "whatsapp", Payload: payload, Residents: subs}}); err != nil {
			t.Fatal(err)
		}
		inv := u.expect(t, "проводит опрос")
		if !strings.Contains(inv, "Начать") {
			t.Fatalf("invitation %q", inv)
		}
		u.say(t, "1")
		u.expect(t, "Здравствуйте! Это короткий опрос")
		u.say(t, "Далее")
		u.expect(t, "Согласны ли вы")
		u.say(t, "1")
		u.expect(t, "В каком селе вы живёте?")
		u.say(t, "1")
		m := u.expect(t, "Из какой колонки")
		if !strings.Contains(m, "1. Колонка у школы\n2. Колонка у мечети") {
			t.Fatalf("taps of Масы: %q", m)
		}
		u.say(t, "2")
		u.expect(t, "Сколько человек")
		u.say(t, "4")
		u.expect(t, "Сколько часов")
		u.say(t, "6.5")
		m = u.expect(t, "Какие есть проблемы")
		if !strings.Contains(m, "через запятую") {
			t.Fatalf("multiple choice on WhatsApp: %q", m)
		}
		u.say(t, "1,2")
		u.expect(t, "Когда началась проблема?")
		u.say(t, "Назад")
		u.expect(t, "Прежний ответ: Часто отключают воду, Вода грязная")
		u.say(t, "1, 3")
		u.expect(t, "Когда началась проблема?")
		u.say(t, "1.10.2026")
		u.expect(t, "Обращались ли вы")
		u.say(t, "2")
		u.expect(t, "Насколько вас устраивает")
		u.say(t, "9")
		u.expect(t, "(1–5)")
		u.say(t, "5")
		u.expect(t, "Что ещё вы хотели бы сказать?")
		u.say(t, "2") // words here: a digit is an answer, not an option
		u.expect(t, "Спасибо за ваши ответы!")
		u.say(t, "Далее")
		u.expect(t, "Ваши ответы сохранены")

		var got survey.Response
		if err := db.EachResponse(ctx, rec.ID, func(r survey.Response) error { got = r; return nil }); err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]string{"water_point": "mosque", "problems": "cuts far", "since": "2026-10-01", "reported": "no", "satisfaction": "5", "comment": "2"} {
			if got.Answers[name].Value != want {
				t.Errorf("%s = %q, want %q", name, got.Answers[name].Value, want)
			}
		}
		if !got.Complete() || got.Channel != "whatsapp" {
			t.Fatalf("response %+v", got)
		}
	})
}

// A group's meeting recorded on WhatsApp (Regulation 5.6): no buttons, so
// "бүгүн", the survey's title, a member's number, "Артка" and "Өткөрүп
// жиберүү" are typed; a group of 7 is a group discussion.
func TestGroupMeetingByTypedWords(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, nil)
		ctx := context.Background()
		m := s.fake.user("996700000031")
		m.say(t, "/join "+s.invite(t, monitoring.Secretary, "А. Осмонова"))
		m.expect(t, "Кош келиңиз, А. Осмонова")
		f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: water-groups, title: Суу боюнча талкуу}
questions:
  - type: select_one
    name: enough
    label: {ky: "Суу жетиштүүбү?", ru: "Воды хватает?"}
    choices: [{name: "yes", label: {ky: Ооба, ru: Да}}, {name: "no", label: {ky: Жок, ru: Нет}}]
`))
		if err != nil {
			t.Fatal(err)
		}
		rec, v, err := f.ForImport(s.muni.Code)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ImportSurvey(ctx, rec, v); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MoveSurvey(ctx, s.muni.Code, rec.ID, survey.Open); err != nil {
			t.Fatal(err)
		}

		m.say(t, "/field 1 9")
		m.expect(t, "же «Бүгүн».")
		m.say(t, "Бүгүн")
		m.expect(t, "Жолугушуу кайда өттү?")
		m.say(t, "Мектеп")
		if q := m.expect(t, "Талкуунун темасы кандай болду?"); !strings.Contains(q, "«Суу боюнча талкуу»") {
			t.Errorf("the title is not offered as a word to type: %q", q)
		}
		m.say(t, "Суу боюнча талкуу")
		if q := m.expect(t, "Жолугушууну ким алып барды?"); !strings.Contains(q, "1. Мен: А. Осмонова") {
			t.Errorf("moderators %q", q)
		}
		m.say(t, "1")
		m.expect(t, "Жолугушууга канча адам катышты?")
		m.say(t, "Артка")
		m.expect(t, "Мурунку жообуңуз: Мен: А. Осмонова")
		m.say(t, "1")
		m.expect(t, "Жолугушууга канча адам катышты?")
		m.say(t, "7")
		m.expect(t, "Катышкандар: 7. Фокус топко 8–12 адам катышат")
		m.say(t, "Өткөрүп жиберүү")
		m.expect(t, "Сурамжылоо кайсы айылда өттү?")
		m.say(t, "1")
		m.expect(t, "Суу жетиштүүбү?")
		m.say(t, "2")
		m.expect(t, "Жазылды: топтук талкуулоо, катышкандар: 7.")
		gs, err := db.Gatherings(ctx, rec.ID)
		if err != nil || len(gs) != 1 || gs[0].Kind != survey.Discussion || gs[0].People != 7 || gs[0].Topic != "Суу боюнча талкуу" || gs[0].Place != "Мектеп" || !gs[0].Complete {
			t.Fatalf("gatherings %+v, %v", gs, err)
		}
	})
}
