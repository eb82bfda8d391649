package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"bmjbt/bot"
	"bmjbt/monitoring"
)

// Fetch downloads residents' photos and voice notes into the store until
// ctx is done (see bot.Fetcher).
func (a *Adapter) Fetch(ctx context.Context, wake <-chan struct{}) error {
	return a.fetcher.Run(ctx, wake)
}

// FetchDue fetches every file that is due now and returns how many it stored.
func (a *Adapter) FetchDue(ctx context.Context) (int, error) { return a.fetcher.Due(ctx) }

func (a *Adapter) newFetcher() *bot.Fetcher {
	return &bot.Fetcher{DB: a.db, Muni: a.muni.Code, Channel: string(monitoring.Telegram), Log: a.log, Metrics: a.metrics,
		Download: func(ctx context.Context, m monitoring.Media) ([]byte, error) { return a.download(ctx, m.FileID) },
		Final: func(m monitoring.Media, err error) (monitoring.MediaState, bool) {
			var se *bot.SendError
			switch {
			case errors.Is(err, errTooLarge):
				return monitoring.MediaTooLarge, true
			case errors.As(err, &se) && se.Kind == bot.Rejected && m.Attempts >= 2:
				return monitoring.MediaFailed, true
			}
			return "", false
		}}
}

var errTooLarge = errors.New("file is larger than 20 MB")

func (a *Adapter) download(ctx context.Context, fileID string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	f, err := a.client(ctx).GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		if strings.Contains(err.Error(), "file is too big") {
			return nil, errTooLarge
		}
		return nil, a.classify(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.fileURL(f.FilePath), nil)
	if err != nil {
		return nil, a.redact(err)
	}
	resp, err := a.httpc.Do(req)
	if err != nil {
		return nil, &bot.SendError{Kind: bot.NetworkErr, Err: a.redact(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		kind := bot.ServerError
		if resp.StatusCode < 500 {
			kind = bot.Rejected
		}
		return nil, &bot.SendError{Kind: kind, Err: fmt.Errorf("file download: HTTP %d", resp.StatusCode)}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, monitoring.MaxMediaBytes+1))
	if err != nil {
		return nil, &bot.SendError{Kind: bot.NetworkErr, Err: a.redact(err)}
	}
	if len(data) > monitoring.MaxMediaBytes {
		return nil, errTooLarge
	}
	return data, nil
}
