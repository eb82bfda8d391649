package whatsapp

import (
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow"

	"bmjbt/monitoring"
)

// Fetch downloads residents' media into the store until ctx is done.
func (a *Adapter) Fetch(ctx context.Context, wake <-chan struct{}) error {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		if _, err := a.FetchDue(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("whatsapp: fetching files failed; will retry", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-tick.C:
		}
	}
}

// FetchDue fetches every file due now, each once per pass, and returns how
// many it stored.
func (a *Adapter) FetchDue(ctx context.Context) (int, error) {
	stored := 0
	tried := map[int64]bool{}
	for {
		due, err := a.db.DueMedia(ctx, a.muni.Code, string(monitoring.WhatsApp), 10)
		if err != nil {
			return stored, err
		}
		fresh := 0
		for _, m := range due {
			if ctx.Err() != nil || tried[m.ID] {
				continue
			}
			tried[m.ID] = true
			fresh++
			data, err := a.download(ctx, m)
			if err == nil {
				if err := a.db.StoreMediaData(ctx, a.muni.Code, m.ID, "", data); err != nil {
					return stored, err
				}
				stored++
				continue
			}
			now := a.db.Now()
			state, retry := monitoring.MediaPending, now.Add(min(time.Duration(1<<min(m.Attempts, 12))*time.Second, time.Hour))
			if m.Attempts >= 30 {
				state = monitoring.MediaFailed
			}
			if err := a.db.MediaFetchFailed(ctx, m.ID, state, err.Error(), retry); err != nil {
				return stored, err
			}
		}
		if fresh == 0 {
			return stored, nil
		}
	}
}

func (a *Adapter) download(ctx context.Context, m monitoring.Media) ([]byte, error) {
	msg, err := media(m.FileID)
	if err != nil {
		return nil, err
	}
	d, ok := msg.(whatsmeow.DownloadableMessage)
	if !ok {
		return nil, errNotDownloadable
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return a.cli.Download(ctx, d)
}

var errNotDownloadable = errors.New("not a downloadable message")
