package whatsapp_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.mau.fi/whatsmeow/proto/waAdv"
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

// flaky is the real database with a switch that makes the inbox and pings
// fail, as when the database server goes away, and a bug that panics while
// a message from an unknown group is read.
type flaky struct {
	*storage.DB
	down      atomic.Bool
	panicking atomic.Bool
}

var errGone = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")

func (f *flaky) PutInbox(ctx context.Context, items []monitoring.InboxItem) (int, error) {
	if f.down.Load() {
		return 0, errGone
	}
	return f.DB.PutInbox(ctx, items)
}

func (f *flaky) Ping(ctx context.Context) error {
	if f.down.Load() {
		return errGone
	}
	return f.DB.Ping(ctx)
}

func (f *flaky) IsBoundGroup(ctx context.Context, municipality, channel, chatID string) (bool, error) {
	if f.panicking.Load() {
		panic("assignment to entry in nil map") // the kind of bug that panics
	}
	return f.DB.IsBoundGroup(ctx, municipality, channel, chatID)
}

// A message that comes while the database is down is not acknowledged;
// once the database answers, the adapter reconnects, WhatsApp sends the
// message again, and it is stored and answered within the minute.
func TestUnstoredMessageComesBackWhenTheDatabaseDoes(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		st := &flaky{DB: db}
		s := runWith(t, db, setup{store: st})
		u := s.fake.user("996555000201")
		st.down.Store(true)
		e := &events.Message{Info: u.info(), Message: &waE2E.Message{Conversation: proto.String("Суу жок")}}
		if s.fake.emit(e) {
			t.Fatal("a message that could not be stored was acknowledged")
		}
		connects := func() int { s.fake.mu.Lock(); defer s.fake.mu.Unlock(); return s.fake.connects }
		before := connects()
		st.down.Store(false)
		start := time.Now()
		u.expect(t, "Тилди тандаңыз") // stored, handled, answered
		if took := time.Since(start); took > time.Minute {
			t.Fatalf("the message came back after %s; want within a minute of the database's return", took)
		}
		if connects() <= before {
			t.Fatal("the adapter did not reconnect to get the message again")
		}
		rows, err := db.PendingInbox(context.Background(), s.muni.Code, 10)
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.ReportInbox(context.Background(), s.muni.Code, 0)
		if err != nil || r.Stored != 1 || len(rows) != 0 {
			t.Fatalf("inbox %+v, %d pending, %v: want the message once, handled", r, len(rows), err)
		}
	})
}

// A panic while a message is read is recovered in the handler: the message
// is set aside, stored with its error (never acknowledged unstored, never
// a crash), a redelivery is a duplicate, and the next message flows.
func TestPanicWhileReadingSetsTheMessageAside(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		st := &flaky{DB: db}
		s := runWith(t, db, setup{store: st})
		st.panicking.Store(true)
		u := s.fake.user("996555000202")
		odd := &events.Message{Info: u.in(types.NewJID("120363000000000777", types.GroupServer)).info(),
			Message: &waE2E.Message{Conversation: proto.String("hello?")}}
		if !s.fake.emit(odd) {
			t.Fatal("a message set aside (stored) was not acknowledged")
		}
		if !s.fake.emit(odd) {
			t.Fatal("its redelivery was refused")
		}
		st.panicking.Store(false)
		u.say(t, "Салам")
		u.expect(t, "Тилди тандаңыз")
		r, err := db.ReportInbox(context.Background(), s.muni.Code, 10)
		if err != nil || r.OnArrival != 1 || len(r.Latest) != 1 || !strings.Contains(r.Latest[0].Error, "panic") {
			t.Fatalf("report %+v, %v: want the message set aside once, with its panic", r, err)
		}
		if n := testutil.ToFloat64(s.srv.Metrics.SetAside.WithLabelValues("whatsapp", "arrival")); n != 1 {
			t.Fatalf("set aside on arrival counted %v times, want 1", n)
		}
	})
}

