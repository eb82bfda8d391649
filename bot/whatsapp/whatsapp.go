// Package whatsapp is the WhatsApp adapter, on go.mau.fi/whatsmeow. Regulation
// 5.6 names WhatsApp first: residents write to the group's number or to its
// WhatsApp group, and those messages go into the journal. The adapter
// stores each message in the inbox before whatsmeow acknowledges it (a
// failed store is not acknowledged, so WhatsApp delivers it again), sends
// replies from the outbox slowly and steadily with message ids fixed per
// reply so a retry never sends twice, and fetches media into the store.
package whatsapp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"golang.org/x/time/rate"

	"bmjbt/bot"
	"bmjbt/metrics"
	"bmjbt/monitoring"
)

// Client is the part of *whatsmeow.Client the adapter uses. The real client
// satisfies it; tests put a fake in its place and feed it whatsmeow's own
// event and protobuf types.
type Client interface {
	Connect() error
	Disconnect()
	IsConnected() bool
	IsLoggedIn() bool
	AddEventHandlerWithSuccessStatus(h whatsmeow.EventHandlerWithSuccessStatus) uint32
	SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	// BuildUnavailableMessageRequest asks the linked phone for its copy of
	// a message this device could not decrypt (sent to Config.Own, Peer).
	BuildUnavailableMessageRequest(chat, sender types.JID, id string) *waE2E.Message
	// DownloadToFile writes a file into f as it arrives, so the download
	// stops at the size limit instead of after it.
	DownloadToFile(ctx context.Context, msg whatsmeow.DownloadableMessage, f whatsmeow.File) error
	Upload(ctx context.Context, plaintext []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
}

// NewClient is the whatsmeow client serve and a status check both run: a
// message is acknowledged only once stored, and what was decrypted is kept
// until it is handled (a message left unacknowledged because the store
// failed is handled again when WhatsApp redelivers it, instead of failing
// to decrypt a second time).
func NewClient(dev *store.Device, log *slog.Logger) *whatsmeow.Client {
	cli := whatsmeow.NewClient(dev, Logger(log, "whatsmeow"))
	cli.SynchronousAck = true
	cli.EnableDecryptedEventBuffer = true
	cli.EnableAutoReconnect = true
	// A message that cannot be decrypted is asked of the phone again.
	cli.AutomaticMessageRerequestFromPhone = true
	return cli
}

// LIDs maps WhatsApp's hidden user ids (LIDs) to phone numbers: whatsmeow's
// store keeps the mapping (Device.LIDs).
type LIDs interface {
	GetPNForLID(ctx context.Context, lid types.JID) (types.JID, error)
}

// Config is the WhatsApp side of a municipality.
type Config struct {
	// ResidentGroup is the WhatsApp group residents post to (5.6): each
	// resident's message there becomes a journal entry. "" for none.
	ResidentGroup string
	// Limits pace the sender; zero means DefaultLimits.
	Limits bot.Limits
	// PerMinute and ColdChatEvery are the defaults' knobs: replies a minute
	// in all, and the gap between messages to a chat that has not written
	// in the last 24 hours.
	PerMinute     int
	ColdChatEvery time.Duration
	// Own is the linked number (its JID without a device): messages lost
	// while the database was down are asked of this phone again.
	Own types.JID
}

// Store is what the WhatsApp adapter needs of the store besides a
// channel's ports: whom it knows, which chats wrote lately (their pace
// differs) and whether a group is the members' one.
type Store interface {
	bot.Channel
	KnownRef(ctx context.Context, municipality, channel, ref string) (bool, error)
	RecentChats(ctx context.Context, municipality, channel string, since time.Time) ([]string, error)
	IsBoundGroup(ctx context.Context, municipality, channel, chatID string) (bool, error)
	// Ping says whether the database answers: after a failed store, the
	// adapter waits for it before asking WhatsApp for the message again.
	Ping(ctx context.Context) error
}

// Adapter is the WhatsApp channel of one municipality.
type Adapter struct {
	cli     Client
	lids    LIDs
	cfg     Config
	db      Store
	muni    *monitoring.Municipality
	log     *slog.Logger
	metrics *metrics.Metrics

	Sender  *bot.Sender
	fetcher *bot.Fetcher
	stored  func()

	mu      sync.Mutex
	health  bot.Health
	written map[string]time.Time // chats that wrote to us, for the pace
	refused bool                 // WhatsApp refused the link (logged out, banned…)

	// reconnect asks Run to connect again after a while (a temporary ban
	// ends, and whatsmeow does not come back from it by itself).
	reconnect chan time.Duration
	// unstored asks Run to get unacknowledged messages again once the
	// database answers: WhatsApp redelivers them only on a new connection.
	unstored chan struct{}
	// lost are messages whatsmeow acknowledged but could not decrypt while
	// the database was down (its decryption reads the database): once it
	// answers, they are recorded and asked of the phone again.
	lost []types.MessageInfo
	// DBRetry is how often Run asks the database whether it is back.
	DBRetry time.Duration
}

// New returns the adapter; Start registers it with the client.
func New(cli Client, lids LIDs, cfg Config, db Store, m *monitoring.Municipality, log *slog.Logger, met *metrics.Metrics) *Adapter {
	a := &Adapter{cli: cli, lids: lids, cfg: cfg, db: db, muni: m, log: log, metrics: met, written: map[string]time.Time{},
		reconnect: make(chan time.Duration, 1), unstored: make(chan struct{}, 1), DBRetry: 2 * time.Second}
	if cfg.Limits.Global == 0 {
		cfg.Limits = a.DefaultLimits()
	}
	a.Sender = bot.NewSender(db, m.Code, string(monitoring.WhatsApp), a, cfg.Limits, log)
	a.Sender.Metrics = met
	a.fetcher = a.newFetcher()
	a.health = bot.Health{Mode: "whatsmeow", Error: "not connected yet"}
	a.fetcher.Stored = func() {
		if a.stored != nil {
			a.stored()
		}
	}
	return a
}

// DefaultLimits are a slow, steady pace that keeps a number off WhatsApp's
// spam radar: about 20 messages a minute in all, and to a chat that has not
// written in the last 24 hours at most one every 3 seconds.
func (a *Adapter) DefaultLimits() bot.Limits {
	perMinute, cold := a.cfg.PerMinute, a.cfg.ColdChatEvery
	if perMinute <= 0 {
		perMinute = 20
	}
	if cold <= 0 {
		cold = 3 * time.Second
	}
	return bot.Limits{
		Global: rate.Limit(float64(perMinute) / 60), GlobalBurst: 3, Workers: 4,
		PerChat: func(chat string) (rate.Limit, int) {
			if a.wroteRecently(chat) {
				return 1, 3
			}
			return rate.Every(cold), 1
		},
	}
}

func (a *Adapter) wroteRecently(chat string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return time.Since(a.written[chat]) < 24*time.Hour
}

// Start registers the event handler; stored is called after each stored
// update, to wake the engine.
func (a *Adapter) Start(stored func()) {
	a.stored = stored
	// Who wrote in the last day, from before a restart, sets their pace.
	// (Counted from now: at most a day more of the quick pace.)
	if recent, err := a.db.RecentChats(context.Background(), a.muni.Code, string(monitoring.WhatsApp), time.Now().Add(-24*time.Hour)); err != nil {
		a.log.Warn("whatsapp: cannot read who wrote recently; everyone gets the slow pace for now", "err", err)
	} else {
		a.mu.Lock()
		for _, c := range recent {
			a.written[c] = time.Now()
		}
		a.mu.Unlock()
	}
	a.cli.AddEventHandlerWithSuccessStatus(a.handle)
}

// Run keeps the connection until ctx is done. whatsmeow reconnects by
// itself after a dropped connection; Run makes the first connection (with
// backoff), connects again when a temporary ban has run out, and when a
// message could not be stored, once the database answers again. It leaves
// the connection open when ctx ends: the senders finish the replies in
// hand first, then the server calls Disconnect.
func (a *Adapter) Run(ctx context.Context) error {
	a.connect(ctx)
	// pause grows when stores keep failing with the database up (a
	// message that cannot be stored for another reason): reconnecting at
	// once each time would be a loop.
	var lastRedo time.Time
	pause := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return nil
		case wait := <-a.reconnect:
			a.log.Warn("whatsapp: will connect again", "in", wait)
			select {
			case <-ctx.Done():
			case <-time.After(wait):
				a.cli.Disconnect()
				a.connect(ctx)
			}
		case <-a.unstored:
			if time.Since(lastRedo) < time.Minute {
				pause = min(max(2*pause, 5*time.Second), 10*time.Minute)
			} else {
				pause = 0
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(pause):
			}
			if a.waitForDB(ctx) {
				a.log.Warn("whatsapp: the database answers again; reconnecting so WhatsApp sends the unstored messages again", "after", pause)
				lastRedo = time.Now()
				a.cli.Disconnect()
				a.connect(ctx)
				a.askAgain(ctx)
			}
		}
	}
}

