package storage_test

import (
	"context"
	"testing"

	"bmjbt/monitoring"
	"bmjbt/storage"
)

// join makes an invite for role and uses it as Telegram user ref.
func join(t *testing.T, db *storage.DB, role monitoring.Role, name, ref string) monitoring.Member {
	t.Helper()
	ctx := context.Background()
	var m monitoring.Member
	err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
		code := "CODE-" + ref
		if _, err := tx.CreateInvite(ctx, muni, code, role, name, "operator"); err != nil {
			return err
		}
		m, err = tx.Join(ctx, muni, code, string(monitoring.Telegram), ref, ref)
		return err
	})
	if err != nil {
		t.Fatalf("join %s as %s: %v", ref, role, err)
	}
	return m
}