// A message that cannot be decrypted is counted, kept for the operator
// (status, /metrics), and does not stand in the way of the same message
// coming decrypted on WhatsApp's retry.
func TestUndecryptableMessagesAreCountedAndShown(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, nil)
		u := s.fake.user("996555000203")
		info := u.info()
		if !s.fake.emit(&events.UndecryptableMessage{Info: info}) {
			t.Fatal("refused")
		}
		// View-once and the like are meant not to reach linked devices.
		if !s.fake.emit(&events.UndecryptableMessage{Info: u.info(), IsUnavailable: true, UnavailableType: events.UnavailableTypeViewOnce}) {
			t.Fatal("refused")
		}
		if !s.fake.emit(&events.Message{Info: info, Message: &waE2E.Message{Conversation: proto.String("Салам")}}) {
			t.Fatal("the retry, decrypted, was refused")
		}
		u.expect(t, "Тилди тандаңыз")
		r, err := db.ReportInbox(context.Background(), s.muni.Code, 10)
		if err != nil || r.Undecryptable != 1 {
			t.Fatalf("report %+v, %v: want one undecryptable message", r, err)
		}
		if n := testutil.ToFloat64(s.srv.Metrics.Undecryptable); n != 1 {
			t.Fatalf("undecryptable counted %v, want 1", n)
		}
		h := healthz(t, s.srv)
		if h.SetAside != 1 {
			t.Fatalf("/healthz set_aside = %d, want 1", h.SetAside)
		}
		var metrics bytes.Buffer
		rec := httptest.NewRecorder()
		s.srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		metrics.Write(rec.Body.Bytes())
		if !strings.Contains(metrics.String(), "bmjbt_whatsapp_undecryptable_total 1") {
			t.Fatalf("/metrics lacks the undecryptable count:\n%s", grepLines(metrics.String(), "undecrypt"))
		}
	})
}

func grepLines(s, sub string) string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func healthz(t *testing.T, srv *server.Server) server.Health {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	var h server.Health
	if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
		t.Fatalf("/healthz: %v: %s", err, rec.Body)
	}
	if (h.Status == "ok") != (rec.Code == http.StatusOK) {
		t.Fatalf("/healthz says %s with HTTP %d", h.Status, rec.Code)
	}
	return h
}

// A keepalive timeout drops the line without a Disconnected event:
// /healthz reads the client, not the last event. A number linked once and
// not now shows as configured, not linked, and unhealthy.
func TestHealthSaysWhatTheClientKnows(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	s := run(t, db, nil)
	if h := healthz(t, s.srv); h.Status != "ok" || !h.Channels["whatsapp"].Connected {
		t.Fatalf("healthz while connected: %+v", h)
	}
	s.fake.drop()
	h := healthz(t, s.srv)
	if h.Status != "unhealthy" || h.Channels["whatsapp"].Connected || h.Channels["whatsapp"].Error == "" {
		t.Fatalf("healthz after the line dropped silently: %+v", h)
	}
	s.fake.mu.Lock()
	s.fake.connected, s.fake.loggedOut = true, true // connected, but WhatsApp did not accept the keys
	s.fake.mu.Unlock()
	if h := healthz(t, s.srv); h.Channels["whatsapp"].Connected {
		t.Fatalf("healthz while not logged in: %+v", h)
	}

	unlinked := server.New(db, s.muni, slog.New(slog.DiscardHandler), server.Options{WhatsAppUnlinked: true})
	h = healthz(t, unlinked)
	wa, ok := h.Channels["whatsapp"]
	if h.Status != "unhealthy" || !ok || wa.Connected || !strings.Contains(wa.Error, "not linked") {
		t.Fatalf("healthz of a number no longer linked: %+v", h)
	}
}

