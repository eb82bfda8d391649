package whatsapp_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"golang.org/x/time/rate"
	"google.golang.org/protobuf/proto"

	"bmjbt/bot"
	"bmjbt/bot/whatsapp"
	"bmjbt/monitoring"
	"bmjbt/server"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

var fast = bot.Limits{Global: rate.Inf, Workers: 8, PerChat: func(string) (rate.Limit, int) { return rate.Inf, 1 }}

type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.off += d; c.mu.Unlock() }

type stack struct {
	fake *fakeClient
	db   *storage.DB
	muni *monitoring.Municipality
	srv  *server.Server
	clk  *clock
	stop func()
}

const residentGroup = "120363000000000099@g.us"

// ownNumber is the group's number the adapter runs as.
var ownNumber = types.NewJID("996700999999", types.DefaultUserServer)

// run starts the service with WhatsApp only, on the fake client.
func run(t *testing.T, db *storage.DB, lids fakeLIDs) *stack {
	t.Helper()
	return runWith(t, db, setup{lids: lids})
}

// setup is how a test's service differs from the usual one.
type setup struct {
	lids   fakeLIDs
	store  whatsapp.Store // the adapter's store; the database itself if nil
	limits bot.Limits     // fast if zero
}

func runWith(t *testing.T, db *storage.DB, o setup) *stack {
	t.Helper()
	s := &stack{fake: newFakeClient(), db: db, muni: storagetest.Municipality(t), clk: &clock{}}
	s.muni.WhatsAppGroup = residentGroup
	db.Clock = s.clk.Now
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s.srv = server.New(db, s.muni, log, server.Options{})
	var st whatsapp.Store = db
	if o.store != nil {
		st = o.store
	}
	if o.limits.Global == 0 {
		o.limits = fast
	}
	s.srv.WhatsApp = whatsapp.New(s.fake, o.lids, whatsapp.Config{Limits: o.limits, Own: ownNumber}, st, s.muni, log, s.srv.Metrics)
	s.srv.WhatsApp.DBRetry = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.srv.Run(ctx) }()
	waitFor(t, "connected", func() bool { return s.srv.WhatsApp.Health().Connected })
	stopped := false
	s.stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(s.stop)
	return s
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *stack) entries(t *testing.T) []monitoring.Entry {
	t.Helper()
	list, err := s.db.Entries(context.Background(), s.muni.Code, monitoring.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func number(seq int) string {
	return monitoring.Number{Year: time.Now().In(monitoring.Bishkek).Year(), Seq: seq}.String()
}

func TestResidentConversationOnWhatsApp(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, nil)
		s.fake.mu.Lock()
		s.fake.failSends = 1 // the first send is lost on the way: the retry must be the same message
		s.fake.mu.Unlock()
		u := s.fake.user("996555000111")
		u.say(t, "Салам")
		m := u.expect(t, "Тилди тандаңыз")
		if !strings.Contains(m, "1. Кыргызча\n2. Русский") || !strings.Contains(m, "(1–2)") {
			t.Fatalf("language menu = %q", m)
		}
		u.say(t, "2")
		u.expect(t, "бот группы совместного мониторинга")
		u.expect(t, "В каком селе проблема?")
		u.say(t, "kyzyl tuu") // typed in Latin
		u.expect(t, "К какой услуге")
		u.say(t, "питьевая вода")
		u.expect(t, "То, что вы написали раньше, сохранено")
		img := &waE2E.ImageMessage{DirectPath: proto.String("/v/t62/abc"), MediaKey: []byte("k"), FileSHA256: []byte("h"),
			FileEncSHA256: []byte("e"), Mimetype: proto.String("image/jpeg"), FileLength: proto.Uint64(9), Caption: proto.String("Кран")}
		s.fake.mu.Lock()
		s.fake.files["/v/t62/abc"] = []byte("JPEGBYTES")
		s.fake.mu.Unlock()
		if !s.fake.emit(&events.Message{Info: u.info(), Message: &waE2E.Message{ImageMessage: img}}) {
			t.Fatal("the photo was not taken")
		}
		u.expect(t, "Принято")
		u.say(t, "Готово")
		m = u.expect(t, "Оставите номер телефона")
		if !strings.Contains(m, "1. 📱 Отправить мой номер") {
			t.Fatalf("contact question = %q", m)
		}
		u.say(t, "1") // on WhatsApp the number is known
		u.expect(t, "Спасибо, номер получен")
		m = u.expect(t, "Проверьте")
		if !strings.Contains(m, "Село: Кызыл-Туу") || !strings.Contains(m, "+996555000111") {
			t.Fatalf("summary = %q", m)
		}
		u.say(t, "1")
		u.expect(t, "зарегистрировано в журнале под № "+number(1))

		e := s.entries(t)[0]
		contacts, _ := db.EntryContacts(context.Background(), s.muni.Code)
		if e.Channel != monitoring.WhatsApp || e.Village != "kyzyl-tuu" || e.Service != "water" || e.Description != "Салам\nКран" || contacts[e.ID].Phone != "+996555000111" {
			t.Fatalf("entry = %+v, contact %+v", e, contacts[e.ID])
		}
		var full monitoring.Entry
		waitFor(t, "the photo fetched", func() bool { // by the running fetcher
			full, _ = db.EntryByNumber(context.Background(), s.muni.Code, e.Number)
			return len(full.Media) == 1 && full.Media[0].State == monitoring.MediaStored
		})
		if data, _ := db.MediaData(context.Background(), full.Media[0].ID); !bytes.Equal(data, []byte("JPEGBYTES")) {
			t.Fatalf("stored photo = %q", data)
		}
		// The lost first send was retried under the same message id.
		s.fake.mu.Lock()
		first, again := s.fake.sent[0], s.fake.sent[1]
		s.fake.mu.Unlock()
		if first.OK || !again.OK || first.ID != again.ID || first.Text != again.Text || !strings.HasPrefix(string(first.ID), "3EB0") {
			t.Fatalf("first attempt %+v, retry %+v: want the same id twice", first, again)
		}
	})
}

