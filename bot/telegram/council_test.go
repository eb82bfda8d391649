package telegram_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// 3.4: an invited member works at once but awaits the council's approval;
// the chair records the council's decision in the chat, and only then does
// the member count towards 5–11.
func TestChairRecordsTheCouncilsApproval(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		s := newStack(t, db, newFake(t), defaultOpts(), fast).start()
		chair, others := s.group(t)
		secretary := others[0]
		// This year's decision with a two-year term: the term runs today.
		y := time.Now().In(monitoring.Bishkek).Year()
		decided, short, ends := fmt.Sprintf("10.01.%d", y), fmt.Sprintf("01.03.%d", y), fmt.Sprintf("10.01.%d", y+2)

		chair.Say("/members")
		list := chair.Expect(t, "Топтун курамы:")
		if n := strings.Count(list.Text, "айылдык кеңештин бекитүүсүн күтүүдө"); n != 5 {
			t.Fatalf("members awaiting approval shown: %d; want 5:\n%s", n, list.Text)
		}
		chair.Expect(t, "Айылдык кеңеш бекиткен мүчөлөрдүн саны: 0.")

		// Only the chair records it.
		secretary.Say("/approve 2 12/5 " + decided)
		secretary.Expect(t, "Муну топтун төрагасы гана жазат.")
		// Half a command, a wrong date, a term shorter than a year (3.4).
		chair.Say("/approve 2 12/5")
		chair.Expect(t, "Мындай жазыңыз: /approve")
		chair.Say("/approve 2 12/5 10 январь")
		chair.Expect(t, "Мындай жазыңыз: /approve")
		chair.Say("/approve 2 12/5 " + decided + " " + short)
		chair.Expect(t, "бир жылдан кыска болбошу керек (Жобонун 3.4-пункту)")
		chair.Say("/approve 99 12/5 " + decided)
		chair.Expect(t, "Мындай номердеги мүчө табылган жок")

		for i := 1; i <= 4; i++ {
			chair.Say("/approve " + string(rune('0'+i)) + " 12/5 " + decided + " " + ends)
			chair.Expect(t, "Бекитүү жазылды:")
			if m := chair.Expect(t, "Айылдык кеңеш бекиткен мүчөлөрдүн саны: "); !strings.Contains(m.Text, "саны: "+string(rune('0'+i))+".") {
				t.Fatalf("after %d approvals: %q", i, m.Text)
			}
		}
		chair.Say(fmt.Sprintf("/approve 5 № 12/5 %d-01-10 %d-01-10", y, y+2))
		done := chair.Expect(t, "Бекитүү жазылды: К. Ташиев. Айылдык кеңештин токтому: № 12/5")
		if !strings.Contains(done.Text, fmt.Sprint(y)) {
			t.Fatalf("the decision's date is not shown: %q", done.Text)
		}
		chair.Say("/members")
		list = chair.Expect(t, "Топтун курамы:")
		if strings.Contains(list.Text, "күтүүдө") {
			t.Fatalf("approved members still shown as awaiting:\n%s", list.Text)
		}
		// Five approved: no size note after the list.
		chair.Say("/help")
		chair.Expect(t, "/approve")
		for _, m := range s.fake.Messages(chair.Chat) {
			if strings.Contains(m.Text, "бекиткен мүчөлөрдүн саны: 5") {
				t.Fatalf("a size note with five approved members: %q", m.Text)
			}
		}
	})
}