// On SIGTERM the replies in hand go out before the line to WhatsApp is
// closed; none is marked sent that was not.
func TestShutdownDeliversBeforeDisconnecting(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	slow := bot.Limits{Global: 5, GlobalBurst: 1, Workers: 2, PerChat: func(string) (rate.Limit, int) { return rate.Inf, 1 }}
	s := runWith(t, db, setup{limits: slow})
	var users []*user
	for i := range 5 {
		u := s.fake.user("99655500030" + string(rune('0'+i)))
		u.say(t, "Салам")
		users = append(users, u)
	}
	users[0].expect(t, "Тилди тандаңыз")
	s.stop() // while four replies still wait for the pace
	for _, u := range users {
		if got := s.fake.messages(u.chat); len(got) != 1 {
			t.Fatalf("%s got %d replies by the end of the shutdown, want 1", u.chat.User, len(got))
		}
	}
	if s.fake.IsConnected() {
		t.Fatal("still connected after the shutdown")
	}
	if n, err := db.OutboxDepth(context.Background(), s.muni.Code); err != nil || n != 0 {
		t.Fatalf("%d replies left, %v", n, err)
	}
}

// Message ids are fixed per reply, yet not reused by a new reply after the
// database is reset or restored (row ids come again there).
func TestMessageIDsAreNewAfterADatabaseReset(t *testing.T) {
	t.Parallel()
	first := func(db *storage.DB) sent {
		s := run(t, db, nil)
		u := s.fake.user("996555000401")
		u.say(t, "Салам")
		u.expect(t, "Тилди тандаңыз")
		s.stop()
		s.fake.mu.Lock()
		defer s.fake.mu.Unlock()
		return s.fake.sent[0]
	}
	before := first(storagetest.Open(t, storage.SQLite))
	after := first(storagetest.Open(t, storage.SQLite)) // the same municipality, a fresh database
	if before.ID == after.ID {
		t.Fatalf("the first reply of a fresh database reused id %s", after.ID)
	}
}

// A file whose sender declared it small but that is larger than the limit
// stops downloading at the limit; the resident is told in their language,
// and the text they sent with it is kept. A file that keeps failing is
// tried five times, with growing pauses, then given up.
func TestMediaDownloadsAreBounded(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, nil)
		u := s.fake.user("996555000501")
		u.say(t, "Салам")
		u.expect(t, "Тилди тандаңыз")
		u.say(t, "1")
		u.expect(t, "кайсы айылда")
		u.say(t, "1")
		u.expect(t, "Кайсы кызмат")
		u.say(t, "1")
		u.expect(t, "«Даяр»")
		big := bytes.Repeat([]byte{7}, monitoring.MaxMediaBytes+1<<20)
		s.fake.mu.Lock()
		s.fake.files["/v/big"] = big
		s.fake.mu.Unlock()
		img := &waE2E.ImageMessage{DirectPath: proto.String("/v/big"), MediaKey: []byte("k"), Mimetype: proto.String("image/jpeg"),
			FileLength: proto.Uint64(1000), Caption: proto.String("Көпүрө сынды")}
		if !s.fake.emit(&events.Message{Info: u.info(), Message: &waE2E.Message{ImageMessage: img}}) {
			t.Fatal("the photo was not taken")
		}
		u.expect(t, "Файл өтө чоң")
		s.fake.mu.Lock()
		served := s.fake.served
		s.fake.mu.Unlock()
		if served > monitoring.MaxMediaBytes+64<<10 {
			t.Fatalf("%d bytes downloaded; want the download stopped at the limit", served)
		}
		u.say(t, "Даяр")
		u.expect(t, "телефон номериңизди калтырасызбы")
		u.say(t, "Анонимдүү калуу")
		u.expect(t, "Текшериңиз")
		u.say(t, "1")
		u.expect(t, "журналга №")
		e := s.entries(t)[0]
		full, err := db.EntryByNumber(context.Background(), s.muni.Code, e.Number)
		if err != nil || !strings.Contains(full.Description, "Көпүрө сынды") || len(full.Media) != 1 || full.Media[0].State != monitoring.MediaTooLarge {
			t.Fatalf("entry %+v, %v: want the caption kept and the photo marked too large", full, err)
		}

	})
}

