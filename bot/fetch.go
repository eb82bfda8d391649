package bot

import (
	"context"
	"fmt"
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
	// Stored is called after a notice to a resident is put in the inbox,
	// to wake the engine.
	Stored func()
	// Download fetches one file's bytes.
	Download func(ctx context.Context, m monitoring.Media) ([]byte, error)
	// Final says whether a failure is for good, and as what (too large,
	// failed); other failures are retried with backoff, FetchAttempts
	// times in all.
	Final func(m monitoring.Media, err error) (monitoring.MediaState, bool)
}

// FetchAttempts is how many times a file is tried before it is given up:
// 5 minutes apart at first, then four times longer each time, so five
// tries span about seven hours (a village's network down for an afternoon).
const FetchAttempts = 5

// retryIn is the wait after a file's attempts-th failure.
func retryIn(attempts int) time.Duration {
	return min(5*time.Minute<<(2*min(attempts, 5)), 6*time.Hour)
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
			data, err := f.download(ctx, m)
			if err == nil {
				if err := f.DB.StoreMediaData(ctx, f.Muni, m.ID, "", data); err != nil {
					return stored, err
				}
				stored++
				f.count("stored")
				continue
			}
			state, retryAt := f.failure(m, err)
			if state == monitoring.MediaTooLarge {
				// Told first: the file's state is final once written, and
				// the notice's key makes it once per file.
				if err := f.tellTooLarge(ctx, m); err != nil {
					return stored, err
				}
			}
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
	if m.Attempts+1 >= FetchAttempts {
		f.Log.Warn("giving up on a file after its last try", "channel", f.Channel, "media_id", m.ID, "attempts", m.Attempts+1, "err", err)
		return monitoring.MediaFailed, now
	}
	return monitoring.MediaPending, now.Add(retryIn(m.Attempts))
}

// download fetches one file; a panic in the channel's code is one failed
// try of that file, not the end of the fetcher (nor of serve).
func (f *Fetcher) download(ctx context.Context, m monitoring.Media) (data []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			f.Log.Error("fetching a file panicked; counted as a failed try", "channel", f.Channel, "media_id", m.ID, "panic", fmt.Sprint(p))
			data, err = nil, fmt.Errorf("panic while downloading: %v", p)
		}
	}()
	return f.Download(ctx, m)
}

// tellTooLarge tells the resident who sent a file that it was too large to
// keep (the size the sender declared was not the real one). The notice goes
// through the inbox, so the engine answers in the resident's language; its
// key makes it once per file.
func (f *Fetcher) tellTooLarge(ctx context.Context, m monitoring.Media) error {
	if m.ResidentID == 0 {
		return nil
	}
	r, err := f.DB.MediaSender(ctx, m.ID)
	if err != nil {
		return fmt.Errorf("find who sent file %d: %w", m.ID, err)
	}
	u := Update{Channel: r.Channel, Kind: KindNotice, Text: "media.too_large", ChatKind: Private, ChatID: r.ChatID, UserID: r.UserRef}
	item := monitoring.InboxItem{Municipality: f.Muni, Channel: string(r.Channel), ExternalID: fmt.Sprintf("notice:too_large:%d", m.ID),
		ChatID: r.ChatID, Payload: u.Encode()}
	if _, err := f.DB.PutInbox(ctx, []monitoring.InboxItem{item}); err != nil {
		return fmt.Errorf("tell the sender of file %d it is too large: %w", m.ID, err)
	}
	if f.Stored != nil {
		f.Stored()
	}
	return nil
}

func (f *Fetcher) count(result string) {
	if f.Metrics != nil {
		f.Metrics.Fetched.WithLabelValues(f.Channel, result).Inc()
	}
}
