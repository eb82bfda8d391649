// Package server runs one municipality's bot: the engine, its channels
// (Telegram, the console), the scheduled jobs, and the HTTP endpoints
// /healthz, /metrics and the Telegram webhook; and it stops them in order
// so nothing is lost.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"bmjbt/bot"
	"bmjbt/bot/console"
	"bmjbt/bot/telegram"
	"bmjbt/bot/whatsapp"
	"bmjbt/jobs"
	"bmjbt/metrics"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

// Options are the service's settings beyond its channels.
type Options struct {
	// HTTPAddr is where /healthz, /metrics and the webhook listen ("" for none).
	HTTPAddr string
	// WebhookURL, when set, makes Telegram post updates there instead of
	// long polling; WebhookSecret is checked on every post.
	WebhookURL    string
	WebhookSecret string
	// ShutdownTimeout bounds a graceful stop (default 10 s).
	ShutdownTimeout time.Duration
	// WhatsAppUnlinked says the WhatsApp number was linked once and is
	// not now (the phone unlinked it, or `whatsapp logout`): /healthz
	// shows the channel as configured, not linked, and unhealthy.
	WhatsAppUnlinked bool
	// Retention is how long handled updates and delivered replies are
	// kept (0: for ever); the journal is kept for ever regardless.
	Retention time.Duration
}

// Server is the running service of one municipality.
type Server struct {
	DB       *storage.DB
	Muni     *monitoring.Municipality
	Log      *slog.Logger
	Metrics  *metrics.Metrics
	Engine   *bot.Engine
	Jobs     *jobs.Runner
	Telegram *telegram.Adapter // nil when not configured
	WhatsApp *whatsapp.Adapter // nil when not paired
	Console  *console.Console  // nil when not configured
	Opts     Options

	listening chan struct{}
	addr      string
	fetchWake chan struct{}
	waFetch   chan struct{}
}

// New returns a server with its engine; set Telegram and/or Console before Run.
func New(db *storage.DB, m *monitoring.Municipality, log *slog.Logger, opts Options) *Server {
	met := metrics.New()
	e := bot.NewEngine(Store(db), m, log)
	e.Metrics = met
	// The runner reads the store's clock at each use: tests move it.
	j := jobs.New(db, m, func() time.Time { return db.Now() }, log)
	j.Retention = opts.Retention
	s := &Server{DB: db, Muni: m, Log: log, Metrics: met, Engine: e, Jobs: j, Opts: opts,
		listening: make(chan struct{}), fetchWake: make(chan struct{}, 1), waFetch: make(chan struct{}, 1)}
	met.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "bmjbt_sql_statements_total", Help: "SQL statements the store ran (BEGIN and COMMIT not counted).",
	}, func() float64 { return float64(db.Statements()) }))
	met.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "bmjbt_outbox_depth", Help: "Replies waiting to be delivered.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := db.OutboxDepth(ctx, m.Code)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	return s
}

// Addr is the address HTTP listens on, once Run has started listening.
func (s *Server) Addr() string {
	<-s.listening
	return s.addr
}

func (s *Server) committed() {
	if s.Telegram != nil {
		s.Telegram.Sender.Wake()
		select {
		case s.fetchWake <- struct{}{}:
		default:
		}
	}
	if s.WhatsApp != nil {
		s.WhatsApp.Sender.Wake()
		select {
		case s.waFetch <- struct{}{}:
		default:
		}
	}
	if s.Console != nil {
		s.Console.Sender.Wake()
	}
}

// Run serves until ctx is done, then stops in order within ShutdownTimeout:
// stop taking updates, handle what is stored, deliver what the limits
// allow, and only then close WhatsApp's connection.
func (s *Server) Run(ctx context.Context) error {
	timeout := s.Opts.ShutdownTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	s.Engine.Committed = s.committed
	s.Jobs.Posted = s.committed

	var httpSrv *http.Server
	if s.Opts.HTTPAddr != "" {
		ln, err := net.Listen("tcp", s.Opts.HTTPAddr)
		if err != nil {
			close(s.listening)
			return fmt.Errorf("listen on HTTP_ADDR %s: %w", s.Opts.HTTPAddr, err)
		}
		s.addr = ln.Addr().String()
		httpSrv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.Log.Error("http server stopped", "err", err)
			}
		}()
	}
	close(s.listening)

	recvCtx, stopRecv := context.WithCancel(context.WithoutCancel(ctx))
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	// hard ends whatever is still in flight when the shutdown time is up.
	hard, hardStop := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRecv()
	defer stopWork()
	defer hardStop()
	var recv, work sync.WaitGroup

	work.Go(func() { s.Engine.Run(workCtx) })
	work.Go(func() { s.Jobs.Run(workCtx) })
	if tg := s.Telegram; tg != nil {
		work.Go(func() { tg.Sender.Run(workCtx, hard) })
		work.Go(func() { tg.Fetch(workCtx, s.fetchWake) })
		if s.Opts.WebhookURL != "" {
			recv.Go(func() { s.keepWebhook(recvCtx) })
		} else {
			recv.Go(func() { tg.Poll(recvCtx, s.Engine.Wake) })
		}
	}
	if wa := s.WhatsApp; wa != nil {
		wa.Start(s.Engine.Wake)
		work.Go(func() { wa.Sender.Run(workCtx, hard) })
		work.Go(func() { wa.Fetch(workCtx, s.waFetch) })
		recv.Go(func() { wa.Run(recvCtx) })
	}
	if c := s.Console; c != nil {
		work.Go(func() { c.Sender.Run(workCtx, hard) })
		recv.Go(func() {
			if err := c.Read(recvCtx, s.Engine.Wake); err != nil {
				s.Log.Error("console input failed", "err", err)
			}
		})
	}

	<-ctx.Done()
	time.AfterFunc(timeout-500*time.Millisecond, hardStop)
	deadline := hard
	s.Log.Info("stopping: no new updates; finishing what is in hand")
	if httpSrv != nil {
		shCtx, shCancel := context.WithTimeout(deadline, 2*time.Second)
		httpSrv.Shutdown(shCtx)
		shCancel()
	}
	stopRecv()
	recv.Wait()
	stopWork()
	work.Wait()
	// Everything stored gets handled, and its replies go out as far as the
	// limits and the deadline allow; the rest waits in the outbox.
	if _, err := s.Engine.Drain(deadline); err != nil {
		s.Log.Error("stopping: could not handle every stored update; they wait for the next start", "err", err)
	}
	for _, snd := range s.senders() {
		if err := snd.Flush(deadline); err != nil {
			s.Log.Error("stopping: could not deliver every reply; they wait for the next start", "err", err)
		}
	}
	// WhatsApp's line stays open until its replies are out: closed first,
	// the replies in hand would fail and wait for the next start. (A
	// message that comes meanwhile is stored, and handled then.)
	if s.WhatsApp != nil {
		s.WhatsApp.Disconnect()
	}
	return nil
}

