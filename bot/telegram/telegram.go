// Package telegram is the Telegram adapter: it stores updates in the inbox
// before Telegram is told they arrived (long polling on GetUpdates, or a
// webhook that answers 200 only after the write), delivers replies from the
// outbox within Telegram's limits, and fetches residents' files into the store.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"bmjbt/bot"
	"bmjbt/metrics"
	"bmjbt/monitoring"
)

// DefaultAPIURL is the public Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// Config is what the adapter needs to know.
type Config struct {
	Token string
	// APIURL is the Bot API base: methods go to <APIURL>/bot<token>/<method>,
	// files to <APIURL>/file/bot<token>/<path>.
	APIURL string
	// PollTimeout is the long-polling wait in seconds (default 25).
	PollTimeout int
	// Limits pace the sender; zero means Telegram's (see DefaultLimits).
	Limits bot.Limits
}

// DefaultLimits are Telegram's published limits: about 30 messages a second
// in all, one a second per private chat (a short burst is tolerated) and 20
// a minute per group.
func DefaultLimits() bot.Limits {
	return bot.Limits{
		Global: 30, GlobalBurst: 30, Workers: 8,
		PerChat: func(chat string) (rate.Limit, int) {
			if strings.HasPrefix(chat, "-") { // groups and channels have negative ids
				return rate.Every(3 * time.Second), 3
			}
			return 1, 3
		},
	}
}

// Adapter is the Telegram channel of one municipality.
type Adapter struct {
	cfg     Config
	db      bot.Channel
	muni    *monitoring.Municipality
	log     *slog.Logger
	metrics *metrics.Metrics

	httpc   *http.Client
	Sender  *bot.Sender
	fetcher *bot.Fetcher
	status  status
}

// New returns the adapter. It makes no request until Run.
func New(cfg Config, db bot.Channel, m *monitoring.Municipality, log *slog.Logger, met *metrics.Metrics) *Adapter {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = 25
	}
	if cfg.Limits.Global == 0 {
		cfg.Limits = DefaultLimits()
	}
	a := &Adapter{cfg: cfg, db: db, muni: m, log: log, metrics: met, httpc: &http.Client{Timeout: 60 * time.Second}}
	a.Sender = bot.NewSender(db, m.Code, string(monitoring.Telegram), a, cfg.Limits, log)
	a.Sender.Metrics = met
	a.fetcher = a.newFetcher()
	return a
}

// client makes a Bot API client whose requests end with ctx. The library
// has no contexts of its own; without this a long poll would hold shutdown
// for its whole timeout. It is a small struct over one shared http.Client.
func (a *Adapter) client(ctx context.Context) *tgbotapi.BotAPI {
	// Built by hand: NewBotAPIWithClient calls getMe at once, and a PC
	// that starts before its network must not fail to start.
	api := &tgbotapi.BotAPI{Token: a.cfg.Token, Client: ctxClient{ctx: ctx, c: a.httpc}, Buffer: 100}
	api.SetAPIEndpoint(strings.ReplaceAll(a.cfg.APIURL, "%", "%%") + "/bot%s/%s")
	return api
}

type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return c.c.Do(req.WithContext(c.ctx))
}

// fileURL is where a file is downloaded from.
func (a *Adapter) fileURL(path string) string {
	return a.cfg.APIURL + "/file/bot" + a.cfg.Token + "/" + path
}

// Me asks Telegram who the bot is, which also checks the token.
func (a *Adapter) Me(ctx context.Context) (tgbotapi.User, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	me, err := a.client(ctx).GetMe()
	if err != nil {
		return me, fmt.Errorf("telegram getMe: %w", a.classify(err))
	}
	return me, nil
}

// redact hides the bot token, which the library's errors carry in their
// URLs, from anything that is logged, stored or shown on /healthz.
func (a *Adapter) redact(err error) error {
	if err == nil || a.cfg.Token == "" || !strings.Contains(err.Error(), a.cfg.Token) {
		return err
	}
	return redacted{err: err, token: a.cfg.Token}
}

type redacted struct {
	err   error
	token string
}

func (r redacted) Error() string { return strings.ReplaceAll(r.err.Error(), r.token, "<token>") }
func (r redacted) Unwrap() error { return r.err }

// classify turns a Bot API error into a *bot.SendError, with the token hidden.
func (a *Adapter) classify(err error) error {
	err = a.redact(err)
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		switch {
		case te.Code == http.StatusTooManyRequests:
			wait := time.Duration(te.RetryAfter) * time.Second
			if wait <= 0 {
				wait = time.Second
			}
			return &bot.SendError{Kind: bot.RateLimited, RetryAfter: wait, Err: err}
		case te.Code >= 500:
			return &bot.SendError{Kind: bot.ServerError, Err: err}
		case te.Code == 0:
			// UploadFiles leaves the code out; the message still tells.
			return &bot.SendError{Kind: bot.ServerError, Err: err}
		default:
			return &bot.SendError{Kind: bot.Rejected, Err: err}
		}
	}
	// A body that is not JSON (a proxy's 502 page) or no answer at all.
	return &bot.SendError{Kind: bot.NetworkErr, Err: err}
}

type status struct {
	mu sync.Mutex
	h  bot.Health
}

func (s *status) set(connected bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h.Connected != connected || s.h.Since.IsZero() {
		s.h.Since = time.Now()
	}
	s.h.Connected = connected
	s.h.Error = ""
	if err != nil {
		s.h.Error = err.Error()
	}
}

// Health reports the connection to Telegram.
func (a *Adapter) Health() bot.Health {
	a.status.mu.Lock()
	defer a.status.mu.Unlock()
	return a.status.h
}
