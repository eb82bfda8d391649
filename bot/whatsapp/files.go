package whatsapp

import (
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow"

	"bmjbt/bot"
	"bmjbt/monitoring"
)

// Fetch downloads residents' media into the store until ctx is done (see
// bot.Fetcher).
func (a *Adapter) Fetch(ctx context.Context, wake <-chan struct{}) error {
	return a.fetcher.Run(ctx, wake)
}

// FetchDue fetches every file due now and returns how many it stored.
func (a *Adapter) FetchDue(ctx context.Context) (int, error) { return a.fetcher.Due(ctx) }

func (a *Adapter) newFetcher() *bot.Fetcher {
	return &bot.Fetcher{DB: a.db, Muni: a.muni.Code, Channel: string(monitoring.WhatsApp), Log: a.log, Metrics: a.metrics,
		Download: a.download,
		Final: func(_ monitoring.Media, err error) (monitoring.MediaState, bool) {
			// Expired media (WhatsApp keeps files a few weeks) will not come back.
			if errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404) || errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith410) {
				return monitoring.MediaFailed, true
			}
			return "", false
		}}
}

var errNotDownloadable = errors.New("not a downloadable message")

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
