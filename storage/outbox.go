package storage

import (
	"bmjbt/monitoring"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Enqueue adds a reply to the outbox, inside the transaction that caused it:
// nothing is sent until that transaction commits.
func (tx *Tx) Enqueue(ctx context.Context, it monitoring.OutboxItem) error {
	if it.CollapseKey != "" {
		if _, err := tx.exec(ctx, `UPDATE outbox SET status = 'superseded' WHERE municipality = ? AND channel = ? AND chat_id = ?
			AND collapse_key = ? AND status = 'pending' AND attempts = 0`,
			it.Municipality, it.Channel, it.ChatID, it.CollapseKey); err != nil {
			return fmt.Errorf("supersede reply: %w", err)
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO outbox (municipality, channel, chat_id, payload, collapse_key, next_attempt_at, created_at, not_before)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, it.Municipality, it.Channel, it.ChatID, string(it.Payload), it.CollapseKey, tx.now, tx.now, tx.notBefore(it))
	if err != nil {
		return fmt.Errorf("enqueue reply: %w", err)
	}
	return nil
}

func (tx *Tx) notBefore(it monitoring.OutboxItem) time.Time {
	if it.NotBefore.After(tx.now) {
		return it.NotBefore.UTC()
	}
	return tx.now
}

// EnqueueID adds one reply and returns its outbox id, so a later reply can
// edit the message it becomes (an entry's card in the group chat).
func (tx *Tx) EnqueueID(ctx context.Context, it monitoring.OutboxItem) (int64, error) {
	id, err := tx.insertID(ctx, `INSERT INTO outbox (municipality, channel, chat_id, payload, collapse_key, next_attempt_at, created_at, not_before)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, it.Municipality, it.Channel, it.ChatID, string(it.Payload), it.CollapseKey, tx.now, tx.now, tx.notBefore(it))
	if err != nil {
		return 0, fmt.Errorf("enqueue reply: %w", err)
	}
	return id, nil
}

// Supersede drops still-unsent replies with the collapse key (a status
// change undone before the resident heard of it).
func (tx *Tx) Supersede(ctx context.Context, municipality, collapseKey string) error {
	if _, err := tx.exec(ctx, `UPDATE outbox SET status = 'superseded' WHERE municipality = ? AND collapse_key = ? AND status = 'pending'`,
		municipality, collapseKey); err != nil {
		return fmt.Errorf("supersede reply: %w", err)
	}
	return nil
}

// MessageRef is the channel's id of the message an outbox row became, or
// "" while it is not sent.
func (db *DB) MessageRef(ctx context.Context, outboxID int64) (string, error) {
	var ref string
	err := db.get(ctx, &ref, `SELECT message_ref FROM outbox WHERE id = ? AND status = 'sent'`, outboxID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read message ref: %w", err)
	}
	return ref, nil
}

// DueOutbox returns replies ready to send now, oldest first: a reply is
// ready when every earlier reply to its chat is ready too, so a chat's
// messages go out in order even across retries. (A reply held back until
// later on purpose does not hold up the chat.)
func (db *DB) DueOutbox(ctx context.Context, municipality, channel string, limit int) ([]monitoring.OutboxRow, error) {
	var rows []monitoring.OutboxRow
	now := db.now()
	err := db.sel(ctx, &rows, `SELECT o.id, o.municipality, o.channel, o.chat_id, o.payload, o.collapse_key, o.attempts, o.created_at
		FROM outbox o
		WHERE o.municipality = ? AND o.channel = ? AND o.status = 'pending' AND o.next_attempt_at <= ?
		  AND (o.not_before IS NULL OR o.not_before <= ?)
		  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.municipality = o.municipality AND p.channel = o.channel
		                  AND p.chat_id = o.chat_id AND p.status = 'pending' AND p.id < o.id
		                  AND (p.not_before IS NULL OR p.not_before <= ?) AND p.next_attempt_at > ?)
		ORDER BY o.id LIMIT ?`, municipality, channel, now, now, now, now, limit)
	if err != nil {
		return nil, fmt.Errorf("read due outbox: %w", err)
	}
	return rows, nil
}

// RecordDeliveries writes a batch of outcomes in one transaction, so a busy
// sender does not pay a commit per message.
func (db *DB) RecordDeliveries(ctx context.Context, ds []monitoring.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	return db.InTx(ctx, func(tx *Tx) error {
		for _, d := range ds {
			var err error
			switch d.Status {
			case monitoring.OutboxSent:
				_, err = tx.exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, message_ref = ?, error = '' WHERE id = ?`,
					tx.now, d.MessageRef, d.ID)
			case monitoring.OutboxFailed:
				_, err = tx.exec(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = ? WHERE id = ?`, d.Error, d.ID)
			case monitoring.OutboxPending:
				_, err = tx.exec(ctx, `UPDATE outbox SET attempts = attempts + 1, error = ?, next_attempt_at = ? WHERE id = ?`,
					d.Error, d.RetryAt.UTC(), d.ID)
			default:
				err = fmt.Errorf("unknown delivery status %q", d.Status)
			}
			if err != nil {
				return fmt.Errorf("record delivery of outbox %d: %w", d.ID, err)
			}
		}
		return nil
	})
}

// OutboxDepth counts replies not yet delivered.
func (db *DB) OutboxDepth(ctx context.Context, municipality string) (int, error) {
	var n int
	if err := db.get(ctx, &n, `SELECT COUNT(*) FROM outbox WHERE municipality = ? AND status = 'pending'`, municipality); err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}

// EnqueueAll adds many replies in one statement per few hundred rows. Within
// the batch, a reply with a collapse key replaces earlier ones with the same
// chat and key; pending rows from earlier batches are superseded as Enqueue does.
func (tx *Tx) EnqueueAll(ctx context.Context, items []monitoring.OutboxItem) error {
	type ck struct{ muni, channel, chat, key string }
	last := map[ck]int{}
	for i, it := range items {
		if it.CollapseKey != "" {
			last[ck{it.Municipality, it.Channel, it.ChatID, it.CollapseKey}] = i
		}
	}
	kept := items[:0:0]
	for i, it := range items {
		k := ck{it.Municipality, it.Channel, it.ChatID, it.CollapseKey}
		if it.CollapseKey != "" && last[k] != i {
			continue
		}
		kept = append(kept, it)
	}
	for k := range last {
		if _, err := tx.exec(ctx, `UPDATE outbox SET status = 'superseded' WHERE municipality = ? AND channel = ? AND chat_id = ?
			AND collapse_key = ? AND status = 'pending' AND attempts = 0`, k.muni, k.channel, k.chat, k.key); err != nil {
			return fmt.Errorf("supersede reply: %w", err)
		}
	}
	const perStatement = 300
	for len(kept) > 0 {
		chunk := kept[:min(perStatement, len(kept))]
		kept = kept[len(chunk):]
		var b strings.Builder
		b.WriteString(`INSERT INTO outbox (municipality, channel, chat_id, payload, collapse_key, next_attempt_at, created_at, not_before) VALUES `)
		args := make([]any, 0, len(chunk)*8)
		for i, it := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, it.Municipality, it.Channel, it.ChatID, string(it.Payload), it.CollapseKey, tx.now, tx.now, tx.notBefore(it))
		}
		if _, err := tx.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("enqueue replies: %w", err)
		}
	}
	return nil
}

// LastSentMenu is the payload of the reply with a menu delivered last to a
// chat, or nil: what a user on a numbered channel sees last. (Delivered,
// not written: a reply held back for the undo window may arrive after
// later ones.)
func (tx *Tx) LastSentMenu(ctx context.Context, municipality, channel, chatID string) ([]byte, error) {
	var payload string
	err := tx.get(ctx, &payload, `SELECT payload FROM outbox WHERE municipality = ? AND channel = ? AND chat_id = ?
		AND status = 'sent' AND payload LIKE '%"menu":%' ORDER BY sent_at DESC, id DESC LIMIT 1`, municipality, channel, chatID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the last menu sent: %w", err)
	}
	return []byte(payload), nil
}
