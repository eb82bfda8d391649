package server

import (
	"context"

	"bmjbt/bot"
	"bmjbt/storage"
)

// Store gives the engine the store through its port: the engine's
// transactions are the store's, seen as bot.Tx. This wiring is the one
// place that knows both sides.
func Store(db *storage.DB) bot.Store { return engineStore{db} }

type engineStore struct{ *storage.DB }

func (s engineStore) Update(ctx context.Context, fn func(bot.Tx) error) error {
	return s.DB.InTx(ctx, func(tx *storage.Tx) error { return fn(tx) })
}
