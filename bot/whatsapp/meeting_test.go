package whatsapp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// The group's business on WhatsApp, where menus are numbered lines: the
// chair records the council's approval (3.4); the secretary records a
// meeting, its attendance and a decision with its vote by typed numbers
// (3.5, 3.7), drops a second one and comes back to the minutes; the
// deputy records the chair's absence and signs as acting chair (3.6).
func TestMeetingRecordedAndSignedOnWhatsApp(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, fakeLIDs{})
		join := func(phone string, role monitoring.Role, name string) *user {
			u := s.fake.user(phone)
			u.say(t, "/join "+s.invite(t, role, name))
			u.expect(t, "Кош келиңиз, "+name)
			return u
		}
		chair := join("996700000011", monitoring.Chair, "Г. Кандарова")
		secretary := join("996700000012", monitoring.Secretary, "К. Султанова")
		deputy := join("996700000013", monitoring.Deputy, "Д. Орунбасарова")
		join("996700000014", monitoring.Ordinary, "Э. Осмоналиев")
		join("996700000015", monitoring.Ordinary, "У. Жантаева")

		var members []monitoring.Member
		if err := db.InTx(context.Background(), func(tx *storage.Tx) error {
			var err error
			members, err = tx.Members(context.Background(), s.muni.Code, false)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		chair.say(t, fmt.Sprintf("/approve %d 12/5 14.10.2025", members[0].ID))
		chair.expect(t, "Бекитүү жазылды: Г. Кандарова. Айылдык кеңештин токтому: № 12/5")

		secretary.say(t, "/meeting")
		secretary.expect(t, "Отурум качан өттү?")
		secretary.say(t, "10.02.2026 15:00")
		place := secretary.expect(t, "Отурум кайда өттү?")
		if !strings.Contains(place, "«Топтун чатында»") {
			t.Fatalf("the place question should name the word to type: %q", place)
		}
		secretary.say(t, "Масы айылы")
		secretary.expect(t, "Күн тартибин жазыңыз")
		secretary.say(t, "Суу боюнча мониторинг")
		secretary.expect(t, "протоколдун номери: 1/2026")
		attend := secretary.expect(t, "№ 1/2026 отурумга ким катышты?")
		if !strings.Contains(attend, "\n5. ✓ У. Жантаева: катышты\n6. Даяр") || !strings.Contains(attend, "(1–6)") {
			t.Fatalf("attendance as numbered lines: %q", attend)
		}
		secretary.say(t, "5") // У. Жантаева was absent
		secretary.expect(t, "5. ✗ У. Жантаева: катышкан жок")
		secretary.say(t, "6")
		secretary.expect(t, "Катышкандар: 4, бардыгы: 5.")
		decide := secretary.expect(t, "отурумда кабыл алынган чечимдерди жазасызбы?")
		if !strings.Contains(decide, "1. Чечимди жазуу\n2. Даяр") {
			t.Fatalf("the offer to record decisions: %q", decide)
		}
		secretary.say(t, "1")
		secretary.expect(t, "Чечимдин текстин жазыңыз")
		secretary.say(t, "Суу боюнча мониторингди март айында өткөрүү")
		votes := secretary.expect(t, "Канча мүчө макул болду? Санын жазыңыз (0–4).")
		if strings.Contains(votes, "\n1. ") {
			t.Fatalf("a count is typed, not chosen from a list: %q", votes)
		}
		secretary.say(t, "3")
		secretary.expect(t, "Канча мүчө каршы болду? Санын жазыңыз (0–1).")
		secretary.say(t, "2") // more than those left to count
		secretary.expect(t, "Сураныч, санды жазыңыз (0–1).")
		secretary.say(t, "0")
		secretary.expect(t, "Канча мүчө калыс калды? Санын жазыңыз (0–1).")
		secretary.say(t, "1")
		elects := secretary.expect(t, "Бул чечим боюнча шайлоо болдубу")
		if !strings.Contains(elects, "1. Төрага\n2. Төраганын орун басары\n3. Катчы\n4. Шайлоо болгон жок") {
			t.Fatalf("the election question: %q", elects)
		}
		secretary.say(t, "4")
		secretary.expect(t, "макул — 3, каршы — 0, калыс калды — 1")
		secretary.expect(t, "Дагы чечим барбы?")
		secretary.say(t, "1")
		secretary.say(t, "Кийинки отурум")
		secretary.expect(t, "Канча мүчө макул болду?")
		secretary.say(t, "Жокко чыгаруу") // this decision only: the meeting stays
		secretary.expect(t, "Бул чечим жазылган жок. Отурум жана мурда жазылган чечимдер сакталды; кийин кошуу үчүн: /meeting 1/2026")
		secretary.say(t, "/meeting 1/2026")
		secretary.expect(t, "№ 1/2026 отурумда кабыл алынган чечимдерди жазасызбы?")
		secretary.say(t, "2")
		secretary.expect(t, "№ 1/2026 отурумдун протоколу даяр. Чечимдер: 1. Төрага /sign 1/2026 буйругу менен кол коёт.")

		deputy.say(t, "/sign 1/2026")
		deputy.expect(t, "Орун басары төраганын жазылган жок болгон мезгилинде гана кол коёт")
		deputy.say(t, "/away 20.01.2026 31.12.2099")
		deputy.expect(t, "Жазылды: төрага жок болгон мезгил")
		chair.expect(t, "Д. Орунбасарова төраганын жок болгон мезгилин жазды")
		deputy.say(t, "/sign 1/2026")
		deputy.expect(t, "№ 1/2026 протоколго кол коюлду (Төраганын милдетин аткаруучу).")
		secretary.say(t, "/meeting 1/2026")
		secretary.expect(t, "Бул протоколго кол коюлган, ал өзгөрбөйт.")
	})
}
