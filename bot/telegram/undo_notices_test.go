package telegram_test

import (
	"strings"
	"testing"
	"time"

	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// notices counts the messages about entry num a resident got after the
// message that registered it.
func notices(u *telegramtest.User, num string) int {
	n := 0
	for _, m := range u.Received() {
		if strings.Contains(m.Text, "№ "+num) && !strings.Contains(m.Text, "журналга") && !strings.Contains(m.Text, "Абалы") && !strings.Contains(m.Text, "кайрылууларыңыз") {
			n++
		}
	}
	return n
}

// An undone resolution reaches nobody: not the resident, not the residents
// whose reports were merged into it, and "Was it fixed?" is not asked.
// An undo back to a status the resident heard already sends nothing new.
func TestAnUndoneChangeReachesNoResident(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		_, others := s.group(t)
		first := report(t, s, 6301, 14, 4, "Аралда жарык жок")
		dup := report(t, s, 6302, 14, 4, "Арал айылында электр өчтү")
		m := others[1]
		m.Say("/merge " + dup + " " + first)
		s.card(t, dup, "Башка кайрылуу менен бириктирилди")
		m.Say("/verify " + first)
		s.card(t, first, "Текшерилип, тастыкталды")
		c.Add(11 * time.Minute) // the residents hear of the merge and the verification
		r1, r2 := s.fake.User(6301, "ky"), s.fake.User(6302, "ky")
		r1.Expect(t, "текшерилип, тастыкталды")
		r2.Expect(t, "бириктирилди")

		m.Say("/resolve " + first + " Зым алмаштырылды")
		s.card(t, first, "Чечилди")
		m.Say("/undo")
		m.Expect(t, "өзгөртүү кайтарылды")
		s.card(t, first, "Текшерилип, тастыкталды")
		c.Add(11 * time.Minute)
		// Something else reaches r1 after the window, so the wait is for a
		// condition that would come after any notice held back.
		r1.Say("/my")
		r1.Expect(t, "Сиздин кайрылууларыңыз")
		for _, u := range []*telegramtest.User{r1, r2} {
			for _, msg := range u.Received() {
				if strings.Contains(msg.Text, "чечилди") || strings.Contains(msg.Text, "Зым") {
					t.Fatalf("an undone resolution reached a resident: %q", msg.Text)
				}
			}
		}
		if n := notices(r1, first); n != 1 {
			for _, msg := range r1.Received() {
				t.Logf("%q", msg.Text)
			}
			t.Fatalf("%d notices of %s, want the one verification", n, first)
		}
	})
}

// A question asked again still takes a press on an older copy, but the
// next question goes into the latest copy or a new message, never into an
// old one; /start pressed twice opens one language question.
func TestAnOlderCopyOfAQuestionStillTakesAPress(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		u := s.fake.User(6304, "ky")
		u.Say("/start")
		u.Say("/start")
		u.Expect(t, "Тилди тандаңыз")
		u.Expect(t, "Тилди тандаңыз")
		u.Press(t, "Кыргызча")
		first := u.Expect(t, "Көйгөй кайсы айылда?")
		u.Say("Салам")
		u.Expect(t, "Төмөнкү баскычтардын бирин тандаңыз")
		u.Expect(t, "Көйгөй кайсы айылда?")
		for _, row := range first.Buttons { // «Арал» on the older copy: taken,
			for _, b := range row {
				if b.Text == "Арал" {
					u.PressData(first.ID, b.Data)
				}
			}
		}
		if m := u.Expect(t, "Кайсы кызмат"); m.ID == first.ID { // but the next question is a new message
			t.Fatalf("the next question went into the older copy: %+v", m)
		}
		for _, m := range u.Received() {
			if m.ID == first.ID && m.Edits != 0 {
				t.Fatalf("the older copy was edited: %q", m.Text)
			}
		}
		u.Press(t, "Жолдор")
		u.Expect(t, "Эмне болгонун жазыңыз")
		u.Say("Көпүрө бузулду")
		u.Expect(t, "Кабыл алынды")
		u.Press(t, "Даяр")
		u.Expect(t, "телефон номериңизди")
		u.Say("Анонимдүү калуу")
		u.Expect(t, "Текшериңиз")
		u.Press(t, "Жөнөтүү")
		u.Expect(t, "№ "+number(1))
		// Nothing of the doubled /start is left open: the next message is
		// a new complaint.
		u.Say("Жолдо чоң чуңкур бар")
		u.Expect(t, "Көйгөй кайсы айылда?")
		if e := s.entries(); len(e) != 1 || e[0].Village != "aral" {
			t.Fatalf("entries = %+v", e)
		}
	})
}

// /cancel while adding to an entry keeps what was sent, says so, and the
// group hears of it; /my in the middle of a complaint asks the open
// question again.
func TestInterruptionsAndCancelKeepWhatWasSent(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db)
		s.group(t)
		num := report(t, s, 6305, 3, 1, "Суу жок")
		u := s.fake.User(6305, "ky")
		u.Expect(t, "журналга №")
		u.Say("/status " + num)
		u.Expect(t, "Абалы")
		u.Press(t, "Маалымат кошуу")
		u.Expect(t, "эмнени кошосуз")
		u.Say("Эми кран да сынды")
		u.Expect(t, "Кабыл алынды")
		u.Say("/cancel")
		u.Expect(t, "тиркелди")
		s.fake.WaitUntil(t, "the group hears of the addition", func() bool {
			for _, m := range s.fake.Messages(groupChat) {
				if strings.Contains(m.Text, "кран да сынды") {
					return true
				}
			}
			return false
		})

		u.Say("Жолдо чуңкур") // a new complaint
		u.Expect(t, "Көйгөй кайсы айылда?")
		u.Say("/my")
		u.Expect(t, "Сиздин кайрылууларыңыз")
		u.Expect(t, "Көйгөй кайсы айылда?") // asked again after the interruption
	})
}

// A take whose notice a later change replaced before it went out is told
// once that change is undone, even when the take's own ten minutes have
// passed: the resident hears where the entry stands.
func TestTheStandingStatusIsToldAfterAnUndo(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		_, others := s.group(t)
		num := report(t, s, 6306, 5, 3, "Жол бузулду")
		m := others[0]
		m.Say("/take " + num)
		m.Expect(t, "«Каралууда»")
		c.Add(3 * time.Minute)
		m.Say("/verify " + num)
		m.Expect(t, "«Текшерилип, тастыкталды»")
		c.Add(8 * time.Minute) // the take's window has passed, the verification's has not
		m.Say("/undo")
		m.Expect(t, "өзгөртүү кайтарылды")
		r := s.fake.User(6306, "ky")
		r.Expect(t, "№ "+num+" кайрылууңузду топтун мүчөсү карай баштады")
		for _, msg := range r.Received() {
			if strings.Contains(msg.Text, "тастыкталды") {
				t.Fatalf("the undone verification reached the resident: %q", msg.Text)
			}
		}
	})
}
