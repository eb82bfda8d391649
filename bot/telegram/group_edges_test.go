package telegram_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// reportWithPhone files a complaint leaving the resident's phone.
func reportWithPhone(t *testing.T, s *stack, id int64, service int, text, phone string) string {
	t.Helper()
	u := s.fake.User(id, "ky")
	for _, m := range []string{"/start", "1", "1", fmt.Sprint(service), text, "Даяр", phone, "Жөнөтүү"} {
		u.Say(m)
	}
	m := u.Expect(t, "журналга №")
	i := strings.Index(m.Text, "№ ") + len("№ ")
	return m.Text[i : i+9]
}

// What the review found: a recused member sees no contact; residents whose
// reports were merged hear how it ended; "Was it fixed?" works again after
// a reopened entry is resolved anew; a button in the group does not throw
// away a dialogue the member has half done in private; a forged feedback
// button from another resident changes nothing.
func TestGroupWorkEdges(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		chair, others := s.group(t)
		m := others[2]
		g := m.InGroup(groupChat)
		first := reportWithPhone(t, s, 7001, 1, "Суу жок", "+996555111222")
		dup := report(t, s, 7002, 1, 1, "Бизде да суу жок")

		// A recused member opening the entry sees no phone.
		recused := others[3]
		recused.Say("/recuse")
		recused.Expect(t, "кызыкчылыктардын кагылышы бар")
		recused.Press(t, "Ичүүчү суу")
		recused.Expect(t, "кызыкчылыктардын кагылышы бар")
		recused.Say("/show " + first)
		view := recused.Expect(t, "№ "+first)
		if strings.Contains(view.Text, "+996555111222") || !strings.Contains(view.Text, "6.3") {
			t.Fatalf("a recused member's view = %q", view.Text)
		}
		m.Say("/show " + first)
		if view = m.Expect(t, "№ "+first); !strings.Contains(view.Text, "+996555111222") {
			t.Fatalf("a member's view lacks the contact: %q", view.Text)
		}

		// The chair is halfway through a request when a button is pressed in the group.
		chair.Say("/request")
		chair.Expect(t, "кимден сурайсыз")
		chair.Say("Масы-Суу")
		chair.Expect(t, "Эмне суралат?")
		// The reason is asked on top of it; once given, the request's open
		// question is asked again, and the request goes on.
		pressOn(t, s, chair.InGroup(groupChat), first, "Четке кагуу")
		chair.Expect(t, "эмне үчүн четке кагылганын жазыңыз")
		chair.Say("/cancel") // ends the reason only
		chair.Expect(t, "Эмне суралат?")
		chair.Say("Качан суу болот?")
		chair.Expect(t, "кайсы кайрылууларга байланыштуу?")

		pressOn(t, s, g, dup, "Бириктирүү")
		m.Expect(t, "кайталанышы")
		m.Say(first)
		s.card(t, dup, "Башка кайрылуу менен бириктирилди")
		g.Say("/verify " + first)
		m.Expect(t, "«Текшерилип, тастыкталды»")
		g.Say("/resolve " + first + " Насос алмаштырылды")
		s.card(t, first, "Чечилди")
		c.Add(11 * time.Minute)
		owner := s.fake.User(7001, "ky")
		q := owner.Expect(t, "көйгөй чечилди")
		if r := s.fake.User(7002, "ky").Expect(t, "№ "+dup+" кайрылууңуз ушул кайрылуу менен бириктирилген"); !strings.Contains(r.Text, "Насос алмаштырылды") {
			t.Fatalf("the merged resident heard = %q", r.Text)
		}
		// Another resident pressing the owner's feedback button changes nothing.
		cb := s.fake.User(7002, "ky").PressData(q.ID, q.Buttons[0][2].Data)
		s.fake.WaitUntil(t, "the forged press refused", func() bool {
			txt, ok := s.fake.Answered(cb)
			return ok && txt == "Бул баскыч эми иштебейт."
		})
		owner.Press(t, "Жок")
		owner.Expect(t, "кайра ачылды")
		g.Say("/verify " + first)
		m.Expect(t, "«Текшерилип, тастыкталды»")
		g.Say("/resolve " + first + " Эми чындап оңдолду")
		m.Expect(t, "«Чечилди»")
		c.Add(11 * time.Minute)
		owner.Expect(t, "Эми чындап оңдолду")
		owner.Press(t, "Ооба")
		owner.Expect(t, "Жообуңуз үчүн рахмат")
		if e := s.entries(); e[0].Status != monitoring.Resolved || e[0].Feedback != monitoring.Fixed {
			t.Fatalf("entry = %+v", e[0])
		}
		events, _ := db.EntryEvents(context.Background(), s.entries()[0].ID)
		if last := events[len(events)-1]; last.Reason != "feedback: yes" {
			t.Fatalf("last audit row = %+v", last)
		}
	})
}

// Telegram turns a group into a supergroup with a new id; the group's
// binding and its cards follow.
func TestGroupThatBecomesASupergroupKeepsItsBinding(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	s := newStack(t, db, newFake(t), defaultOpts(), fast).start()
	chair, _ := s.group(t)
	n := report(t, s, 7101, 1, 1, "Суу жок")
	s.card(t, n, "Кабыл алынды")
	const super = -1009990001
	s.fake.Push(map[string]any{"message": map[string]any{"message_id": 99, "date": time.Now().Unix(),
		"chat": map[string]any{"id": groupChat, "type": "group", "title": "БМжБТ"},
		"from": map[string]any{"id": 5001, "is_bot": false, "first_name": "Chair"}, "migrate_to_chat_id": super}})
	second := report(t, s, 7102, 2, 2, "Сугат суусу жок")
	s.fake.WaitUntil(t, "the new card in the supergroup", func() bool {
		for _, m := range s.fake.Messages(super) {
			if strings.HasPrefix(m.Text, "№ "+second) {
				return true
			}
		}
		return false
	})
	chair.InGroup(super).Say("/verify " + n)
	chair.Expect(t, "«Текшерилип, тастыкталды»")
}