// Disconnect closes the connection to WhatsApp, after the senders are done.
func (a *Adapter) Disconnect() { a.cli.Disconnect() }

// waitForDB waits until the database answers (false if ctx ends first).
func (a *Adapter) waitForDB(ctx context.Context) bool {
	for {
		pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := a.db.Ping(pingCtx)
		cancel()
		if err == nil {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(a.DBRetry):
		}
	}
}

func (a *Adapter) connect(ctx context.Context) {
	wait := time.Second
	for ctx.Err() == nil && !a.cli.IsConnected() {
		err := a.cli.Connect()
		if err == nil {
			return
		}
		a.setHealth(false, "cannot connect: "+err.Error())
		a.log.Warn("whatsapp: cannot connect; retrying", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(wait*2, time.Minute)
	}
}

// Health reports the connection to WhatsApp as the client sees it now
// (a keepalive timeout drops the line without a Disconnected event), with
// the last event that said otherwise as the detail.
func (a *Adapter) Health() bot.Health {
	live := a.cli.IsConnected() && a.cli.IsLoggedIn()
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.health
	if live != h.Connected {
		h.Connected = live
		if live {
			h.Error = ""
		} else if h.Error == "" {
			h.Error = "not connected; whatsmeow reconnects by itself"
		}
	}
	return h
}

func (a *Adapter) setHealth(connected bool, problem string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.health.Connected != connected || a.health.Since.IsZero() {
		a.health.Since = time.Now()
	}
	a.health.Connected, a.health.Error = connected, problem
	if connected {
		a.refused = false
	}
}

// messageID is the WhatsApp id of an outbox row's message: fixed per row, so
// a retry after a lost answer is the same message, never a second one. The
// row's time is part of it: after the database is reset or restored from a
// backup, row ids come again, and WhatsApp would drop a new message that
// reuses a sent one's id as a duplicate. (Microseconds: what both databases
// keep of a timestamp.)
func (a *Adapter) messageID(key bot.OutboxKey) types.MessageID {
	sum := sha256.Sum256([]byte(fmt.Sprintf("bmjbt:%s:%d:%d", a.muni.Code, key.ID, key.Created.UnixMicro())))
	return types.MessageID("3EB0" + strings.ToUpper(hex.EncodeToString(sum[:9])))
}

// isGroup reports whether a chat id is a WhatsApp group.
func isGroup(chat string) bool { return strings.HasSuffix(chat, "@"+types.GroupServer) }

// Check connects once to see whether WhatsApp accepts the link, then
// disconnects: `bmjbt whatsapp status --connect` while serve is not
// running. It runs the adapter as serve does (the same handler and client
// settings, the same inbox), so a message that arrives meanwhile is stored
// for serve to answer, never acknowledged and lost. It returns the health
// once connected, refused (logged out, banned, outdated) or at wait.
func (a *Adapter) Check(ctx context.Context, wait time.Duration) bot.Health {
	a.Start(nil)
	defer a.cli.Disconnect()
	if err := a.cli.Connect(); err != nil {
		a.setHealth(false, "cannot connect: "+err.Error())
		return a.Health()
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		h := a.Health()
		a.mu.Lock()
		refused := a.refused
		a.mu.Unlock()
		if h.Connected || refused {
			return h
		}
		select {
		case <-ctx.Done():
			h.Error = fmt.Sprintf("no answer from WhatsApp in %s: check the network", wait)
			return h
		case <-tick.C:
		}
	}
}

// askAgain records the messages lost while the database was down (see
// lost) as undecryptable, and asks the phone for each again: its copy
// comes as a normal message, stored as any other.
func (a *Adapter) askAgain(ctx context.Context) {
	a.mu.Lock()
	lost := a.lost
	a.lost = nil
	a.mu.Unlock()
	for _, info := range lost {
		if _, err := a.store(ctx, undecryptableItem(a.muni.Code, info)); err != nil {
			a.log.Error("whatsapp: cannot record a message lost while the database was down", "message_id", string(info.ID), "err", err)
		}
		if a.cfg.Own.IsEmpty() {
			continue
		}
		req := a.cli.BuildUnavailableMessageRequest(info.Chat, info.Sender, string(info.ID))
		if _, err := a.cli.SendMessage(ctx, a.cfg.Own, req, whatsmeow.SendRequestExtra{Peer: true}); err != nil {
			a.log.Warn("whatsapp: cannot ask the phone for a lost message again", "message_id", string(info.ID), "err", err)
		}
	}
}