func TestHandlerStoresBeforeAcknowledging(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, fakeLIDs{"555111222": "996700123456"})
		s.stop() // only the handler: nothing handles the inbox
		pn := s.fake.user("996700000001")
		ext := &events.Message{Info: pn.info(), Message: &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("Суу жок https://x.kg")}}}
		voice := &events.Message{Info: pn.info(), Message: &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true), Mimetype: proto.String("audio/ogg"), FileLength: proto.Uint64(1200), DirectPath: proto.String("/v/a")}}}
		loc := &events.Message{Info: pn.info(), Message: &waE2E.Message{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(41.2), DegreesLongitude: proto.Float64(72.9)}}}
		mapped := &user{f: s.fake, jid: types.NewJID("555111222", types.HiddenUserServer), chat: types.NewJID("555111222", types.HiddenUserServer)}
		unmapped := &user{f: s.fake, jid: types.NewJID("999888777", types.HiddenUserServer), chat: types.NewJID("999888777", types.HiddenUserServer)}
		withAlt := &user{f: s.fake, jid: types.NewJID("444", types.HiddenUserServer), alt: types.NewJID("996777000444", types.DefaultUserServer), chat: types.NewJID("444", types.HiddenUserServer)}
		group := pn.in(types.NewJID(strings.TrimSuffix(residentGroup, "@g.us"), types.GroupServer))
		elsewhere := pn.in(types.NewJID("120363000000000555", types.GroupServer)) // a group the number is in, not ours
		all := []*events.Message{ext, voice, loc,
			{Info: mapped.info(), Message: &waE2E.Message{Conversation: proto.String("LID, mapped")}},
			{Info: unmapped.info(), Message: &waE2E.Message{Conversation: proto.String("LID only")}},
			{Info: withAlt.info(), Message: &waE2E.Message{Conversation: proto.String("LID with its phone")}},
			{Info: group.info(), Message: &waE2E.Message{Conversation: proto.String("in a group")}},
		}
		for _, e := range all {
			if !s.fake.emit(e) {
				t.Fatalf("not taken: %+v", e.Info)
			}
		}
		if !s.fake.emit(ext) { // a redelivery: taken, not stored twice
			t.Fatal("a redelivered message was refused")
		}
		// Taken and not stored: another group's chatter, a reaction, and the
		// group key that comes ahead of a group message with its id.
		key := group.info()
		for _, e := range []*events.Message{
			{Info: elsewhere.info(), Message: &waE2E.Message{Conversation: proto.String("not for us")}},
			{Info: pn.info(), Message: &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}}},
			{Info: key, Message: &waE2E.Message{SenderKeyDistributionMessage: &waE2E.SenderKeyDistributionMessage{GroupID: proto.String("g")}}},
		} {
			if !s.fake.emit(e) {
				t.Fatalf("refused: %+v", e.Info)
			}
		}
		if !s.fake.emit(&events.Message{Info: key, Message: &waE2E.Message{Conversation: proto.String("after its key")}}) {
			t.Fatal("the group message after its key was refused")
		}
		rows, err := db.PendingInbox(context.Background(), s.muni.Code, 100)
		if err != nil || len(rows) != len(all)+1 {
			t.Fatalf("%d rows stored, %v; want %d: each message once, and the group message after its key", len(rows), err, len(all)+1)
		}
		var got []string
		for _, r := range rows {
			var u bot.Update
			if err := jsonDecode(r.Payload, &u); err != nil {
				t.Fatal(err)
			}
			got = append(got, string(u.Kind)+"|"+u.ChatKind+"|"+u.UserID+"|"+u.Text)
		}
		want := []string{
			"text|private|996700000001|Суу жок https://x.kg",
			"media|private|996700000001|",
			"location|private|996700000001|",
			"text|private|996700123456|LID, mapped",
			"text|private|lid:999888777|LID only",
			"text|private|996777000444|LID with its phone",
			"text|group|996700000001|in a group",
			"text|group|996700000001|after its key",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("stored:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// A store that fails leaves the message unacknowledged.
		db.Close()
		if s.fake.emit(&events.Message{Info: pn.info(), Message: &waE2E.Message{Conversation: proto.String("lost?")}}) {
			t.Fatal("a message that could not be stored was acknowledged")
		}
	})
}

