package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"bmjbt/monitoring"
)

// LastEvent is an entry's latest change of status that stands (neither
// undone nor an undo itself): the reason a resident is told with the
// status, and when it was made.
func (tx *Tx) LastEvent(ctx context.Context, entryID int64) (monitoring.Event, error) {
	var r eventRow
	err := tx.get(ctx, &r, `SELECT `+eventColumns+` FROM entry_events
		WHERE entry_id = ? AND undone_at IS NULL AND from_status <> to_status AND reason NOT LIKE ? ORDER BY id DESC LIMIT 1`,
		entryID, monitoring.UndoPrefix+"%")
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Event{}, nil
	}
	if err != nil {
		return monitoring.Event{}, fmt.Errorf("read the last change of entry %d: %w", entryID, err)
	}
	return r.event(), nil
}
