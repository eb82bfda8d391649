package storage

import (
	"context"
	"fmt"

	"bmjbt/monitoring"
)

// LastEvent is an entry's latest change of status that stands (neither
// undone nor an undo itself): the reason a resident is told with the
// status, and when it was made.
func (tx *Tx) LastEvent(ctx context.Context, entryID int64) (monitoring.Event, error) {
	var rows []eventRow
	err := tx.sel(ctx, &rows, `SELECT `+eventColumns+` FROM entry_events
		WHERE entry_id = ? AND undone_at IS NULL AND from_status <> to_status ORDER BY id DESC LIMIT 20`, entryID)
	if err != nil {
		return monitoring.Event{}, fmt.Errorf("read the last change of entry %d: %w", entryID, err)
	}
	for _, r := range rows {
		if ev := r.event(); !ev.IsUndo() {
			return ev, nil
		}
	}
	return monitoring.Event{}, nil
}