func (s *Server) senders() []*bot.Sender {
	var out []*bot.Sender
	if s.Telegram != nil {
		out = append(out, s.Telegram.Sender)
	}
	if s.WhatsApp != nil {
		out = append(out, s.WhatsApp.Sender)
	}
	if s.Console != nil {
		out = append(out, s.Console.Sender)
	}
	return out
}

// keepWebhook registers the webhook, retrying until Telegram accepts it.
func (s *Server) keepWebhook(ctx context.Context) {
	wait := time.Second
	for ctx.Err() == nil {
		err := s.Telegram.SetWebhook(ctx, s.Opts.WebhookURL, s.Opts.WebhookSecret)
		if err == nil {
			return
		}
		s.Log.Warn("telegram: could not set the webhook; retrying", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(wait*2, time.Minute)
	}
}

// WebhookPath is the path of WEBHOOK_URL that Telegram posts to.
func WebhookPath(webhookURL string) string {
	u, err := url.Parse(webhookURL)
	if err != nil || u.Path == "" || u.Path == "/" {
		return "/telegram"
	}
	return u.Path
}

// Handler serves /healthz, /metrics and, with a webhook, its path.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{}))
	if s.Telegram != nil && s.Opts.WebhookURL != "" {
		mux.Handle("POST "+WebhookPath(s.Opts.WebhookURL), s.Telegram.Webhook(s.Opts.WebhookSecret, s.Engine.Wake))
	}
	return mux
}

// NotLinked is the WhatsApp channel's state in /healthz when its number
// was linked once and is not now.
const NotLinked = "configured, not linked: run `bmjbt whatsapp pair` to link the number again (or `bmjbt whatsapp logout --forget` to stop using WhatsApp)"

// Health is the /healthz answer.
type Health struct {
	Status       string                `json:"status"` // ok or unhealthy
	Municipality string                `json:"municipality"`
	Database     string                `json:"database"`
	Channels     map[string]bot.Health `json:"channels"`
	InboxPending int                   `json:"inbox_pending"`
	// SetAside counts updates closed as failed, kept for the operator.
	SetAside    int `json:"set_aside"`
	OutboxDepth int `json:"outbox_depth"`
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	h := Health{Status: "ok", Municipality: s.Muni.Code, Database: "ok", Channels: map[string]bot.Health{}}
	if err := s.DB.Ping(ctx); err != nil {
		h.Status, h.Database = "unhealthy", err.Error()
	} else {
		if r, err := s.DB.ReportInbox(ctx, s.Muni.Code, 0); err == nil {
			h.InboxPending, h.SetAside = r.Pending, r.OnArrival+r.Failed
		}
		h.OutboxDepth, _ = s.DB.OutboxDepth(ctx, s.Muni.Code)
	}
	if s.Telegram != nil {
		th := s.Telegram.Health()
		h.Channels["telegram"] = th
		if !th.Connected {
			h.Status = "unhealthy"
		}
	}
	if s.WhatsApp != nil {
		wh := s.WhatsApp.Health()
		h.Channels["whatsapp"] = wh
		if !wh.Connected {
			h.Status = "unhealthy"
		}
	}
	if s.WhatsApp == nil && s.Opts.WhatsAppUnlinked {
		h.Channels["whatsapp"] = bot.Health{Mode: "whatsmeow", Error: NotLinked}
		h.Status = "unhealthy"
	}
	if s.Console != nil {
		h.Channels["console"] = bot.Health{Connected: true, Mode: "terminal"}
	}
	w.Header().Set("Content-Type", "application/json")
	if h.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(h)
}
