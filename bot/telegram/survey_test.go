package telegram_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"bmjbt/bot"
	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// subscribe has a new resident agree to surveys, living in Масы.
func subscribe(t *testing.T, s *stack, id int64, lang, langButton, village string) *telegramtest.User {
	t.Helper()
	u := s.fake.User(id, lang)
	begin(t, u, langButton, village)
	u.Say("/cancel")
	u.Say("/subscribe")
	u.Expect(t, map[string]string{"ru": "Опросы рассылаются по сёлам", "ky": "Сурамжылоолор айылдар боюнча"}[lang])
	u.Press(t, "Масы")
	return u
}

// launch imports the template as a survey, opens it and invites everyone
// who agreed, as `bmjbt survey launch` does.
func launch(t *testing.T, s *stack) survey.Record {
	t.Helper()
	return launchForm(t, s, survey.Template())
}

// launchForm is launch with a form of the test's own.
func launchForm(t *testing.T, s *stack, f *survey.Form) survey.Record {
	t.Helper()
	ctx := context.Background()
	rec, v, err := f.ForImport(s.muni.Code)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.ImportSurvey(ctx, rec, v); err != nil {
		t.Fatal(err)
	}
	if *rec, err = s.db.MoveSurvey(ctx, s.muni.Code, rec.ID, survey.Open); err != nil {
		t.Fatal(err)
	}
	subs, err := s.db.Subscribers(ctx, s.muni.Code, nil)
	if err != nil {
		t.Fatal(err)
	}
	byLang := map[monitoring.Lang][]survey.Subscriber{}
	for _, sub := range subs {
		byLang[sub.Lang] = append(byLang[sub.Lang], sub)
	}
	var inv []survey.Invitation
	for lang, list := range byLang {
		payload, err := json.Marshal(bot.SurveyInvitation(catalog.Default(), lang, *rec, false))
		if err != nil {
			t.Fatal(err)
		}
		inv = append(inv, survey.Invitation{Channel: "telegram", Payload: payload, Residents: list})
	}
	if _, err := s.db.Invite(ctx, s.muni.Code, rec.ID, inv); err != nil {
		t.Fatal(err)
	}
	return *rec // the job runner feeds the invitations to the outbox within seconds
}

// Issue 8, answering (Regulation 5.6): an invited resident answers the
// template one question at a time with buttons, typed numbers and dates;
// skip logic and choice filters follow their answers; a bad answer gets
// the form's message and the question again; back changes an answer; an
// interruption returns to the open question; the response is kept once,
// complete, and a second press is refused.
func TestResidentAnswersASurvey(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		u := subscribe(t, s, 1901, "ru", "Русский", "В каком селе")
		u.Expect(t, "Ваше согласие сохранено")
		rec := launch(t, s)

		u.Expect(t, "проводит опрос «Айылдагы ичүүчү суу»")
		u.Press(t, "Начать")
		u.Expect(t, "Здравствуйте! Это короткий опрос")
		u.Press(t, "Далее")
		u.Expect(t, "Согласны ли вы ответить")
		u.Press(t, "Хорошо")
		u.Expect(t, "В каком селе вы живёте?")
		u.Press(t, "Масы")
		taps := u.Expect(t, "Из какой колонки")
		if labels := buttonLabels(taps); labels != "Колонка у школы|Колонка у мечети|Пропустить|Назад" {
			t.Fatalf("taps offered in Масы: %s", labels)
		}
		u.Press(t, "Колонка у мечети")
		u.Expect(t, "Сколько человек живёт")
		u.Say("много")
		u.Expect(t, "Это не число")
		u.Say("0")
		u.Expect(t, "Введите число от 1 до 30.")
		u.Say("4")
		u.Expect(t, "Сколько часов в день")
		u.Say("6,5")
		u.Expect(t, "Какие есть проблемы с водой?")
		toggle(t, s, u, "☐ Часто отключают воду", "☑ Часто отключают воду|☐ Вода грязная")
		u.Press(t, "Готово")
		u.Expect(t, "Когда началась проблема?")
		u.Say("/help") // an interruption, then the open question again
		u.Expect(t, "/subscribe")
		u.Expect(t, "Когда началась проблема?")
		u.Say("01.10.2026")
		u.Expect(t, "Обращались ли вы в айыл окмоту")
		u.Press(t, "Нет")
		u.Expect(t, "Насколько вас устраивает")
		u.Press(t, "Назад")
		u.Expect(t, "Прежний ответ: Нет")
		u.Press(t, "Да")
		u.Expect(t, "Насколько вас устраивает")
		u.Press(t, "5 — Полностью устраивает")
		u.Expect(t, "Что ещё вы хотели бы сказать?")
		u.Press(t, "Пропустить")
		u.Expect(t, "Спасибо за ваши ответы!")
		u.Press(t, "Далее")
		u.Expect(t, "Ваши ответы сохранены")

		begun, complete, err := db.CountResponses(context.Background(), rec.ID)
		if err != nil || begun != 1 || complete != 1 {
			t.Fatalf("responses %d begun, %d complete, %v", begun, complete, err)
		}
		var got survey.Response
		if err := db.EachResponse(context.Background(), rec.ID, func(r survey.Response) error { got = r; return nil }); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"consent": "OK", "village": "masy", "water_point": "mosque", "household": "4", "water_hours": "6.5",
			"problems": "cuts", "since": "2026-10-01", "reported": "yes", "problem_count": "1", "satisfaction": "5", "comment": ""}
		for name, v := range want {
			if got.Answers[name].Value != v {
				t.Errorf("%s = %q, want %q", name, got.Answers[name].Value, v)
			}
		}
		if a, ok := got.Answers["comment"]; !ok || !a.Asked {
			t.Errorf("the skipped comment: %+v", a)
		}
		if got.Channel != "telegram" || got.Village != "masy" || got.ResidentID == 0 {
			t.Errorf("response %+v", got)
		}

		u.Press(t, "Начать") // the invitation's button again
		u.Expect(t, "Вы уже ответили на этот опрос")
	})
}

