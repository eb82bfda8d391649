package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// responseOf reads the one response to a survey.
func responseOf(t *testing.T, db *storage.DB, surveyID int64) survey.Response {
	t.Helper()
	var got survey.Response
	if err := db.EachResponse(context.Background(), surveyID, func(r survey.Response) error { got = r; return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

// readForm reads a YAML form of a test.
func readForm(t *testing.T, src string) *survey.Form {
	t.Helper()
	f, err := survey.ReadYAML(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Issue 13: a geopoint is a location shared in the chat or "lat lon"
// typed (a decimal comma too), kept as ODK keeps it; a point off the
// Earth is asked again, saying how to write one.
func TestSurveyAsksForAPlace(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		f := readForm(t, `
settings: {form_id: geo, title: Жол}
questions:
  - {type: note, name: intro, label: {ky: "Саламатсызбы!", ru: "Здравствуйте!"}}
  - {type: geopoint, name: pit, label: {ky: "Чуңкур кайда?", ru: "Где яма?"}, required: yes}
  - {type: geopoint, name: lamp, label: {ky: "Шам кайда?", ru: "Где фонарь?"}}
  - {type: text, name: more, label: {ky: "Дагы эмне?", ru: "Что ещё?"}}
`)
		u := subscribe(t, s, 1951, "ru", "Русский", "В каком селе")
		u.Expect(t, "Ваше согласие сохранено")
		rec := launchForm(t, s, f)
		u.Expect(t, "проводит опрос «Жол»")
		u.Press(t, "Начать")
		u.Expect(t, "Здравствуйте!")
		u.Press(t, "Далее")
		m := u.Expect(t, "Где яма?")
		if !strings.Contains(m.Text, "Отправьте местоположение через 📎") {
			t.Fatalf("the question says how to answer it: %q", m.Text)
		}
		u.Say("100 200")
		u.Expect(t, "Это не похоже на координаты. Напишите широту (от −90 до 90)")
		u.Expect(t, "Где яма?")
		u.Location(42.8746, 74.5698)
		u.Expect(t, "Где фонарь?")
		u.Say("42,87 74,59")
		u.Expect(t, "Что ещё?")
		u.Press(t, "Назад")
		u.Expect(t, "Прежний ответ: 42.87 74.59")
		u.Say("42.88, 74.6")
		u.Expect(t, "Что ещё?")
		u.Say("Всё")
		u.Expect(t, "Ваши ответы сохранены")
		got := responseOf(t, db, rec.ID)
		if got.Answers["pit"].Value != "42.8746 74.5698 0 0" || got.Answers["lamp"].Value != "42.88 74.6 0 0" {
			t.Fatalf("places kept as %q and %q", got.Answers["pit"].Value, got.Answers["lamp"].Value)
		}
	})
}

// Issue 13: a dynamic default is evaluated as the response starts and
// offered as one tap; a trigger sets a question when the named answer
// changes (again after "back"); a read-only value is shown, not asked.
func TestSurveyDefaultsTriggersAndReadOnly(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		f := readForm(t, `
settings: {form_id: dyn, title: Суу}
questions:
  - {type: note, name: intro, label: {ky: "Саламатсызбы!", ru: "Здравствуйте!"}}
  - {type: date, name: seen, label: {ky: "Качан?", ru: "Когда?"}, default: "today()"}
  - {type: integer, name: people, label: {ky: "Канча адам?", ru: "Сколько человек?"}, default: "3"}
  - {type: integer, name: liters, label: {ky: "Канча литр?", ru: "Сколько литров?"}, calculation: "${people} * 10", trigger: "${people}"}
  - {type: text, name: total, label: {ky: "Жыйынтык:", ru: "Итого:"}, calculation: "concat(${people}, ' / ', ${liters})", read_only: yes}
  - {type: text, name: more, label: {ky: "Дагы эмне?", ru: "Что ещё?"}}
`)
		u := subscribe(t, s, 1952, "ru", "Русский", "В каком селе")
		u.Expect(t, "Ваше согласие сохранено")
		rec := launchForm(t, s, f)
		u.Expect(t, "проводит опрос «Суу»")
		u.Press(t, "Начать")
		u.Expect(t, "Здравствуйте!")
		u.Press(t, "Далее")
		m := u.Expect(t, "Когда?")
		today := time.Now().In(monitoring.Bishkek).Format("02.01.2006")
		if got := buttonLabels(m); !strings.Contains(got, "Оставить: "+today) {
			t.Fatalf("today() offered as the answer to keep: %s", got)
		}
		u.Press(t, "Оставить: "+today)
		u.Expect(t, "Сколько человек?")
		u.Press(t, "Оставить: 3") // a static default
		m = u.Expect(t, "Сколько литров?")
		if got := buttonLabels(m); !strings.Contains(got, "Оставить: 30") {
			t.Fatalf("the value the trigger set, offered: %s", got)
		}
		u.Say("25")
		m = u.Expect(t, "Итого:\n3 / 25")
		if got := buttonLabels(m); got != "Далее|Назад" {
			t.Fatalf("a read-only value is shown like a note: %s", got)
		}
		u.Press(t, "Далее")
		u.Expect(t, "Что ещё?")
		u.Press(t, "Назад")
		u.Expect(t, "Итого:")
		u.Press(t, "Назад")
		u.Expect(t, "Сколько литров?")
		u.Press(t, "Назад")
		u.Expect(t, "Сколько человек?")
		u.Say("4")
		m = u.Expect(t, "Сколько литров?")
		if got := buttonLabels(m); !strings.Contains(got, "Оставить: 40") {
			t.Fatalf("a changed answer fires the trigger again: %s", got)
		}
		u.Press(t, "Оставить: 40")
		u.Expect(t, "Итого:\n4 / 40")
		u.Press(t, "Далее")
		u.Expect(t, "Что ещё?")
		u.Say("Всё")
		u.Expect(t, "Ваши ответы сохранены")
		got := responseOf(t, db, rec.ID)
		want := time.Now().In(monitoring.Bishkek).Format("2006-01-02")
		for name, v := range map[string]string{"seen": want, "people": "4", "liters": "40", "total": "4 / 40"} {
			if got.Answers[name].Value != v {
				t.Errorf("%s = %q, want %q", name, got.Answers[name].Value, v)
			}
		}
	})
}

// Issue 13: a form's Markdown is Telegram's formatting. The real client
// sends parse_mode HTML with everything else escaped (an answer shown in
// a label too); a question pressed keeps its formatting in the edit; a
// message Telegram cannot parse goes plain rather than being lost.
func TestSurveyMarkdownOnTelegram(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		f := readForm(t, `
settings: {form_id: md, title: Көчө}
questions:
  - {type: note, name: intro, label: {ky: "# Саламатсызбы!\n**Маанилүү:** жооптор [сайтта](https://example.kg/a_b?x=1&y=2) жарыяланат. 1 < 2", ru: "# Здравствуйте!\n**Важно:** ответы будут [на сайте](https://example.kg/a_b?x=1&y=2). 1 < 2"}}
  - {type: text, name: street, label: {ky: "*Кайсы* көчө?", ru: "*Какая* улица?"}, hint: {ky: "_мисалы_ Ленин", ru: "_например_ Ленина"}}
  - {type: note, name: thanks, label: {ky: "**Рахмат**, ${street}!", ru: "**Спасибо**, ${street}!"}}
  - {type: text, name: more, label: {ky: "Дагы эмне?", ru: "Что ещё?"}}
  - {type: note, name: bye, label: {ky: "**Сау болуңуз!**", ru: "**До свидания!**"}}
`)
		u := subscribe(t, s, 1953, "ru", "Русский", "В каком селе")
		u.Expect(t, "Ваше согласие сохранено")
		rec := launchForm(t, s, f)
		u.Expect(t, "проводит опрос «Көчө»")
		u.Press(t, "Начать")
		m := u.Expect(t, "Здравствуйте!")
		if want := "Здравствуйте!\nВажно: ответы будут на сайте. 1 < 2"; m.Text != want {
			t.Errorf("shown as\n%q, want\n%q", m.Text, want)
		}
		if want := `<b>Здравствуйте!</b>` + "\n" + `<b>Важно:</b> ответы будут <a href="https://example.kg/a_b?x=1&amp;y=2">на сайте</a>. 1 &lt; 2`; m.HTML != want {
			t.Errorf("sent as\n%q, want\n%q", m.HTML, want)
		}
		u.Press(t, "Далее")
		m = u.Expect(t, "Какая улица?")
		if !strings.HasPrefix(m.HTML, "<b>Здравствуйте!</b>") || !strings.Contains(m.HTML, "✓ Далее\n\n<i>Какая</i> улица?\n<i>например</i> Ленина") {
			t.Errorf("the note pressed and the next question, one edit, formatted: %q", m.HTML)
		}
		u.Say("<Ленина> & Co")
		m = u.Expect(t, "Спасибо, <Ленина> & Co!")
		if want := "<b>Спасибо</b>, &lt;Ленина&gt; &amp; Co!"; m.HTML != want {
			t.Errorf("an answer in a label is escaped: %q, want %q", m.HTML, want)
		}
		s.fake.FailFormatting("editMessageText", u.Chat, 1)
		u.Press(t, "Далее")
		m = u.Expect(t, "Что ещё?")
		if !strings.Contains(m.Text, "Спасибо, <Ленина> & Co!") || m.HTML != "" {
			t.Errorf("an edit Telegram could not parse, made plain: %q (sent as %q)", m.Text, m.HTML)
		}
		s.fake.FailFormatting("sendMessage", u.Chat, 1)
		u.Say("Всё")
		m = u.Expect(t, "До свидания!")
		if m.HTML != "" {
			t.Errorf("a message Telegram could not parse, sent plain: %q", m.HTML)
		}
		u.Press(t, "Далее")
		u.Expect(t, "Ваши ответы сохранены")
		if got := responseOf(t, db, rec.ID); got.Answers["street"].Value != "<Ленина> & Co" {
			t.Fatalf("street = %q", got.Answers["street"].Value)
		}
	})
}
