package storage

import (
	"context"
	"fmt"
)

// CountInvited says how many residents were invited to a survey: the M of
// "N answered of M invited" in its results.
func (db *DB) CountInvited(ctx context.Context, surveyID int64) (int, error) {
	var n int
	if err := db.get(ctx, &n, `SELECT COUNT(*) FROM invitations WHERE survey_id = ?`, surveyID); err != nil {
		return 0, fmt.Errorf("count invitations: %w", err)
	}
	return n, nil
}