// A survey interrupted by a restart resumes where it stopped; /stop in the
// middle ends it at once, and the resident is not asked again.
func TestSurveyResumesAndStops(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fake := newFake(t)
		s := newStack(t, db, fake, defaultOpts(), fast).start()
		u := subscribe(t, s, 1902, "ky", "Кыргызча", "Көйгөй кайсы айылда?")
		u.Expect(t, "Макулдугуңуз сакталды")
		rec := launch(t, s)
		u.Expect(t, "сурамжылоосун өткөрүп жатат")
		u.Press(t, "Баштоо")
		u.Expect(t, "Саламатсызбы!")
		u.Press(t, "Андан ары")
		u.Expect(t, "Суроолорго жооп берүүгө макулсузбу?")
		s.stop()

		newStack(t, db, fake, defaultOpts(), fast).start() // a fresh start on the same database
		u.Press(t, "Макул")
		u.Expect(t, "Кайсы айылда жашайсыз?")
		u.Say("/survey") // taken up again: where it stopped, not from the introduction
		u.Expect(t, "Сурамжылоону токтогон жерден улантабыз.")
		m := u.Expect(t, "Кайсы айылда жашайсыз?")
		if strings.Contains(m.Text, "Саламатсызбы") {
			t.Fatalf("resumed at the introduction: %q", m.Text)
		}
		u.Say("/start") // a new complaint on top, then back to the survey
		u.Expect(t, "Көйгөй кайсы айылда?")
		u.Say("/cancel")
		u.Expect(t, "Кайсы айылда жашайсыз?")
		// Paused: the answer in hand stays, no more are taken; open again, it goes on.
		if _, err := db.MoveSurvey(context.Background(), s.muni.Code, rec.ID, survey.Paused); err != nil {
			t.Fatal(err)
		}
		u.Press(t, "Масы")
		u.Expect(t, "Бул сурамжылоо азыр токтотулган")
		if _, err := db.MoveSurvey(context.Background(), s.muni.Code, rec.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		u.Say("/survey")
		u.Expect(t, "Кайсы айылда жашайсыз?")
		u.Say("/stop")
		u.Expect(t, "мындан ары сурамжылоолор жөнөтүлбөйт")
		u.Say("/survey")
		u.Expect(t, "Сиз сурамжылоолордон баш тарткансыз")
		begun, complete, err := db.CountResponses(context.Background(), rec.ID)
		if err != nil || begun != 1 || complete != 0 {
			t.Fatalf("responses %d begun, %d complete, %v", begun, complete, err)
		}
	})
}

// buttonLabels are a message's buttons, row by row, joined by "|".
func buttonLabels(m telegramtest.Message) string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return strings.Join(out, "|")
}

