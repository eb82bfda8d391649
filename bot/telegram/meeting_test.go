package telegram_test

import (
	"context"
	"strings"
	"testing"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// The secretary records a meeting in the chat (3.7) with who attended; the
// chair signs the minutes; the deputy signs only within the chair's
// recorded absence (3.6), and when the deputy records it the chair and the
// group are told.
func TestMeetingRecordedAndSignedInTheChat(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		s := newStack(t, db, newFake(t), defaultOpts(), fast).start()
		chair, others := s.group(t)
		secretary, ordinary := others[0], others[1]
		deputy := s.member(t, 5010, monitoring.Deputy, "Д. Орунбасарова")

		ordinary.Say("/meeting")
		ordinary.Expect(t, "Отурумду төрага, анын орун басары же катчы жазат.")

		secretary.Say("/meeting")
		secretary.Expect(t, "Отурум качан өттү?")
		secretary.Say("эртең") // a word instead of a date
		secretary.Expect(t, "Күнүн жана саатын мындай жазыңыз")
		secretary.Say("10.02.2026 15:00")
		secretary.Expect(t, "Отурум кайда өттү?")
		secretary.Say("Масы айылы, айыл өкмөтү")
		secretary.Expect(t, "Күн тартибин жазыңыз")
		secretary.Say("1. Орун басарды шайлоо\n2. Суу боюнча мониторинг")
		secretary.Expect(t, "протоколдун номери: 1/2026")
		attend := secretary.Expect(t, "№ 1/2026 отурумга ким катышты?")
		if !strings.Contains(strings.Join(attend.Labels(), "|"), "✓ У. Жантаева: катышты") {
			t.Fatalf("attendance buttons: %q", attend.Labels())
		}
		toggle(t, s, secretary, "✓ У. Жантаева: катышты", "✗ У. Жантаева: катышкан жок")
		secretary.Press(t, "Даяр")
		secretary.Expect(t, "Катышкандар: 5, бардыгы: 6.")

		deputy.Say("/sign 1/2026")
		deputy.Expect(t, "Орун басары төраганын жазылган жок болгон мезгилинде гана кол коёт")
		secretary.Say("/sign 1/2026")
		secretary.Expect(t, "Протоколго төрага же төраганын жок болгон мезгилинде")
		chair.Say("/sign 7/2026")
		chair.Expect(t, "Мындай номердеги протокол табылган жок: 7/2026")
		chair.Say("/sign 1/2026")
		chair.Expect(t, "№ 1/2026 протоколго кол коюлду (төрага).")
		chair.Say("/sign 1/2026")
		chair.Expect(t, "Бул протоколго кол коюлган")

		// The deputy records the chair's absence: the chair and the group hear of it.
		deputy.Say("/away 20.01.2026 31.12.2099")
		deputy.Expect(t, "Жазылды: төрага жок болгон мезгил")
		chair.Expect(t, "Д. Орунбасарова төраганын жок болгон мезгилин жазды")
		s.fake.WaitUntil(t, "the group told of the absence", func() bool {
			for _, m := range s.fake.Messages(groupChat) {
				if strings.Contains(m.Text, "төраганын жок болгон мезгилин жазды") {
					return true
				}
			}
			return false
		})
		secretary.Say("/meeting")
		secretary.Expect(t, "Отурум качан өттү?")
		secretary.Say("11.02.2026 10:00")
		secretary.Expect(t, "Отурум кайда өттү?")
		secretary.Press(t, "Топтун чатында")
		secretary.Expect(t, "Күн тартибин жазыңыз")
		secretary.Say("Кезектеги отурум")
		secretary.Expect(t, "№ 2/2026 отурумга ким катышты?")
		secretary.Press(t, "Даяр")
		deputy.Say("/sign 2/2026")
		deputy.Expect(t, "№ 2/2026 протоколго кол коюлду (Төраганын милдетин аткаруучу).")
		deputy.Say("/meetings")
		list := deputy.Expect(t, "Топтун отурумдары:")
		if !strings.Contains(list.Text, "№ 1/2026") || !strings.Contains(list.Text, "кол койгон: Г. Кандарова") || !strings.Contains(list.Text, "кол койгон: Д. Орунбасарова") {
			t.Fatalf("meetings: %q", list.Text)
		}
	})
}

