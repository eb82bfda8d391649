package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// AddFound keeps personal data a resident typed into what they added to an
// entry (masked in the note) beside the entry's contact, one per line.
func (tx *Tx) AddFound(ctx context.Context, entryID int64, found []string) error {
	if len(found) == 0 {
		return nil
	}
	var r struct {
		Municipality string `db:"municipality"`
		Found        string `db:"found"`
	}
	err := tx.get(ctx, &r, `SELECT e.municipality, COALESCE(c.found, '') AS found FROM entries e
		LEFT JOIN entry_contacts c ON c.entry_id = e.id WHERE e.id = ?`, entryID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("keep personal data: entry %d not found", entryID)
	}
	if err != nil {
		return fmt.Errorf("read personal data of entry %d: %w", entryID, err)
	}
	lines := strings.Split(r.Found, "\n")
	for _, f := range found {
		if !contains(lines, f) {
			lines = append(lines, f)
		}
	}
	joined := strings.Trim(strings.Join(lines, "\n"), "\n")
	_, err = tx.exec(ctx, `INSERT INTO entry_contacts (entry_id, municipality, name, phone, found) VALUES (?, ?, '', '', ?)
		ON CONFLICT (entry_id) DO UPDATE SET found = excluded.found`, entryID, r.Municipality, joined)
	if err != nil {
		return fmt.Errorf("keep personal data of entry %d: %w", entryID, err)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
