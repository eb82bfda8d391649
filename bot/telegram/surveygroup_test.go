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

// openForm imports a small form as an open survey, with nobody invited:
// field mode records it.
func openForm(t *testing.T, s *stack, yaml string) survey.Record {
	t.Helper()
	ctx := context.Background()
	f, err := survey.ReadYAML(strings.NewReader(yaml))
	if err != nil {
		t.Fatal(err)
	}
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
	return *rec
}

const waterForm = `
settings: {form_id: water-groups, title: Суу боюнча талкуу}
questions:
  - type: select_one
    name: enough
    required: yes
    label: {ky: "Суу жетиштүүбү?", ru: "Воды хватает?"}
    choices: [{name: "yes", label: {ky: Ооба, ru: Да}}, {name: "no", label: {ky: Жок, ru: Нет}}]
`

// Regulation 5.6: a focus group is 8–12 people. A group of 5 is recorded,
// and the member told, as a group discussion; the meeting's questions take
// typed days, names and numbers, refuse a day to come and a group of one,
// go back with their answers shown, survive a restart and an interruption,
// and cancel without keeping anything.
// Each group is one answer in /results, the kinds counted apart.
func TestGroupDiscussionIsNotAFocusGroup(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		fake := newFake(t)
		s := newStack(t, db, fake, defaultOpts(), fast).start()
		ctx := context.Background()
		rec := openForm(t, s, waterForm)
		m := s.member(t, 2101, monitoring.Ordinary, "Б. Токтосунов")
		s.member(t, 2102, monitoring.Chair, "Г. Кандарова")

		// Cancelled half-way: nothing is kept.
		m.Say("/field 1 10")
		m.Expect(t, "Жолугушуу качан болду?")
		m.Say("бүгүн")
		m.Expect(t, "Жолугушуу кайда өттү?")
		m.Press(t, "Жокко чыгаруу")
		m.Expect(t, "Жокко чыгарылды.")
		if gs, err := db.Gatherings(ctx, rec.ID); err != nil || len(gs) != 0 {
			t.Fatalf("a cancelled meeting kept: %+v, %v", gs, err)
		}

		m.Say("/field 1 5")
		m.Expect(t, "Жолугушуу качан болду?")
		m.Say("31.02.2026")
		m.Expect(t, "Күндү мисалы 14.10.2025 түрүндө жазыңыз.")
		m.Say(time.Now().In(monitoring.Bishkek).AddDate(0, 0, 2).Format("02.01.2006"))
		m.Expect(t, "Бул күн али келе элек.")
		m.Say("14.10.2025")
		m.Expect(t, "Жолугушуу кайда өттү?")
		m.Say("Арал айылы, клуб")
		m.Expect(t, "Талкуунун темасы кандай болду?")
		s.stop() // the meeting so far is kept with the conversation
		newStack(t, db, fake, defaultOpts(), fast).start()
		m.Say("/help") // an interruption, then the open question again
		m.Expect(t, "Талкуунун темасы кандай болду?")
		m.Say("Суу жана жолдор")
		moderator := m.Expect(t, "Жолугушууну ким алып барды?")
		if labels := buttonLabels(moderator); labels != "Мен: Б. Токтосунов|Г. Кандарова|Жокко чыгаруу|Артка" {
			t.Errorf("moderators offered %q: the recorder first, then the other members", labels)
		}
		m.Press(t, "Артка")
		m.Expect(t, "Мурунку жообуңуз: Суу жана жолдор")
		m.Say("Суу")
		m.Expect(t, "Жолугушууну ким алып барды?")
		m.Say("Т. Жумабаева") // someone from outside the group
		m.Expect(t, "Жолугушууга канча адам катышты?")
		m.Say("1")
		m.Expect(t, "Сураныч, санды жазыңыз (2–100).")
		m.Say("5")
		m.Expect(t, "Катышкандар: 5. Фокус топко 8–12 адам катышат, ошондуктан бул жолугушуу фокус топ катары эмес, топтук талкуулоо катары жазылат.")
		m.Say("Аялдар гана катышты, 0555 12 34 56")
		m.Expect(t, "катышкандар: 5. Сурамжылоо кайсы айылда өттү?")
		m.Press(t, "Арал")
		m.Expect(t, "Суу жетиштүүбү?")
		m.Press(t, "Жок")
		m.Expect(t, "Жазылды: топтук талкуулоо, катышкандар: 5. Жыйынтыктарда бир жооп катары эсептелет.")

		// And a focus group of 12, moderated by another member.
		m.Say("/field 1 12")
		m.Expect(t, "Жолугушуу качан болду?")
		m.Say("15.10.2025")
		m.Expect(t, "Жолугушуу кайда өттү?")
		m.Say("Масы, мектеп")
		m.Expect(t, "Талкуунун темасы кандай болду?")
		m.Press(t, "Суу боюнча талкуу")
		m.Expect(t, "Жолугушууну ким алып барды?")
		m.Press(t, "Г. Кандарова")
		m.Expect(t, "Жолугушууга канча адам катышты?")
		m.Say("12")
		m.Expect(t, "Катышкандар: 12. Бул жолугушуу фокус топ катары жазылат.")
		m.Press(t, "Өткөрүп жиберүү")
		m.Expect(t, "Сурамжылоо кайсы айылда өттү?")
		m.Press(t, "Масы")
		m.Expect(t, "Суу жетиштүүбү?")
		m.Press(t, "Ооба")
		m.Expect(t, "Жазылды: фокус топ, катышкандар: 12.")

		gs, err := db.Gatherings(ctx, rec.ID)
		if err != nil || len(gs) != 2 {
			t.Fatalf("gatherings %+v, %v", gs, err)
		}
		if g := gs[0]; g.Kind != survey.Discussion || g.People != 5 || g.HeldOn != "2025-10-14" || g.Place != "Арал айылы, клуб" || g.Topic != "Суу" ||
			g.ModeratorID != 0 || g.Moderator != "Т. Жумабаева" || g.Notes != "Аялдар гана катышты, •••" || g.Village != "aral" || !g.Complete {
			t.Errorf("the discussion kept as %+v", g)
		}
		if g := gs[1]; g.Kind != survey.FocusGroup || g.People != 12 || g.Topic != "Суу боюнча талкуу" || g.Moderator != "Г. Кандарова" || g.ModeratorID == 0 {
			t.Errorf("the focus group kept as %+v", g)
		}

		m.Say("/results 1")
		res := m.Expect(t, "Жооп бергендер: 2 (чакырылгандар: 0, баштагандар: 2). Эсепке алынган адамдар: 17.")
		for _, want := range []string{"Фокус топтор: 1 (катышкандар: 12)", "Топтук талкуулоолор: 1 (катышкандар: 5)",
			"Жооп берди: 2 (2 суралгандан)", "• Ооба: 1 (50%)", "• Жок: 1 (50%)"} {
			if !strings.Contains(res.Text, want) {
				t.Errorf("results lack %q:\n%s", want, res.Text)
			}
		}
	})
}
