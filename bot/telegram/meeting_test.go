package telegram_test

import (
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
