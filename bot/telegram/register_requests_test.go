package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// A member records a complaint for a resident who came in person.
func TestMemberRegistersAComplaintForAResident(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newStack(t, db, newFake(t), defaultOpts(), fast).start()
		_, others := s.group(t)
		m := others[1]
		m.Say("/register")
		m.Expect(t, "Тургун кантип кайрылды?")
		m.Press(t, "Жеке келди")
		m.Expect(t, "Көйгөй кайсы айылда?")
		m.Press(t, "Богот")
		m.Expect(t, "Кайсы кызмат")
		m.Press(t, "Мектеп")
		m.Expect(t, "Эмне болгонун жазыңыз")
		m.Say("Мектептин чатыры агат, балдар суукта отурат")
		m.Press(t, "Даяр")
		m.Expect(t, "Тургундун телефон номерин жазасызбы?")
		m.Press(t, "Тургундун номерин жазуу")
		m.Expect(t, "Телефон номериңизди жазыңыз")
		m.Say("0555 123 456")
		m.Expect(t, "Номер жазылды")
		m.Expect(t, "Текшериңиз")
		m.Press(t, "Жөнөтүү")
		m.Expect(t, "Кайрылуу журналга № "+number(1)+" менен катталды. Тургунга ушул номерди айтып коюңуз.")
		card := s.card(t, number(1), "Кабыл алынды")
		if !strings.Contains(card.Text, "Жеке келди") || strings.Contains(card.Text, "0555") {
			t.Fatalf("card = %q: it says how the complaint came, and no phone", card.Text)
		}
		e := s.entries()[0]
		contacts, _ := db.EntryContacts(context.Background(), s.muni.Code)
		if e.Channel != monitoring.InPerson || e.ResidentID != 0 || e.Anonymous || contacts[e.ID].Phone != "0555123456" {
			t.Fatalf("entry = %+v, contact %+v", e, contacts[e.ID])
		}
		events, _ := db.EntryEvents(context.Background(), e.ID)
		if events[0].Actor != "member:3" {
			t.Fatalf("registered by %q, want the member", events[0].Actor)
		}
		// A stranger cannot.
		stranger := s.fake.User(6799, "ky")
		stranger.Say("/register")
		stranger.Expect(t, "мүчөлөрү үчүн гана")
	})
}

