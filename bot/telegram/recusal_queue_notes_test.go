package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// A member related to a provider declares it (6.3): their presses on such
// entries are refused, and their own view shows no buttons.
func TestRecusedMemberCannotActOnThatService(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newStack(t, db, newFake(t), defaultOpts(), fast).start()
		_, others := s.group(t)
		m := others[3]
		m.Say("/recuse")
		m.Expect(t, "кызыкчылыктардын кагылышы бар")
		m.Press(t, "Ичүүчү суу")
		again := m.Expect(t, "кызыкчылыктардын кагылышы бар")
		if !strings.Contains(strings.Join(again.Labels(), "|"), "✓ Ичүүчү суу") {
			t.Fatalf("the declared service is not marked: %v", again.Labels())
		}
		m.Press(t, "Даяр")
		m.Expect(t, "Сакталды")
		water := report(t, s, 6401, 1, 1, "Суу жок")
		roads := report(t, s, 6402, 1, 3, "Жол бузук")
		s.card(t, roads, "Кабыл алынды")
		g := m.InGroup(groupChat)
		pressOn(t, s, g, water, "Мен карайм")
		pressOn(t, s, g, roads, "Мен карайм")
		s.card(t, roads, "Каралууда")
		m.Say("/queue")
		m.Expect(t, "Кайсы кайрылууларды көрсөтөйүн?")
		m.Press(t, "Кабыл алынды")
		list := m.Expect(t, "№ "+water)
		if !strings.Contains(list.Text, "(6.3)") {
			t.Fatalf("the queue does not mark the recused entry: %q", list.Text)
		}
		m.Press(t, water)
		view := m.Expect(t, "Абалы: Кабыл алынды")
		if len(view.Buttons) != 0 || !strings.Contains(view.Text, "6.3") {
			t.Fatalf("a recused member's view of the entry = %q %v", view.Text, view.Labels())
		}
		if e := s.entries(); e[0].Status != monitoring.Received || e[1].Status != monitoring.InReview {
			t.Fatalf("statuses = %s, %s; the recused press must change nothing", e[0].Status, e[1].Status)
		}
	})
}

func TestQueueOverdueAndDailyDigest(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		chair, others := s.group(t)
		old := report(t, s, 6501, 2, 1, "Эски көйгөй")
		mine := report(t, s, 6502, 5, 2, "Сугат суусу келбейт")
		pressOn(t, s, others[0].InGroup(groupChat), mine, "Мен карайм")
		s.card(t, mine, "Каралууда")
		c.Add(4 * 24 * time.Hour) // the first entry has waited 4 days untaken
		fresh := report(t, s, 6503, 14, 6, "Таштанды чыгарылбай жатат")

		others[0].Say("/queue")
		others[0].Expect(t, "Кайсы кайрылууларды")
		others[0].Press(t, "Мен алгандар")
		m := others[0].Expect(t, "№ "+mine)
		if strings.Contains(m.Text, old) || strings.Contains(m.Text, fresh) {
			t.Fatalf("'mine' lists others' entries: %q", m.Text)
		}
		others[0].Say("/queue")
		others[0].Expect(t, "Кайсы кайрылууларды")
		others[0].Press(t, "Мөөнөтү өткөндөр")
		m = others[0].Expect(t, "№ "+old)
		if !strings.Contains(m.Text, "3 күндөн бери эч ким алган жок") || strings.Contains(m.Text, fresh) || strings.Contains(m.Text, mine) {
			t.Fatalf("overdue list = %q", m.Text)
		}
		chair.Say("/queue")
		chair.Expect(t, "Кайсы кайрылууларды")
		chair.Press(t, "Айыл боюнча")
		chair.Expect(t, "Көйгөй кайсы айылда?")
		chair.Press(t, "Арал")
		if m = chair.Expect(t, "№ "+fresh); strings.Contains(m.Text, old) {
			t.Fatalf("by village = %q", m.Text)
		}
		// The digest goes out once a day from 09:00 in Bishkek.
		now := c.Now().In(monitoring.Bishkek)
		nine := time.Date(now.Year(), now.Month(), now.Day()+1, 9, 5, 0, 0, monitoring.Bishkek)
		c.Add(nine.Sub(now))
		for range 2 {
			if err := s.srv.Jobs.RunDue(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		// Only that day's digest counts: the service's own runner may have
		// posted today's already, if this test ran past its 30-second tick.
		day := catalog.Default().Date(monitoring.Kyrgyz, nine) + ": күнүмдүк кабар"
		digests := 0
		s.fake.WaitUntil(t, "the digest", func() bool {
			digests = 0
			for _, m := range s.fake.Messages(groupChat) {
				if strings.HasPrefix(m.Text, day) {
					digests++
					if !strings.Contains(m.Text, "Мөөнөтү өткөндөр: 1") || !strings.Contains(m.Text, "№ "+old) {
						t.Fatalf("digest = %q", m.Text)
					}
				}
			}
			return digests > 0
		})
		if digests != 1 {
			t.Fatalf("%d digests on one day", digests)
		}
	})
}

