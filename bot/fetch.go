package bot

import (
	"context"
	"log/slog"
	"time"

	"bmjbt/metrics"
	"bmjbt/monitoring"
)

// Fetcher downloads residents' files from a channel into the store, apart
// from the engine (no conversation waits on a download), so the evidence
// survives if the channel drops it.
type Fetcher struct {
	DB      Media
	Muni    string
	Channel string
	Log     *slog.Logger
	Metrics *metrics.Metrics
	// Download fetches one file's bytes.
	Download func(ctx context.Context, m monitoring.Media) ([]byte, error)
	// Final says whether a failure is for good, and as what (too large,
	// failed); other failures are retried with backoff for about a day.
	Final func(m monitoring.Media, err error) (monitoring.MediaState, bool)
}

// Run fetches until ctx is done, when woken and every few seconds.
func (f *Fetcher) Run(ctx context.Context, wake <-chan struct{}) error {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		if _, err := f.Due(ctx); err != nil && ctx.Err() == nil {
			f.Log.Error("fetching files failed; will retry", "channel", f.Channel, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-tick.C:
		}
	}
}

// Due fetches every file that is due now, each once per pass, and returns
// how many it stored.
func (f *Fetcher) Due(ctx context.Context) (int, error) {
	stored := 0
	tried := map[int64]bool{}
	for {
		due, err := f.DB.DueMedia(ctx, f.Muni, f.Channel, 10)
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
			data, err := f.Download(ctx, m)
			if err == nil {
				if err := f.DB.StoreMediaData(ctx, f.Muni, m.ID, "", data); err != nil {
					return stored, err
				}
				stored++
				f.count("stored")
				continue
			}
			state, retryAt := f.failure(m, err)
			f.count(string(state))
			if err := f.DB.MediaFetchFailed(ctx, m.ID, state, err.Error(), retryAt); err != nil {
				return stored, err
			}
		}
		if fresh == 0 {
			return stored, nil
		}
	}
}

// failure decides what a failed fetch means, on the store's clock (which
// decides when a retry is due).
func (f *Fetcher) failure(m monitoring.Media, err error) (monitoring.MediaState, time.Time) {
	now := f.DB.Now()
	if f.Final != nil {
		if state, final := f.Final(m, err); final {
			f.Log.Warn("giving up on a file", "channel", f.Channel, "media_id", m.ID, "attempts", m.Attempts+1, "err", err)
			return state, now
		}
	}
	if m.Attempts >= 30 {
		f.Log.Warn("giving up on a file after many attempts", "channel", f.Channel, "media_id", m.ID, "err", err)
		return monitoring.MediaFailed, now
	}
	return monitoring.MediaPending, now.Add(min(time.Duration(1<<min(m.Attempts, 12))*time.Second, time.Hour))
}

func (f *Fetcher) count(result string) {
	if f.Metrics != nil {
		f.Metrics.Fetched.WithLabelValues(f.Channel, result).Inc()
	}
}