// The sqlstore keeps WhatsApp's device keys in the same database, in its
// own whatsmeow_* tables with its own version table; upgrading twice is fine.
func TestDeviceStoreLivesBesideTheJournal(t *testing.T) {
	t.Parallel()
	storagetest.EachOwn(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		for range 2 {
			c := sqlstore.NewWithDB(db.SQL().DB, db.Dialect, nil)
			if err := c.Upgrade(ctx); err != nil {
				t.Fatal(err)
			}
			dev, err := c.GetFirstDevice(ctx)
			if err != nil || dev.ID != nil {
				t.Fatalf("fresh device = %+v, %v; want an unpaired one", dev, err)
			}
		}
		var n int
		if err := db.SQL().Get(&n, `SELECT COUNT(*) FROM whatsmeow_version`); err != nil || n == 0 {
			t.Fatalf("whatsmeow_version: %d, %v", n, err)
		}
		if cur, latest, err := db.SchemaVersion(ctx); err != nil || cur != latest {
			t.Fatalf("our schema at %d of %d, %v", cur, latest, err)
		}
	})
}

// WhatsApp's pace: a chat that wrote in the last day may get replies at
// once; one that did not, one message every 3 seconds; about 20 a minute in all.
func TestPaceFavoursChatsThatWrote(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	m := storagetest.Municipality(t)
	a := whatsapp.New(newFakeClient(), nil, whatsapp.Config{}, db, m, slog.New(slog.DiscardHandler), nil)
	u := bot.Update{Channel: monitoring.WhatsApp, ChatID: "996555000333@s.whatsapp.net", ChatKind: bot.Private, UserID: "996555000333", Kind: bot.KindText, Text: "Салам"}
	if _, err := db.PutInbox(context.Background(), []monitoring.InboxItem{{Municipality: m.Code, Channel: "whatsapp", ExternalID: "wa:1", ChatID: u.ChatID, Payload: u.Encode()}}); err != nil {
		t.Fatal(err)
	}
	a.Start(nil) // reads who wrote from the inbox
	l := a.DefaultLimits()
	if lim, burst := l.PerChat(u.ChatID); lim != 1 || burst != 3 {
		t.Fatalf("a chat that wrote: %v/s burst %d", lim, burst)
	}
	if lim, burst := l.PerChat("996555000444@s.whatsapp.net"); lim != rate.Every(3*time.Second) || burst != 1 {
		t.Fatalf("a chat that did not write: %v/s burst %d", lim, burst)
	}
	if l.Global != rate.Limit(20.0/60) {
		t.Fatalf("overall pace %v/s, want 20 a minute", l.Global)
	}
}