// Field mode (Regulation 5.6: questionnaires on paper, focus groups of
// 8–12): a member records a group's answers, one source standing for its
// people;
// /results gives members the summary in the chat, by village.
func TestFieldModeAndResults(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		ctx := context.Background()
		rec, v, err := survey.Template().ForImport(s.muni.Code)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ImportSurvey(ctx, rec, v); err != nil {
			t.Fatal(err)
		}
		m := s.member(t, 2001, monitoring.Secretary, "А. Осмонова")
		m.Say("/field")
		m.Expect(t, "Азырынча ачылган сурамжылоо жок")
		if _, err := db.MoveSurvey(ctx, s.muni.Code, rec.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		m.Say("/field")
		m.Expect(t, "/field 1: Айылдагы ичүүчү суу (ачык)")
		m.Say("/field 1 9")
		// A group asked together: the meeting first (5.6), then its answers.
		m.Expect(t, "тургундар менен болгон жолугушууну жазабыз. Жолугушуу качан болду?")
		m.Press(t, "Бүгүн")
		m.Expect(t, "Жолугушуу кайда өттү?")
		m.Say("Масы айылы, мектеп")
		m.Expect(t, "Талкуунун темасы кандай болду?")
		m.Press(t, "Айылдагы ичүүчү суу")
		m.Expect(t, "Жолугушууну ким алып барды?")
		m.Press(t, "Мен: А. Осмонова")
		people := m.Expect(t, "Жолугушууга канча адам катышты?")
		if labels := buttonLabels(people); labels != "9|Жокко чыгаруу|Артка" {
			t.Errorf("participants offered %q, want the /field number, cancel and back", labels)
		}
		m.Press(t, "9")
		m.Expect(t, "Катышкандар: 9. Бул жолугушуу фокус топ катары жазылат.")
		m.Press(t, "Өткөрүп жиберүү")
		m.Expect(t, "катышкандар: 9. Сурамжылоо кайсы айылда өттү?")
		m.Press(t, "Масы")
		m.Expect(t, "Саламатсызбы!")
		m.Press(t, "Андан ары")
		m.Expect(t, "макулсузбу")
		m.Press(t, "Макул")
		m.Expect(t, "Кайсы айылда жашайсыз?")
		m.Press(t, "Масы")
		m.Expect(t, "Сууну кайсы крандан аласыз?")
		m.Press(t, "Мектептин жанындагы кран")
		m.Expect(t, "Үй-бүлөңүздө канча адам")
		m.Say("5")
		m.Expect(t, "канча саат")
		m.Say("12")
		m.Expect(t, "кандай көйгөйлөр бар?")
		toggle(t, s, m, "☐ Көйгөй жок", "☑ Көйгөй жок")
		m.Press(t, "Даяр")
		m.Expect(t, "канчалык канааттанасыз?") // the group about problems is skipped
		m.Press(t, "4 — Канааттанам")
		m.Expect(t, "Дагы эмне айткыңыз келет?")
		m.Say("Жок")
		m.Expect(t, "Жоопторуңуз үчүн рахмат!")
		m.Press(t, "Андан ары")
		m.Expect(t, "Жазылды: фокус топ, катышкандар: 9. Жыйынтыктарда бир жооп катары эсептелет. Кийинки анкетаны жазуу үчүн: /field 1")
		gs, err := db.Gatherings(ctx, rec.ID)
		today := time.Now().In(monitoring.Bishkek).Format("2006-01-02")
		if err != nil || len(gs) != 1 || gs[0].Kind != survey.FocusGroup || gs[0].People != 9 || gs[0].HeldOn != today || gs[0].Place != "Масы айылы, мектеп" ||
			gs[0].Topic != "Айылдагы ичүүчү суу" || gs[0].Moderator != "А. Осмонова" || gs[0].ModeratorID == 0 || gs[0].Notes != "" || !gs[0].Complete || gs[0].Village != "masy" {
			t.Fatalf("the focus group kept as %+v, %v", gs, err)
		}

		m.Say("/results 1")
		res := m.Expect(t, "Жооп бергендер: 1 (чакырылгандар: 0, баштагандар: 1). Эсепке алынган адамдар: 9.")
		for _, want := range []string{"Жооп берди: 1 (1 суралгандан)", "Фокус топтор: 1 (катышкандар: 9), ар бири бир жооп катары эсептелди.", "• Көйгөй жок: 1 (100%)", "• Масы: 1; канааттануу индекси 75/100", "Орточо: 5 (эң азы 5, эң көбү 5)"} {
			if !strings.Contains(res.Text, want) {
				t.Errorf("results lack %q:\n%s", want, res.Text)
			}
		}
		r := subscribe(t, s, 2002, "ky", "Кыргызча", "Көйгөй кайсы айылда?")
		r.Expect(t, "Макулдугуңуз сакталды")
		r.Say("/results 1")
		r.Expect(t, "мүчөлөрү үчүн гана")

		// The launch from the chat: the chair, the deputy or the secretary.
		o := s.member(t, 2003, monitoring.Ordinary, "Б. Токтосунов")
		o.Say("/launch 1")
		o.Expect(t, "төрагасы, анын орун басары же катчы гана")
		m.Say("/launch 1")
		m.Expect(t, "сурамжылоосу таратылды: 1 тургунга чакыруу жөнөтүлөт (макулдук бергендер: 1)")
		r.Expect(t, "сурамжылоосун өткөрүп жатат")
		m.Say("/launch 1")
		m.Expect(t, "таратылды: 0 тургунга") // nobody is invited twice
	})
}

