package whatsapp_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"bmjbt/bot"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

func (s *stack) invite(t *testing.T, role monitoring.Role, name string) string {
	t.Helper()
	code := bot.NewInviteCode()
	if err := s.db.InTx(context.Background(), func(tx *storage.Tx) error {
		_, err := tx.CreateInvite(context.Background(), s.muni.Code, code, role, name, "operator")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return code
}

// A member on WhatsApp, recognised by phone number and by LID, verifies
// and resolves an entry with typed commands; the resident answers "Was it
// fixed?" with a number; the residents' group registers messages.
func TestMemberVerifiesAndResolvesOnWhatsApp(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, fakeLIDs{"777000111": "996700000001"})
		member := s.fake.user("996700000001")
		member.say(t, "/join "+s.invite(t, monitoring.Chair, "Г. Кандарова"))
		member.expect(t, "Кош келиңиз, Г. Кандарова")
		membersGroup := types.NewJID("120363000000000001", types.GroupServer)
		mg := member.in(membersGroup)
		mg.say(t, "/bindgroup")
		mg.expect(t, "Бул чат эми БМжБ тобунун чаты")

		resident := s.fake.user("996555000222")
		for _, m := range []string{"Жол бузулду", "1", "3", "3", "Даяр", "2", "Жөнөтүү"} {
			resident.say(t, m)
		}
		resident.expect(t, "журналга № "+number(1))
		card := mg.expect(t, "№ "+number(1))
		if !strings.Contains(card, "Тастыктоо: /verify "+number(1)) || strings.Contains(card, "\n1. ") {
			t.Fatalf("the group card should show commands, not numbers: %q", card)
		}

		// The same member writing from their LID is still the member.
		lid := &user{f: s.fake, jid: types.NewJID("777000111", types.HiddenUserServer), chat: membersGroup}
		lid.say(t, "/verify "+number(1))
		member.expect(t, "«Текшерилип, тастыкталды»")
		mg.say(t, "/resolve "+number(1)+" Жол чарба ишканасы чуңкурларды толтурду")
		waitFor(t, "resolved", func() bool { return s.entries(t)[0].Status == monitoring.Resolved })
		s.clk.Add(11 * time.Minute)
		m := resident.expect(t, "көйгөй чечилди")
		if !strings.Contains(m, "1. Ооба\n2. Жарым-жартылай\n3. Жок") {
			t.Fatalf("feedback question = %q", m)
		}
		// The numbers mean what the resident saw last: this question.
		waitFor(t, "the question recorded as sent", func() bool {
			var n int
			db.SQL().Get(&n, db.SQL().Rebind(`SELECT COUNT(*) FROM outbox WHERE chat_id = ? AND status = 'pending'`), resident.chat.String())
			return n == 0
		})
		resident.say(t, "3")
		resident.expect(t, "кайра ачылды")
		mg.expect(t, "тургун көйгөй чечилген жок")
		if e := s.entries(t)[0]; e.Status != monitoring.InReview || e.Feedback != "" {
			t.Fatalf("entry = %+v", e)
		}

		// A member who joined by LID alone stays the member once WhatsApp
		// shows their number too.
		lidOnly := &user{f: s.fake, jid: types.NewJID("888000222", types.HiddenUserServer), chat: types.NewJID("888000222", types.HiddenUserServer)}
		lidOnly.say(t, "/join "+s.invite(t, monitoring.Ordinary, "К. Ташиев"))
		lidOnly.expect(t, "Кош келиңиз, К. Ташиев")
		withPhone := &user{f: s.fake, jid: types.NewJID("888000222", types.HiddenUserServer), alt: types.NewJID("996700000333", types.DefaultUserServer),
			chat: types.NewJID("888000222", types.HiddenUserServer)}
		withPhone.cursor = lidOnly.cursor
		withPhone.say(t, "/members")
		withPhone.expect(t, "Топтун курамы")

		// The residents' WhatsApp group: residents' messages are entries,
		// members' messages are not.
		rg := types.NewJID(strings.TrimSuffix(residentGroup, "@g.us"), types.GroupServer)
		resident.in(rg).say(t, "Бирдик айылында жарык жок")
		got := resident.in(rg).expect(t, "Катталды: № "+number(2))
		if !strings.Contains(got, "/status "+number(2)) {
			t.Fatalf("group reply = %q", got)
		}
		member.in(rg).say(t, "Эртең карап чыгабыз")
		waitFor(t, "handled", func() bool {
			_, pending, _ := db.InboxCounts(context.Background(), s.muni.Code)
			return pending == 0
		})
		if list := s.entries(t); len(list) != 2 || list[1].Description != "Бирдик айылында жарык жок" || list[1].ResidentID == 0 {
			t.Fatalf("entries = %+v", list)
		}
		// The resident can follow it privately.
		resident.say(t, "/status "+number(2))
		resident.expect(t, "Абалы: Кабыл алынды")

		// A number posted in the residents' group stays out of the
		// members' card and the journal's text.
		resident.in(rg).say(t, "Көпүрө бузулду, чалгыла 0555 12 34 56")
		resident.in(rg).expect(t, "Катталды: № "+number(3))
		card = mg.expect(t, "№ "+number(3))
		if strings.Contains(card, "555") || !strings.Contains(card, "•••") {
			t.Fatalf("the card shows the number: %q", card)
		}
		if e := s.entries(t)[2]; strings.Contains(e.Description, "555") {
			t.Fatalf("entry = %+v", e)
		}
	})
}

