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

// report files a complaint for resident u in Kyrgyz and returns its number.
func report(t *testing.T, s *stack, id int64, village, service int, text string) string {
	t.Helper()
	u := s.fake.User(id, "ky")
	for _, m := range []string{"/start", "1", fmt.Sprint(village), fmt.Sprint(service), text, "Даяр", "Анонимдүү калуу", "Жөнөтүү"} {
		u.Say(m)
	}
	m := u.Expect(t, "журналга №")
	i := strings.Index(m.Text, "№ ") + len("№ ")
	return m.Text[i : i+9]
}

func TestUndoWithinTenMinutesAndOnlyByTheAuthor(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		chair, others := s.group(t)
		n := report(t, s, 6101, 1, 1, "Суу жок")
		s.card(t, n, "Кабыл алынды")
		others[1].InGroup(groupChat).Press(t, "Тастыктоо")
		confirm := others[1].Expect(t, "№ "+n+": «Текшерилип, тастыкталды»")
		// Someone else presses the undo button: refused, nothing changes.
		chair.PressData(confirm.ID, confirm.Buttons[0][0].Data)
		chair.Expect(t, "Өзгөртүүнү аны жасаган мүчө гана")
		others[1].Press(t, "Өзгөртүүнү кайтаруу")
		others[1].Sees(t, "№ "+n+": өзгөртүү кайтарылды, абалы кайра «Кабыл алынды»")
		s.card(t, n, "Кабыл алынды")
		c.Add(11 * time.Minute)
		// The resident never hears of the undone change.
		resident := s.fake.User(6101, "ky")
		resident.Say("/my")
		resident.Expect(t, "Сиздин кайрылууларыңыз")
		for _, m := range resident.Received() {
			if strings.Contains(m.Text, "тастыкталды") {
				t.Fatalf("the resident was told of an undone change: %q", m.Text)
			}
		}
		// Ten minutes on, it is too late.
		others[1].InGroup(groupChat).Press(t, "Мен карайм")
		late := others[1].Expect(t, "«Каралууда»")
		c.Add(11 * time.Minute)
		others[1].PressData(late.ID, late.Buttons[0][0].Data)
		others[1].Expect(t, "10 мүнөт өтүп кетти")
		events, _ := db.EntryEvents(context.Background(), s.entries()[0].ID)
		if len(events) != 4 || !events[1].Undone || events[2].Reason == "" {
			t.Fatalf("audit = %+v; want both the change and its undo kept", events)
		}
	})
}

func TestMergeAndRejectTellResidentsWhy(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		_, others := s.group(t)
		first := report(t, s, 6201, 14, 4, "Аралда жарык жок")
		second := report(t, s, 6202, 14, 4, "Арал айылында электр өчтү")
		third := report(t, s, 6203, 1, 13, "Коңшум итин байлабайт")
		m := others[2]
		g := m.InGroup(groupChat)
		s.card(t, second, "Кабыл алынды")
		pressOn(t, s, g, second, "Бириктирүү")
		m.Expect(t, "№ "+second+" кайсы кайрылуунун кайталанышы?")
		m.Say(second) // itself: refused
		m.Expect(t, "бириктирүүгө болбойт")
		m.Say("2020-9999")
		m.Expect(t, "бириктирүүгө болбойт")
		m.Say(first)
		s.card(t, second, "Башка кайрылуу менен бириктирилди")
		pressOn(t, s, g, third, "Четке кагуу")
		m.Expect(t, "эмне үчүн четке кагылганын жазыңыз")
		m.Say("Бул коммуналдык кызмат эмес, айыл өкмөтүнүн мыйзам бузуулар боюнча бөлүмүнө кайрылыңыз")
		s.card(t, third, "Четке кагылды")
		c.Add(11 * time.Minute)
		s.fake.User(6202, "ky").Expect(t, "№ "+second+" кайрылууңуз ушул эле көйгөй боюнча № "+first+" кайрылуу менен бириктирилди")
		r := s.fake.User(6203, "ky").Expect(t, "№ "+third+" кайрылууңуз четке кагылды")
		if !strings.Contains(r.Text, "Себеби: Бул коммуналдык кызмат эмес") {
			t.Fatalf("rejection = %q", r.Text)
		}
	})
}

// pressOn presses a button on the card of entry number in the group.
func pressOn(t *testing.T, s *stack, g interface{ PressData(int, string) string }, number, label string) {
	t.Helper()
	for _, m := range s.fake.Messages(groupChat) {
		if strings.HasPrefix(m.Text, "№ "+number) {
			for _, row := range m.Buttons {
				for _, b := range row {
					if b.Text == label {
						g.PressData(m.ID, b.Data)
						return
					}
				}
			}
		}
	}
	t.Fatalf("no %q on the card of %s", label, number)
}

// Strangers, stale buttons, forged data, roles a user lacks, anonymous
// admins: each is refused clearly, written to the audit, and changes nothing.
func TestRefusalsChangeNothing(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newStack(t, db, newFake(t), defaultOpts(), fast).start()
		chair, others := s.group(t)
		n := report(t, s, 6301, 3, 3, "Жол бузулду")
		card := s.card(t, n, "Кабыл алынды")
		take := card.Buttons[0][0].Data

		stranger := s.fake.User(6302, "ru").InGroup(groupChat)
		stranger.Say("Всем привет")
		stranger.Say("/bindgroup")
		cb := stranger.PressData(card.ID, take)
		s.fake.WaitUntil(t, "the stranger's button answered", func() bool {
			txt, ok := s.fake.Answered(cb)
			return ok && strings.Contains(txt, "только для членов группы")
		})
		chair.InGroup(groupChat).SayAnonymously("/bindgroup")

		g := others[0].InGroup(groupChat)
		g.PressData(card.ID, take)
		s.card(t, n, "Каралууда")
		cb = g.PressData(card.ID, take) // the same button again: stale
		s.fake.WaitUntil(t, "the stale button answered", func() bool {
			txt, ok := s.fake.Answered(cb)
			return ok && strings.Contains(txt, "бул баскыч эскирди")
		})
		for _, forged := range []string{"a|999999|take", fmt.Sprintf("a|%d|delete", s.entries()[0].ID), "u|1", "a|x|take", "o|0"} {
			cb = g.PressData(card.ID, forged)
			s.fake.WaitUntil(t, "the forged button "+forged+" refused", func() bool { txt, ok := s.fake.Answered(cb); return ok && txt != "" })
		}
		others[1].Say("/invite chair Башка төрага")
		others[1].Expect(t, "Бул аракетке укугуңуз жок")

		// Only the member's own take changed anything.
		e := s.entries()[0]
		events, _ := db.EntryEvents(context.Background(), e.ID)
		if e.Status != monitoring.InReview || len(events) != 2 {
			t.Fatalf("entry %s with %d audit rows after the refusals", e.Status, len(events))
		}
		for _, m := range s.fake.Messages(groupChat) {
			if strings.Contains(m.Text, "Всем привет") || strings.Count(m.Text, "Бул чат эми") > 0 && m.ID > card.ID {
				t.Fatalf("the group answered a stranger or an anonymous admin: %q", m.Text)
			}
		}
		log, _ := db.AuditLog(context.Background(), s.muni.Code)
		refused := 0
		for _, a := range log {
			if a.Outcome == "refused" {
				refused++
			}
		}
		if refused != 8 {
			t.Fatalf("%d refusals audited, want 8 (stranger, stale, 5 forged, role): %+v", refused, log)
		}
	})
}
