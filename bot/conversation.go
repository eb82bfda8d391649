package bot

import (
	"context"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// turn is the handling of one update: the transaction, the dialogue's state
// and the replies it produces.
type turn struct {
	ctx context.Context
	e   *Engine
	tx  Tx
	b   *batch
	u   *Update
	key monitoring.ConversationKey
	st  State

	resident monitoring.Resident
	lang     monitoring.Lang
}

func (t *turn) T(id string, args catalog.Args) string { return t.e.Catalog.T(t.lang, id, args) }

// say sends a plain message.
func (t *turn) say(text string) error { return t.send(Reply{Text: text}, "") }

// send puts a reply in the outbox, in the turn's language. A message's own
// menu becomes the chat's offer (see offered).
func (t *turn) send(r Reply, collapse string) error {
	if r.Lang == "" {
		r.Lang = t.lang
	}
	if t.u.ChatKind == Private {
		t.offer(r, t.tx.Now())
	}
	t.e.enqueue(t.b, t.u, r, collapse)
	return nil
}