// A member looking at an entry on WhatsApp gets its photo; a resident in
// the middle of a new complaint answers "Was it fixed?" by its number and
// is asked their open question again.
func TestFilesForMembersAndChoicesMidQuestion(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, nil)
		member := s.fake.user("996700000001")
		member.say(t, "/join "+s.invite(t, monitoring.Chair, "Г. Кандарова"))
		member.expect(t, "Кош келиңиз")

		resident := s.fake.user("996555000444")
		for _, m := range []string{"Көпүрө кулады", "1", "3", "3"} {
			resident.say(t, m)
		}
		resident.expect(t, "«Даяр» деп жазыңыз")
		img := &waE2E.ImageMessage{DirectPath: proto.String("/v/bridge"), MediaKey: []byte("k"), FileSHA256: []byte("h"),
			FileEncSHA256: []byte("e"), Mimetype: proto.String("image/jpeg"), FileLength: proto.Uint64(6)}
		s.fake.mu.Lock()
		s.fake.files["/v/bridge"] = []byte("BRIDGE")
		s.fake.mu.Unlock()
		s.fake.emit(&events.Message{Info: resident.info(), Message: &waE2E.Message{ImageMessage: img}})
		for _, m := range []string{"Даяр", "2", "Жөнөтүү"} {
			resident.say(t, m)
		}
		resident.expect(t, "журналга № "+number(1))
		waitFor(t, "the photo stored", func() bool {
			e, _ := db.EntryByNumber(context.Background(), s.muni.Code, s.entries(t)[0].Number)
			return len(e.Media) == 1 && e.Media[0].State == monitoring.MediaStored
		})
		member.say(t, "/show "+number(1))
		member.expect(t, "№ "+number(1))
		waitFor(t, "the photo sent to the member", func() bool {
			s.fake.mu.Lock()
			defer s.fake.mu.Unlock()
			for _, m := range s.fake.sent {
				if m.OK && m.To == member.chat && m.Image != nil {
					return string(s.fake.files[m.Image.GetDirectPath()]) == "BRIDGE"
				}
			}
			return false
		})

		member.say(t, "/verify "+number(1))
		member.expect(t, "«Текшерилип, тастыкталды»")
		member.say(t, "/resolve "+number(1)+" Көпүрө оңдолду")
		member.expect(t, "«Чечилди»")
		// Meanwhile the resident starts another complaint and is asked the village.
		resident.say(t, "Дагы бир көйгөй")
		resident.expect(t, "Көйгөй кайсы айылда?")
		s.clk.Add(11 * time.Minute)
		resident.expect(t, "көйгөй чечилди")
		waitFor(t, "the question recorded as sent", func() bool {
			var n int
			db.SQL().Get(&n, db.SQL().Rebind(`SELECT COUNT(*) FROM outbox WHERE chat_id = ? AND status = 'pending'`), resident.chat.String())
			return n == 0
		})
		resident.say(t, "1") // "Yes": the question they saw last
		resident.expect(t, "Жообуңуз үчүн рахмат")
		resident.expect(t, "Көйгөй кайсы айылда?") // and the open question again
		resident.say(t, "Арал")
		resident.expect(t, "Кайсы кызмат")
		if e := s.entries(t)[0]; e.Feedback != monitoring.Fixed {
			t.Fatalf("feedback = %q", e.Feedback)
		}
	})
}

// After /queue and an entry opened from it, a typed number answers the
// entry's own actions, the menu the member saw last: "1" takes the entry.
func TestATypedNumberAnswersTheMenuSeenLast(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, fakeLIDs{})
		member := s.fake.user("996700000002")
		member.say(t, "/join "+s.invite(t, monitoring.Chair, "Г. Кандарова"))
		member.expect(t, "Кош келиңиз, Г. Кандарова")

		resident := s.fake.user("996555000333")
		for _, m := range []string{"Жарык жок", "1", "2", "4", "Даяр", "2", "Жөнөтүү"} {
			resident.say(t, m)
		}
		resident.expect(t, "журналга № "+number(1))

		member.say(t, "/queue")
		member.expect(t, "Кайсы кайрылууларды көрсөтөйүн?")
		member.say(t, "1") // received
		list := member.expect(t, "№ "+number(1))
		if !strings.Contains(list, "\n1. "+number(1)) {
			t.Fatalf("the queue should offer the entry as 1: %q", list)
		}
		member.say(t, "1") // opens it
		card := member.expect(t, "№ "+number(1))
		if !strings.Contains(card, "1. Мен карайм") {
			t.Fatalf("the entry's actions should be numbered, take first: %q", card)
		}
		member.say(t, "1") // takes it
		member.expect(t, "«Каралууда»")
		if e := s.entries(t); e[0].Status != monitoring.InReview {
			t.Fatalf("entry = %+v", e[0])
		}
	})
}
