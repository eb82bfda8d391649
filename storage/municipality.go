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

// WhatsAppNumber is the WhatsApp number last linked ("" if never): kept
// when the link is lost, so the channel shows as configured, not linked.
func (db *DB) WhatsAppNumber(ctx context.Context, municipality string) (string, error) {
	var n string
	if err := db.get(ctx, &n, `SELECT whatsapp_number FROM municipalities WHERE code = ?`, municipality); err != nil {
		return "", fmt.Errorf("read the linked WhatsApp number: %w", err)
	}
	return n, nil
}

// SetWhatsAppNumber records the linked WhatsApp number ("" forgets it).
func (db *DB) SetWhatsAppNumber(ctx context.Context, municipality, number string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE municipalities SET whatsapp_number = ? WHERE code = ?`, number, municipality); err != nil {
			return fmt.Errorf("record the linked WhatsApp number: %w", err)
		}
		return nil
	})
}