// meetings reads the group's meetings as the minutes hold them.
func meetings(t *testing.T, s *stack) []monitoring.Meeting {
	t.Helper()
	var list []monitoring.Meeting
	if err := s.db.InTx(context.Background(), func(tx *storage.Tx) error {
		var err error
		list, err = tx.Meetings(context.Background(), s.muni.Code)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return list
}

// The secretary records a meeting's decisions in the chat (3.5, 3.7): its
// text, the vote checked against those present, an election; "Back" at
// the attendance never records the meeting twice; /meeting 1/2026 adds a
// decision later, by whoever keeps the minutes now (electing a new
// secretary hands them over), until the chair signs.
func TestMeetingDecisionsInTheChat(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		s := newStack(t, db, newFake(t), defaultOpts(), fast).start()
		chair, others := s.group(t)
		secretary := others[0]

		secretary.Say("/meeting")
		secretary.Expect(t, "Отурум качан өттү?")
		secretary.Say("10.02.2026 15:00")
		secretary.Expect(t, "Отурум кайда өттү?")
		secretary.Say("Масы айылы")
		secretary.Expect(t, "Күн тартибин жазыңыз")
		secretary.Say("Катчыны шайлоо; Суу боюнча мониторинг")
		secretary.Expect(t, "№ 1/2026 отурумга ким катышты?")
		// The meeting is recorded: going back cannot record it again.
		secretary.Say("Артка")
		secretary.Expect(t, "№ 1/2026 отурумга ким катышты?")
		secretary.Say("Суу боюнча мониторинг")
		secretary.Expect(t, "№ 1/2026 отурумга ким катышты?")
		if list := meetings(t, s); len(list) != 1 {
			t.Fatalf("meetings after Back: %d, want 1", len(list))
		}
		toggle(t, s, secretary, "✓ Э. Осмоналиев: катышты", "✗ Э. Осмоналиев: катышкан жок")
		secretary.Press(t, "Даяр")
		secretary.Expect(t, "Катышкандар: 4, бардыгы: 5.")
		secretary.Expect(t, "№ 1/2026 отурумда кабыл алынган чечимдерди жазасызбы?")

		// A decision with its vote: only the four present vote, each once.
		secretary.Press(t, "Чечимди жазуу")
		secretary.Expect(t, "Чечимдин текстин жазыңыз")
		secretary.Say("Суу боюнча мониторингди март айында өткөрүү")
		secretary.Expect(t, "Канча мүчө макул болду? Санын жазыңыз (0–4).")
		secretary.Say("5")
		secretary.Expect(t, "Сураныч, санды жазыңыз (0–4).")
		secretary.Say("3")
		secretary.Expect(t, "Канча мүчө каршы болду? Санын жазыңыз (0–1).")
		secretary.Say("1") // everyone present is counted: nobody is left to abstain
		secretary.Expect(t, "Бул чечим боюнча шайлоо болдубу")
		secretary.Press(t, "Шайлоо болгон жок")
		secretary.Expect(t, "макул — 3, каршы — 1, калыс калды — 0")
		secretary.Expect(t, "Дагы чечим барбы?")

		// An election (3.5) gives the role.
		secretary.Press(t, "Дагы бир чечим")
		secretary.Say("Төраганын орун басарын шайлоо")
		secretary.Expect(t, "Санын жазыңыз (0–4).")
		secretary.Say("4")
		secretary.Expect(t, "Бул чечим боюнча шайлоо болдубу")
		secretary.Press(t, "Төраганын орун басары")
		who := secretary.Expect(t, "Төраганын орун басары болуп ким шайланды?")
		if labels := strings.Join(who.Labels(), "|"); !strings.Contains(labels, "Г. Кандарова (төрага)|К. Султанова (катчы)|") {
			t.Fatalf("the members to elect, with who holds an office now: %q", labels)
		}
		secretary.Press(t, "У. Жантаева")
		secretary.Expect(t, "Шайланды: У. Жантаева, төраганын орун басары.")
		// Back from here is the attendance, never a decision recorded.
		secretary.Say("Артка")
		secretary.Expect(t, "№ 1/2026 отурумга ким катышты?")
		secretary.Press(t, "Даяр")
		secretary.Expect(t, "Дагы чечим барбы?")
		secretary.Press(t, "Даяр")
		secretary.Expect(t, "№ 1/2026 отурумдун протоколу даяр. Чечимдер: 2.")

		mt := meetings(t, s)[0]
		if len(mt.Decisions) != 2 || mt.Decisions[0].For != 3 || mt.Decisions[0].Against != 1 || mt.Decisions[1].Elects != monitoring.Deputy || mt.Decisions[1].ElectedName != "У. Жантаева" {
			t.Fatalf("decisions: %+v", mt.Decisions)
		}
		var audited int
		if err := db.SQL().Get(&audited, db.SQL().Rebind(`SELECT COUNT(*) FROM audit_log WHERE action = 'decision' AND outcome = 'ok'`)); err != nil || audited != 2 {
			t.Fatalf("audited decisions: %d, %v", audited, err)
		}

		// Later: only those who keep the minutes add to them, and only
		// until the chair signs.
		others[1].Say("/meeting 1/2026")
		others[1].Expect(t, "Отурумду төрага, анын орун басары же катчы жазат.")
		secretary.Say("/meeting 1 2026")
		secretary.Expect(t, "Мындай жазыңыз: /meeting — жаңы отурум")
		secretary.Say("/meeting 1/2026")
		secretary.Expect(t, "№ 1/2026 отурумда кабыл алынган чечимдерди жазасызбы?")
		secretary.Press(t, "Чечимди жазуу")
		secretary.Say("Катчыны шайлоо")
		secretary.Say("4")
		secretary.Expect(t, "Бул чечим боюнча шайлоо болдубу")
		secretary.Press(t, "Катчы")
		secretary.Expect(t, "Катчы болуп ким шайланды?")
		secretary.Press(t, "К. Ташиев")
		secretary.Expect(t, "Шайланды: К. Ташиев, катчы.")
		// The former secretary keeps the minutes no more (3.5, 3.7).
		handed := secretary.Expect(t, "Ролуңуз өзгөрдү")
		secretary.PressData(handed.ID, "1|new") // a forged "another decision"
		secretary.Expect(t, "Бул баскыч эми иштебейт.")
		secretary.Say("/meeting 1/2026")
		secretary.Expect(t, "Отурумду төрага, анын орун басары же катчы жазат.")

		newSecretary := others[3]
		newSecretary.Say("/meeting 1/2026")
		newSecretary.Expect(t, "№ 1/2026 отурумда кабыл алынган чечимдерди жазасызбы?")
		newSecretary.Press(t, "Чечимди жазуу")
		newSecretary.Say("Кийинки отурум 10-мартта")
		newSecretary.Expect(t, "Канча мүчө макул болду?")
		chair.Say("/sign 1/2026")
		chair.Expect(t, "№ 1/2026 протоколго кол коюлду")
		newSecretary.Say("4")
		newSecretary.Expect(t, "Бул чечим боюнча шайлоо болдубу")
		newSecretary.Press(t, "Шайлоо болгон жок")
		newSecretary.Expect(t, "Бул протоколго кол коюлган, ал өзгөрбөйт.")
		chair.Say("/meeting 1/2026")
		chair.Expect(t, "Бул протоколго кол коюлган, ал өзгөрбөйт.")
		if mt := meetings(t, s)[0]; len(mt.Decisions) != 3 {
			t.Fatalf("signed minutes changed: %+v", mt.Decisions)
		}
	})
}
