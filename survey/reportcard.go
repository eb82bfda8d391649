package survey

import (
	"fmt"
	"strings"
)

// Satisfaction is the report card's 1–5 question; the satisfaction index
// per service and village is the mean of its answers, comparable between
// rounds because every card asks it with the same names.
const Satisfaction = "satisfaction"

// ReportCard is the built-in citizen report card for a service
// (Regulation 5.6): availability, quality, satisfaction from 1 to 5, the
// main problem (with "other") and a suggestion, in Kyrgyz and Russian.
// labels names the service per language ("ky", "ru"); service is its code
// in the config, used for the form id and when a name is missing.
func ReportCard(service string, labels map[string]string) *Form {
	name := func(lang string) string {
		s := Translations(labels).In(lang)
		if s == "" {
			s = service
		}
		// A ${ in a service's name would read as a reference.
		return strings.ReplaceAll(s, "${", "$ {")
	}
	ky, ru := name("ky"), name("ru")
	at := func(what string) place {
		return func(field string) string { return fmt.Sprintf("report card for %q, %s, %s", service, what, field) }
	}
	texts := func(k, r string) Translations { return Translations{"ky": k, "ru": r} }
	var rows []rawRow
	ask := func(typ, qname string, label Translations, required bool) {
		row := rawRow{typ: typ, name: qname, cells: map[string]string{}, texts: map[string]Translations{colLabel: label}, at: at(qname)}
		if required {
			row.cells["required"] = "yes"
		}
		rows = append(rows, row)
	}
	var choices []rawChoice
	list := func(listName string, options ...[3]string) {
		for _, o := range options {
			choices = append(choices, rawChoice{list: listName, name: o[0], label: texts(o[1], o[2]), at: at("list " + listName)})
		}
	}

	ask("note", "intro", texts(
		"Саламатсызбы! Биргелешкен мониторинг жана баалоо тобу «"+ky+"» кызматы тууралуу тургундардын пикирин чогултуп жатат. "+
			"5 суроо, бир нече мүнөт. Жоопторуңуз аты-жөнүңүз жок эсептелет жана айыл өкмөтүнө жалпы жыйынтык катары гана берилет. "+
			"Каалаган убакта /stop деп жазып токтотсоңуз болот.",
		"Здравствуйте! Группа совместного мониторинга и оценки собирает мнения жителей об услуге «"+ru+"». "+
			"5 вопросов, несколько минут. Ответы учитываются без имени и передаются айыл окмоту только в общих итогах. "+
			"Остановиться можно в любой момент командой /stop."), false)
	ask("select_one availability", "availability", texts(
		"«"+ky+"» кызматы сизге керек болгондо жеткиликтүүбү?",
		"Доступна ли услуга «"+ru+"», когда она вам нужна?"), true)
	list("availability",
		[3]string{"always", "Ар дайым", "Всегда"},
		[3]string{"mostly", "Көбүнчө", "Чаще всего"},
		[3]string{"sometimes", "Кээде", "Иногда"},
		[3]string{"never", "Эч качан", "Никогда"},
		[3]string{"dont_know", "Айта албайм", "Затрудняюсь ответить"})

	ask("select_one quality", "quality", texts(
		"«"+ky+"» кызматынын сапатын кандай баалайсыз?",
		"Как вы оцениваете качество услуги «"+ru+"»?"), true)
	list("quality",
		[3]string{"good", "Жакшы", "Хорошее"},
		[3]string{"fair", "Орточо", "Среднее"},
		[3]string{"poor", "Начар", "Плохое"},
		[3]string{"dont_know", "Айта албайм", "Затрудняюсь ответить"})

	ask("select_one "+Satisfaction, Satisfaction, texts(
		"«"+ky+"» кызматына канчалык канааттанасыз?",
		"Насколько вас устраивает услуга «"+ru+"»?"), true)
	list(Satisfaction,
		[3]string{"1", "1 — Такыр канааттанбайм", "1 — Совсем не устраивает"},
		[3]string{"2", "2 — Анча канааттанбайм", "2 — Скорее не устраивает"},
		[3]string{"3", "3 — Орточо", "3 — Отчасти устраивает"},
		[3]string{"4", "4 — Канааттанам", "4 — Скорее устраивает"},
		[3]string{"5", "5 — Толук канааттанам", "5 — Полностью устраивает"})

	ask("select_one main_problem or_other", "main_problem", texts(
		"«"+ky+"» кызматындагы эң негизги көйгөй эмне?",
		"Какая главная проблема с услугой «"+ru+"»?"), true)
	list("main_problem",
		[3]string{"interruptions", "Тез-тез үзгүлтүккө учурайт", "Часто бывают перебои"},
		[3]string{"poor_quality", "Сапаты начар", "Низкое качество"},
		[3]string{"cost", "Баасы кымбат", "Слишком дорого"},
		[3]string{"far", "Алыс, жетүү кыйын", "Далеко, трудно добраться"},
		[3]string{"staff", "Кызматкерлердин мамилеси начар", "Плохое отношение сотрудников"},
		[3]string{"information", "Маалымат жетишсиз", "Мало информации"},
		[3]string{"none", "Көйгөй жок", "Проблем нет"})

	ask("text", "suggestion", texts(
		"«"+ky+"» кызматын жакшыртуу үчүн эмне сунуштайсыз?",
		"Что вы предлагаете, чтобы улучшить услугу «"+ru+"»?"), false)
	rows[len(rows)-1].texts[colHint] = texts("Каалабасаңыз, өткөрүп жибериңиз.", "Этот вопрос можно пропустить.")

	raw := &rawForm{
		settings: rawSettings{
			id:              "report_card_" + formID(service),
			title:           "«" + ky + "» кызматы боюнча жарандардын отчеттук карточкасы",
			version:         "1",
			defaultLanguage: "ky",
			at:              at("settings"),
		},
		rows: rows, choices: choices, languages: []string{"ky", "ru"},
		surveyAt: "report card", choicesAt: "the report card",
	}
	f, err := raw.build()
	if err != nil {
		// Every text above is fixed and the service's name is escaped:
		// an error here is a bug in this file, caught by its tests.
		panic(fmt.Sprintf("survey: report card for %q: %v", service, err))
	}
	return f
}

// formID makes a config's service code into a form id: lower-case Latin
// letters, digits and underscores.
func formID(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "service"
	}
	return b.String()
}