// A file that keeps failing (the network, not WhatsApp's "gone") is tried
// five times, with growing pauses, then given up.
func TestFailingDownloadIsTriedFiveTimes(t *testing.T) {
	t.Parallel()
	db := storagetest.Open(t, storage.SQLite)
	s := run(t, db, nil)
	s.stop() // the background fetcher too: the test fetches by hand
	ctx := context.Background()
	raw, _ := proto.Marshal(&waE2E.ImageMessage{DirectPath: proto.String("/v/flaky"), MediaKey: []byte("k")})
	var id int64
	err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
		id, err = tx.AddMedia(ctx, s.muni.Code, monitoring.Media{Kind: monitoring.Photo, Channel: monitoring.WhatsApp,
			FileID: "image:" + base64.StdEncoding.EncodeToString(raw), Mime: "image/jpeg", Size: 100})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.fake.mu.Lock()
	s.fake.broken = map[string]error{"/v/flaky": errors.New("read tcp: connection reset by peer")}
	s.fake.mu.Unlock()
	var pauses []time.Duration
	for try := 1; try <= 6; try++ {
		if _, err := s.srv.WhatsApp.FetchDue(ctx); err != nil {
			t.Fatal(err)
		}
		m, err := db.MediaByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if try < 5 && (m.State != monitoring.MediaPending || m.Attempts != try) || try >= 5 && (m.State != monitoring.MediaFailed || m.Attempts != 5) {
			t.Fatalf("after try %d: %s, %d attempts", try, m.State, m.Attempts)
		}
		// The next try is due after a pause that grows.
		due := time.Duration(0)
		for step := time.Minute; due < 7*time.Hour; due += step {
			if list, _ := db.DueMedia(ctx, s.muni.Code, "whatsapp", 10); len(list) > 0 {
				break
			}
			s.clk.Add(step)
		}
		pauses = append(pauses, due)
	}
	for i := 1; i < 4; i++ {
		if pauses[i] <= pauses[i-1] {
			t.Fatalf("pauses between tries %v: want them growing", pauses)
		}
	}
}

// The device store keeps its pairing keys, sessions and the decrypted-event
// buffer in our database, on SQLite and PostgreSQL alike.
func TestDeviceKeysSurviveARestart(t *testing.T) {
	t.Parallel()
	storagetest.EachOwn(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := sqlstore.NewWithDB(db.SQL().DB, db.Dialect, nil)
		if err := c.Upgrade(ctx); err != nil {
			t.Fatal(err)
		}
		dev := c.NewDevice()
		jid := types.NewADJID("996555000601", 0, 12)
		dev.ID, dev.PushName, dev.Platform = &jid, "БМжБТ", "chrome"
		dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte("details"), AccountSignatureKey: bytes.Repeat([]byte{1}, 32),
			AccountSignature: bytes.Repeat([]byte{2}, 64), DeviceSignature: bytes.Repeat([]byte{3}, 64)}
		if err := dev.Save(ctx); err != nil {
			t.Fatalf("save the paired device: %v", err)
		}
		peer := types.NewJID("996555000602", types.DefaultUserServer).SignalAddress().String()
		if err := dev.Sessions.PutSession(ctx, peer, []byte("session")); err != nil {
			t.Fatal(err)
		}
		hash := [32]byte{9}
		if err := dev.EventBuffer.PutBufferedEvent(ctx, hash, []byte("plaintext"), time.Now()); err != nil {
			t.Fatal(err)
		}

		again := sqlstore.NewWithDB(db.SQL().DB, db.Dialect, nil) // as after a restart
		got, err := again.GetFirstDevice(ctx)
		if err != nil || got.ID == nil || got.ID.String() != jid.String() {
			t.Fatalf("device after a restart: %+v, %v", got.ID, err)
		}
		if *got.NoiseKey.Priv != *dev.NoiseKey.Priv || *got.IdentityKey.Priv != *dev.IdentityKey.Priv || got.RegistrationID != dev.RegistrationID ||
			!bytes.Equal(got.AdvSecretKey, dev.AdvSecretKey) || got.PushName != "БМжБТ" {
			t.Fatal("the pairing keys came back different")
		}
		if s, err := got.Sessions.GetSession(ctx, peer); err != nil || string(s) != "session" {
			t.Fatalf("session %q, %v", s, err)
		}
		if b, err := got.EventBuffer.GetBufferedEvent(ctx, hash); err != nil || b == nil || string(b.Plaintext) != "plaintext" {
			t.Fatalf("buffered event %+v, %v", b, err)
		}
	})
}