func TestNotesAndResidentAdditions(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newStack(t, db, newFake(t), defaultOpts(), fast).start()
		_, others := s.group(t)
		n := report(t, s, 6601, 3, 3, "Көпүрө кулап калды")
		m := others[2]
		s.card(t, n, "Кабыл алынды")
		pressOn(t, s, m.InGroup(groupChat), n, "Эскертме")
		m.Expect(t, "текшерүүнүн жыйынтыгын")
		m.Say("Барып көрдүк: көпүрөнүн эки тиреги кулаган")
		m.Expect(t, "Сакталды")
		m.Photo([]byte("site photo bytes"), "")
		m.Press(t, "Даяр")
		m.Expect(t, "Сакталган эскертмелер: 2")

		resident := s.fake.User(6601, "ky")
		resident.Say("/status " + n)
		resident.Expect(t, "Абалы:")
		resident.Press(t, "Маалымат кошуу")
		resident.Expect(t, "эмнени кошосуз")
		resident.Say("Кечээ дагы бир машина өтө албай калды")
		resident.Expect(t, "Кабыл алынды")
		resident.Press(t, "Даяр")
		resident.Expect(t, "Кошумча маалымат № "+n+" кайрылууга тиркелди")
		s.fake.WaitUntil(t, "the group told", func() bool {
			for _, g := range s.fake.Messages(groupChat) {
				if strings.Contains(g.Text, "тургун кошумча маалымат жөнөттү") && strings.Contains(g.Text, "машина өтө албай") {
					return true
				}
			}
			return false
		})
		// A member looking at the entry gets its files too.
		others[0].Say("/queue")
		others[0].Expect(t, "Кайсы кайрылууларды")
		others[0].Press(t, "Кабыл алынды")
		others[0].Expect(t, "№ "+n)
		others[0].Press(t, n)
		if view := others[0].Expect(t, "Абалы: Кабыл алынды"); !strings.Contains(view.Text, "Эскертмелер: 3") {
			t.Fatalf("entry view = %q", view.Text)
		}
		notesList := others[0].Expect(t, "Эскертмелер:")
		if !strings.Contains(notesList.Text, "У. Жантаева: Барып көрдүк") || !strings.Contains(notesList.Text, "тургун: Кечээ дагы бир машина") {
			t.Fatalf("notes as members read them = %q", notesList.Text)
		}
		doc := others[0].Expect(t, n+" · 1/1")
		if doc.Document == nil || string(doc.Document.Data) != "site photo bytes" {
			t.Fatalf("the site photo was not sent to the member: %+v", doc)
		}
		e := s.entries()[0]
		notes, err := db.Notes(context.Background(), e.ID)
		if err != nil || len(notes) != 3 || notes[0].Author != "member:4" || notes[1].MediaID == 0 || notes[2].Author != "resident" {
			t.Fatalf("notes = %+v, %v", notes, err)
		}
	})
}