// Notes in a row are one message, a header row is not asked, a question
// of a field-list page carries its title, and a form's
// fixed default is offered as one tap and kept as typed.
func TestSurveyOffersTheDefault(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	s := run(t, db)
	f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: d, title: Үй-бүлө}
questions:
  - {type: note, name: intro, label: {ky: "Саламатсызбы!", ru: "Здравствуйте!"}}
  - {type: note, name: how, label: {ky: "3 суроо.", ru: "Всего 3 вопроса."}}
  - {type: select_one, name: header, appearance: label, label: {ky: "Баалар", ru: "Оценки"}, choices: [{name: a, label: {ky: A, ru: A}}]}
  - {type: integer, name: people, label: {ky: "Канча адам?", ru: "Сколько человек?"}, default: "3", required: yes}
  - {type: range, name: score, label: {ky: "Баа?", ru: "Оценка?"}, parameters: "start=1 end=5"}
  - {type: range, name: percent, label: {ky: "Пайыз?", ru: "Процент?"}, parameters: "start=0 end=100 step=5"}
  - type: group
    name: more
    appearance: field-list
    label: {ky: "Кошумча", ru: "Дополнительно"}
    questions:
      - {type: text, name: note, label: {ky: "Дагы эмне?", ru: "Что ещё?"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	u := subscribe(t, s, 1903, "ru", "Русский", "В каком селе")
	u.Expect(t, "Ваше согласие сохранено")
	rec := launchForm(t, s, f)
	u.Expect(t, "проводит опрос «Үй-бүлө»")
	u.Press(t, "Начать")
	u.Expect(t, "Здравствуйте!\n\nВсего 3 вопроса.") // notes in a row: one message
	u.Press(t, "Далее")
	u.Expect(t, "Сколько человек?") // the header row is not asked
	u.Press(t, "Назад")
	u.Expect(t, "Здравствуйте!\n\nВсего 3 вопроса.")
	u.Press(t, "Далее")
	u.Expect(t, "Сколько человек?")
	u.Press(t, "Оставить: 3")
	m := u.Expect(t, "Оценка?")
	if got := buttonLabels(m); !strings.HasPrefix(got, "1|2|3|4|5|") {
		t.Fatalf("a 1–5 range as buttons: %s", got)
	}
	u.Press(t, "4")
	u.Expect(t, "Напишите число (0–100).") // 21 numbers: typed
	u.Say("42")
	u.Expect(t, "Напишите одно из чисел от 0 до 100 (шаг 5).") // not on a step of 5
	u.Say("45")
	u.Expect(t, "Дополнительно\nЧто ещё?") // a page's question carries the page's title
	var got survey.Response
	if err := db.EachResponse(context.Background(), rec.ID, func(r survey.Response) error { got = r; return nil }); err != nil {
		t.Fatal(err)
	}
	if a := got.Answers["people"]; a.Value != "3" || !a.Asked {
		t.Fatalf("people = %+v", a)
	}
	if got.Answers["score"].Value != "4" || got.Answers["percent"].Value != "45" {
		t.Fatalf("ranges: %+v %+v", got.Answers["score"], got.Answers["percent"])
	}
}

// toggle presses a choice of a multiple-choice question and waits for the
// question to be redrawn with the buttons reading marked.
func toggle(t *testing.T, s *stack, u *telegramtest.User, label, marked string) {
	t.Helper()
	u.Press(t, label)
	s.fake.WaitUntil(t, "the choice marked", func() bool {
		msgs := u.Received()
		return len(msgs) > 0 && strings.Contains(buttonLabels(msgs[len(msgs)-1]), marked)
	})
}
