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
// ctx is done, so the evidence survives if Telegram drops the file. It runs
// apart from the engine: no conversation waits on a download.
func (a *Adapter) Fetch(ctx context.Context, wake <-chan struct{}) error {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		if _, err := a.FetchDue(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("telegram: fetching files failed; will retry", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-tick.C:
		}
	}
}

// FetchDue fetches every file that is due now and returns how many it stored.
func (a *Adapter) FetchDue(ctx context.Context) (int, error) {
	stored := 0
	tried := map[int64]bool{} // each file once per pass
	for {
		due, err := a.db.DueMedia(ctx, a.muni.Code, string(monitoring.Telegram), 10)
		if err != nil {
			return stored, err
		}
		fresh := 0
		for _, m := range due {
			if ctx.Err() != nil {
				return stored, nil
			}
			if tried[m.ID] {
				continue
			}
			tried[m.ID] = true
			fresh++
			data, err := a.download(ctx, m.FileID)
			if err == nil {
				if err := a.db.StoreMediaData(ctx, a.muni.Code, m.ID, "", data); err != nil {
					return stored, err
				}
				stored++
				a.fetched("stored")
				continue
			}
			state, retryAt := a.fetchFailure(m, err)
			a.fetched(string(state))
			if err := a.db.MediaFetchFailed(ctx, m.ID, state, err.Error(), retryAt); err != nil {
				return stored, err
			}
		}
		if fresh == 0 {
			return stored, nil
		}
	}
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
		return nil, err
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

// fetchFailure decides what a failed fetch means: too large and refused
// files are final; anything else is retried with backoff for about a day.
func (a *Adapter) fetchFailure(m monitoring.Media, err error) (monitoring.MediaState, time.Time) {
	now := a.db.Now() // the store's clock: it decides when a retry is due
	if errors.Is(err, errTooLarge) {
		return monitoring.MediaTooLarge, now
	}
	var se *bot.SendError
	if errors.As(err, &se) && se.Kind == bot.Rejected && m.Attempts >= 2 || m.Attempts >= 30 {
		a.log.Warn("telegram: giving up on a file", "media_id", m.ID, "attempts", m.Attempts+1, "err", err)
		return monitoring.MediaFailed, now
	}
	wait := min(time.Duration(1<<min(m.Attempts, 12))*time.Second, time.Hour)
	return monitoring.MediaPending, now.Add(wait)
}

func (a *Adapter) fetched(result string) {
	if a.metrics != nil {
		a.metrics.Fetched.WithLabelValues("telegram", result).Inc()
	}
}
