package storage

import (
	"context"
	"fmt"

	"bmjbt/monitoring"
)

// EnsureMunicipality records the municipality from the config, keeping its
// names current. Every other row refers to it.
func (db *DB) EnsureMunicipality(ctx context.Context, m *monitoring.Municipality) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO municipalities (code, name_ky, name_ru, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name_ky = excluded.name_ky, name_ru = excluded.name_ru`,
			m.Code, m.Name.KY, m.Name.RU, tx.now)
		if err != nil {
			return fmt.Errorf("record municipality %s: %w", m.Code, err)
		}
		return nil
	})
}
