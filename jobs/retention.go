package jobs

import (
	"context"
	"time"

	"bmjbt/monitoring"
)

// DefaultRetention is how long the handled inbox and the delivered outbox
// are kept unless configured otherwise (BMJBT_RETENTION_DAYS).
const DefaultRetention = 90 * 24 * time.Hour

// RetentionHour is when the daily pruning runs (Bishkek): a quiet hour.
const RetentionHour = 3

// Retain is due once a day from RetentionHour when Retention is set: it
// deletes handled inbox rows and delivered, superseded or failed outbox
// rows older than Retention. The journal itself is never pruned. Pruning
// twice is harmless, so a run taken over after a crash simply goes on.
func (r *Runner) Retain(ctx context.Context, now time.Time) ([]Run, error) {
	if r.Retention <= 0 {
		return nil, nil
	}
	local := now.In(monitoring.Bishkek)
	if local.Hour() < RetentionHour {
		return nil, nil
	}
	before := now.Add(-r.Retention)
	return []Run{{Job: "retention", Period: local.Format(time.DateOnly), Compute: func(ctx context.Context) ([]monitoring.OutboxItem, error) {
		inbox, outbox, err := r.Store.Prune(ctx, r.Muni.Code, before)
		if err != nil {
			return nil, err
		}
		r.Log.Info("jobs: old messages pruned", "inbox_rows", inbox, "outbox_rows", outbox, "before", before)
		return nil, nil
	}}}, nil
}
