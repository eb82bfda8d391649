package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"bmjbt/bot"
	"bmjbt/monitoring"
)

// Poll receives updates by long polling until ctx is done. Each batch is
// stored in the inbox in one transaction before the next getUpdates call
// tells Telegram (through its offset) that the batch arrived; the library's
// GetUpdatesChan advances the offset first, so a crash there loses updates.
// A redelivered batch is recognised by its keys and dropped.
func (a *Adapter) Poll(ctx context.Context, stored func()) error {
	a.status.mu.Lock()
	a.status.h.Mode = "polling"
	a.status.mu.Unlock()
	api := a.client(ctx)
	// A webhook left from an earlier run makes getUpdates fail with 409.
	if _, err := api.MakeRequest("deleteWebhook", nil); err != nil && ctx.Err() == nil {
		a.log.Warn("telegram: could not remove a webhook before polling", "err", a.redact(err))
	}
	offset := 0
	fails := 0
	for ctx.Err() == nil {
		cfg := tgbotapi.NewUpdate(offset)
		cfg.Timeout, cfg.Limit, cfg.AllowedUpdates = a.cfg.PollTimeout, 100, allowedUpdates
		// The batch is read one update at a time (the library's GetUpdates
		// reads all or nothing): one we cannot read is set aside, not a
		// batch that fails for ever.
		var updates []json.RawMessage
		resp, err := api.Request(cfg)
		if err == nil {
			err = json.Unmarshal(resp.Result, &updates)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			fails++
			err = a.redact(err)
			a.status.set(false, err)
			wait := a.pollBackoff(err, fails)
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			continue
		}
		if fails > 0 {
			a.log.Info("telegram: receiving updates again", "after_failures", fails)
		}
		fails = 0
		a.status.set(true, nil)
		if len(updates) == 0 {
			continue
		}
		items := make([]monitoring.InboxItem, len(updates))
		last := 0
		for i, raw := range updates {
			items[i] = a.item(raw)
			var id struct {
				UpdateID int `json:"update_id"`
			}
			if json.Unmarshal(raw, &id) == nil {
				last = max(last, id.UpdateID)
			}
		}
		// Retry the store until it works or we stop: the offset does not
		// move until it has, so Telegram keeps the batch for us.
		for {
			n, err := a.db.PutInbox(context.WithoutCancel(ctx), items)
			if err == nil {
				a.count(len(items), n)
				break
			}
			a.log.Error("telegram: cannot store updates; Telegram keeps them until we can", "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
		}
		if last >= offset {
			offset = last + 1
		}
		if stored != nil {
			stored()
		}
	}
	a.confirm(offset)
	return nil
}

// confirm tells Telegram the last stored batch arrived, so a restart does
// not fetch it again (it would be dropped as a duplicate anyway).
func (a *Adapter) confirm(offset int) {
	if offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	cfg := tgbotapi.NewUpdate(offset)
	cfg.Limit, cfg.Timeout = 1, 0
	a.client(ctx).GetUpdates(cfg) // best effort: unconfirmed updates are deduplicated
}

func (a *Adapter) count(received, added int) {
	if a.metrics == nil {
		return
	}
	a.metrics.Received.WithLabelValues("telegram").Add(float64(added))
	a.metrics.Duplicates.WithLabelValues("telegram").Add(float64(received - added))
}

// pollBackoff logs a polling failure with what to do about it and says how
// long to wait before the next try.
func (a *Adapter) pollBackoff(err error, fails int) time.Duration {
	wait := min(time.Duration(1<<min(fails, 6))*500*time.Millisecond, 30*time.Second)
	var se *bot.SendError
	errors.As(a.classify(err), &se)
	var te *tgbotapi.Error
	switch {
	case errors.As(err, &te) && te.Code == 409:
		a.log.Warn("telegram: another program is receiving this bot's updates (a second bmjbt, or a webhook); stop it", "retry_in", wait)
	case errors.As(err, &te) && te.Code == 401:
		wait = 30 * time.Second
		a.log.Error("telegram: the token was refused; check TELEGRAM_BOT_TOKEN with @BotFather", "retry_in", wait)
	case se != nil && se.Kind == bot.RateLimited:
		wait = max(wait, se.RetryAfter)
		a.log.Warn("telegram: asked to wait before polling again", "retry_in", wait)
	default:
		a.log.Warn("telegram: cannot reach the Bot API; retrying", "err", err, "retry_in", wait)
	}
	return wait
}

// SetWebhook points Telegram at url with the secret it must send back.
func (a *Adapter) SetWebhook(ctx context.Context, url, secret string) error {
	a.status.mu.Lock()
	a.status.h.Mode = "webhook"
	a.status.mu.Unlock()
	if _, err := a.client(ctx).MakeRequest("setWebhook", webhookParams(url, secret)); err != nil {
		a.status.set(false, a.redact(err))
		return fmt.Errorf("telegram setWebhook: %w", a.classify(err))
	}
	a.status.set(true, nil)
	return nil
}