// A request for information (4.2) has ten days (6.1); the secretary is
// reminded two days before and when it is overdue; the answer closes it.
func TestInformationRequestDeadlinesAndAnswer(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		chair, others := s.group(t)
		secretary := others[0]
		n := report(t, s, 6801, 1, 1, "Суу жок")
		chair.Say("/request")
		chair.Expect(t, "Маалыматты кимден сурайсыз?")
		chair.Say("«Масы-Суу» ичүүчү суу кызматы")
		chair.Expect(t, "Эмне суралат?")
		chair.Say("Масы айылында суу качан жана эмне үчүн өчүрүлдү?")
		chair.Expect(t, "кайсы кайрылууларга байланыштуу?")
		chair.Say(n + ", 2020-0001")
		chair.Expect(t, "№ 2020-0001 журналда жок")
		chair.Say(n)
		made := chair.Expect(t, "№ С-"+number(1)+" суроо-талабы катталды")
		deadline := monitoring.DeadlineFor(c.Now())
		if !strings.Contains(made.Text, "10 күндүн ичинде") || !strings.Contains(made.Text, s.srv.Engine.Catalog.Date(monitoring.Kyrgyz, deadline)) {
			t.Fatalf("request reply = %q", made.Text)
		}
		tick := func() {
			t.Helper()
			if err := s.srv.Jobs.RunDue(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		c.Add(7 * 24 * time.Hour)
		tick()
		c.Add(2 * 24 * time.Hour) // past 09:00 two days before the last day
		tick()
		tick()
		soon := secretary.Expect(t, "Эки күн калды")
		// Nothing came before: the day-7 tick was too early.
		for _, m := range secretary.Received() {
			if strings.Contains(m.Text, "С-"+number(1)) && m.ID < soon.ID {
				t.Fatalf("a reminder came too early: %q", m.Text)
			}
		}
		c.Add(3 * 24 * time.Hour) // past it
		tick()
		tick()
		over := secretary.Expect(t, "жооп берүү мөөнөтү өттү")
		reminders := 0
		for _, m := range secretary.Received() {
			if strings.Contains(m.Text, "С-"+number(1)) {
				reminders++
			}
		}
		if reminders != 2 {
			t.Fatalf("the secretary got %d reminders, want one before and one when overdue", reminders)
		}
		overdue, _ := db.Requests(context.Background(), s.muni.Code, false, c.Now())
		if len(overdue) != 1 {
			t.Fatalf("%d overdue requests", len(overdue))
		}
		// The secretary records the answer with a document; it closes the request.
		secretary.PressData(over.ID, over.Buttons[0][0].Data)
		secretary.Expect(t, "алынган жоопту жөнөтүңүз")
		secretary.Say("Насостук станциянын кыймылдаткычы күйүп кеткен, 3-декабрда алмаштырылат.")
		secretary.Document("answer.pdf", "application/pdf", []byte("%PDF-1.4 answer"))
		secretary.Press(t, "Даяр")
		secretary.Expect(t, "№ С-"+number(1)+" суроо-талабына жооп жазылып, ал жабылды. Файлдар: 1.")
		open, _ := db.Requests(context.Background(), s.muni.Code, true, time.Time{})
		all, _ := db.Requests(context.Background(), s.muni.Code, false, time.Time{})
		if len(open) != 0 || len(all) != 1 || all[0].Files != 1 || !strings.Contains(all[0].Answer, "кыймылдаткычы") {
			t.Fatalf("requests = %+v", all)
		}
		// Members see the answer and its document when they open the request.
		chair.Say("/requests")
		chair.Expect(t, "№ С-"+number(1)+" · «Масы-Суу» ичүүчү суу кызматы")
		chair.PressData(made.ID, "r|1")
		chair.Expect(t, "жооп алынды")
		if doc := chair.Expect(t, "С-"+number(1)+" · 1/1"); doc.Document == nil || string(doc.Document.Data) != "%PDF-1.4 answer" {
			t.Fatalf("the answer's document was not sent to the member: %+v", doc)
		}
		// The document stays with the group: it is on no entry, so in no
		// export and never shown to a resident (6.2).
		full, _ := db.EntryByNumber(context.Background(), s.muni.Code, s.entries()[0].Number)
		if len(full.Media) != 0 {
			t.Fatalf("the answer's document is attached to the entry: %+v", full.Media)
		}
	})
}

// Without buttons (as on WhatsApp) members type the actions; /link makes
// another account (or channel) the same member.
func TestTypedActionsAndLink(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{}
		s := newStack(t, db, newFake(t), defaultOpts(), fast).withClock(c).start()
		_, others := s.group(t)
		m := others[1]
		n := report(t, s, 6901, 1, 1, "Суу жок")
		m.Say("/verify " + n)
		m.Expect(t, "«Текшерилип, тастыкталды»")
		m.Say("/undo")
		m.Sees(t, "өзгөртүү кайтарылды")
		m.Say("/verify " + n)
		m.Expect(t, "«Текшерилип, тастыкталды»")
		m.InGroup(groupChat).Say("/resolve " + n + " Насос алмаштырылды")
		s.card(t, n, "Чечилди")
		m.Say("/show " + n)
		m.Expect(t, "Абалы: Чечилди")
		m.Say("/verify 2020-0001")
		m.Expect(t, "№ 2020-0001 журналда жок")
		m.Say("/verify")
		m.Expect(t, "Номерди кошо жазыңыз")
		c.Add(11 * time.Minute)
		if r := s.fake.User(6901, "ky").Expect(t, "көйгөй чечилди"); !strings.Contains(r.Text, "Насос алмаштырылды") {
			t.Fatalf("resolution = %q", r.Text)
		}

		m.Say("/link")
		link := m.Expect(t, "Башка каналда")
		code := strings.Fields(link.Text[strings.Index(link.Text, "/join ")+len("/join "):])[0]
		second := s.fake.User(6902, "ky") // the same person's other account
		second.Say("/join " + code)
		second.Expect(t, "Кош келиңиз, "+"Э. Осмоналиев")
		list, _ := db.Members(context.Background(), s.muni.Code, false)
		if len(list) != 5 {
			t.Fatalf("%d members after a link, want still 5", len(list))
		}
		second.Say("/undo")
		second.Expect(t, "Өзгөртүүнү кайтарууга болбойт") // too late, but recognised as the member
	})
}
