package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
)

// Env is what bmjbt reads from the environment. Every option is declared in
// Options with its default and whether it is a secret (never printed).
type Env struct {
	Config         string // BMJBT_CONFIG
	DatabaseURL    string
	TelegramToken  string
	TelegramAPIURL string
	WebhookURL     string
	WebhookSecret  string
	HTTPAddr       string
	LogLevel       slog.Level
	// RetentionDays is how long handled updates and delivered replies are
	// kept; 0 keeps them for ever. The journal is never pruned.
	RetentionDays int
}

// Option documents one environment variable.
type Option struct {
	Name, Default, Help string
	Secret              bool
}

// Options lists every environment variable bmjbt reads.
var Options = []Option{
	{Name: "BMJBT_CONFIG", Help: "municipality file (YAML); unset means the built-in D. Sadyrbaev example"},
	{Name: "DATABASE_URL", Help: "unset: SQLite at " + "./data/bmjbt.db" + "; postgres://user@host/db for PostgreSQL", Secret: true},
	{Name: "TELEGRAM_BOT_TOKEN", Help: "the token @BotFather gives; unset means no Telegram", Secret: true},
	{Name: "TELEGRAM_API_URL", Default: "https://api.telegram.org", Help: "base URL of the Bot API (a local Bot API server or a test fake)"},
	{Name: "WEBHOOK_URL", Help: "public https URL Telegram posts updates to; unset means long polling"},
	{Name: "WEBHOOK_SECRET", Help: "secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; unset means derived from the token", Secret: true},
	{Name: "HTTP_ADDR", Default: "127.0.0.1:8080", Help: "address for /healthz, /metrics and the webhook"},
	{Name: "LOG_LEVEL", Default: "info", Help: "debug, info, warn or error"},
	{Name: "BMJBT_RETENTION_DAYS", Default: "90", Help: "days handled updates and delivered replies are kept (0: for ever); the journal is always kept"},
}

// FromEnv reads the options through getenv (os.Getenv in main, a map in tests).
func FromEnv(getenv func(string) string) (Env, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, o := range Options {
			if o.Name == name {
				return o.Default
			}
		}
		return ""
	}
	e := Env{
		Config:         get("BMJBT_CONFIG"),
		DatabaseURL:    get("DATABASE_URL"),
		TelegramToken:  get("TELEGRAM_BOT_TOKEN"),
		TelegramAPIURL: strings.TrimRight(get("TELEGRAM_API_URL"), "/"),
		WebhookURL:     get("WEBHOOK_URL"),
		WebhookSecret:  get("WEBHOOK_SECRET"),
		HTTPAddr:       get("HTTP_ADDR"),
	}
	var errs []error
	if days, err := strconv.Atoi(get("BMJBT_RETENTION_DAYS")); err != nil || days < 0 {
		errs = append(errs, fmt.Errorf("BMJBT_RETENTION_DAYS %q: give a whole number of days, such as 90, or 0 to keep everything", get("BMJBT_RETENTION_DAYS")))
	} else {
		e.RetentionDays = days
	}
	if err := e.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL"))); err != nil {
		errs = append(errs, fmt.Errorf("LOG_LEVEL: %w", err))
	}
	if u, err := url.Parse(e.TelegramAPIURL); err != nil || u.Scheme == "" || u.Host == "" {
		errs = append(errs, fmt.Errorf("TELEGRAM_API_URL %q: give a base URL such as http://127.0.0.1:8081", e.TelegramAPIURL))
	}
	if e.WebhookURL != "" {
		u, err := url.Parse(e.WebhookURL)
		switch {
		case err != nil || u.Host == "":
			errs = append(errs, fmt.Errorf("WEBHOOK_URL %q: give the full public URL, e.g. https://bot.example.kg/telegram", e.WebhookURL))
		case e.TelegramToken == "":
			errs = append(errs, errors.New("WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is not"))
		}
	}
	if e.WebhookSecret != "" && !validSecret(e.WebhookSecret) {
		errs = append(errs, errors.New("WEBHOOK_SECRET: use 1-256 characters A-Z, a-z, 0-9, _ and -"))
	}
	return e, errors.Join(errs...)
}

func validSecret(s string) bool {
	if len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