// `whatsapp status --connect` with serve stopped checks through the same
// adapter: it reports the link once WhatsApp accepts it, and a message
// that arrives meanwhile is stored for serve, not acknowledged and lost.
func TestCheckStoresWhatArrives(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fake := newFakeClient()
		m := storagetest.Municipality(t)
		if err := db.EnsureMunicipality(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		u := fake.user("996555000701")
		waiting := &events.Message{Info: u.info(), Message: &waE2E.Message{Conversation: proto.String("Суу жок")}}
		fake.unacked = []*events.Message{waiting} // sent while nothing was connected
		a := whatsapp.New(fake, nil, whatsapp.Config{Limits: fast}, db, m, slog.New(slog.DiscardHandler), nil)
		h := a.Check(context.Background(), 20*time.Second)
		if !h.Connected {
			t.Fatalf("check: %+v", h)
		}
		if fake.IsConnected() {
			t.Fatal("the check left the line open")
		}
		rows, err := db.PendingInbox(context.Background(), m.Code, 10)
		if err != nil || len(rows) != 1 || len(fake.unacked) != 0 {
			t.Fatalf("%d stored, %v, %d unacknowledged: want the message stored and acknowledged", len(rows), err, len(fake.unacked))
		}

		// Logged out: the check says so instead of waiting.
		fake2 := newFakeClient()
		fake2.loggedOut = true
		b := whatsapp.New(&loggingOut{fake2}, nil, whatsapp.Config{Limits: fast}, db, m, slog.New(slog.DiscardHandler), nil)
		start := time.Now()
		if h := b.Check(context.Background(), 20*time.Second); h.Connected || !strings.Contains(h.Error, "logged out") || time.Since(start) > 10*time.Second {
			t.Fatalf("check of an unlinked device: %+v after %s", h, time.Since(start))
		}
	})
}

// loggingOut is a client whose phone unlinked it: WhatsApp says so on connect.
type loggingOut struct{ *fakeClient }

func (l *loggingOut) Connect() error {
	l.mu.Lock()
	l.connected = true
	l.mu.Unlock()
	l.emit(&events.LoggedOut{OnConnect: true, Reason: events.ConnectFailureLoggedOut})
	return nil
}

// whatsmeow decrypts with its store, which is in our database: a message
// that comes while the database is down cannot be decrypted and is
// acknowledged by whatsmeow. Once the database answers, it is recorded
// and asked of the phone again; the phone's copy is stored and answered.
func TestMessageUndecryptableWhileTheDatabaseIsDownIsAskedAgain(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		st := &flaky{DB: db}
		s := runWith(t, db, setup{store: st})
		u := s.fake.user("996555000211")
		info := u.info()
		st.down.Store(true)
		s.fake.emit(&events.UndecryptableMessage{Info: info})
		st.down.Store(false)
		waitFor(t, "the phone asked for the message again", func() bool {
			s.fake.mu.Lock()
			defer s.fake.mu.Unlock()
			for _, m := range s.fake.sent {
				if m.Peer == string(info.ID) && m.To == ownNumber {
					return true
				}
			}
			return false
		})
		// The phone's copy comes as a message of its own.
		if !s.fake.emit(&events.Message{Info: info, Message: &waE2E.Message{Conversation: proto.String("Салам")}, UnavailableRequestID: "REQ1"}) {
			t.Fatal("the phone's copy was refused")
		}
		u.expect(t, "Тилди тандаңыз")
		r, err := db.ReportInbox(context.Background(), s.muni.Code, 0)
		if err != nil || r.Undecryptable != 1 {
			t.Fatalf("report %+v, %v: want the undecryptable one on record", r, err)
		}
	})
}
