package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"bmjbt/monitoring"
)

type residentRow struct {
	ID           int64     `db:"id"`
	Municipality string    `db:"municipality"`
	Channel      string    `db:"channel"`
	UserRef      string    `db:"user_ref"`
	ChatID       string    `db:"chat_id"`
	Lang         string    `db:"lang"`
	CreatedAt    time.Time `db:"created_at"`
}

func (r residentRow) resident() monitoring.Resident {
	return monitoring.Resident{ID: r.ID, Municipality: r.Municipality, Channel: monitoring.Channel(r.Channel),
		UserRef: r.UserRef, ChatID: r.ChatID, Lang: monitoring.Lang(r.Lang), CreatedAt: r.CreatedAt}
}

// Resident returns the resident behind a channel user, recording them on
// first contact. userRef is the channel's user id: personal data kept only here.
func (tx *Tx) Resident(ctx context.Context, municipality string, channel monitoring.Channel, userRef, chatID string) (monitoring.Resident, error) {
	var r residentRow
	// Most updates come from someone known, in the same chat: a read, not
	// a write, then.
	err := tx.get(ctx, &r, `SELECT id, municipality, channel, user_ref, chat_id, lang, created_at FROM residents
		WHERE municipality = ? AND channel = ? AND user_ref = ?`, municipality, string(channel), userRef)
	if err == nil && r.ChatID == chatID {
		return r.resident(), nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return monitoring.Resident{}, fmt.Errorf("read resident: %w", err)
	}
	err = tx.get(ctx, &r, `INSERT INTO residents (municipality, channel, user_ref, chat_id, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (municipality, channel, user_ref) DO UPDATE SET chat_id = excluded.chat_id
		RETURNING id, municipality, channel, user_ref, chat_id, lang, created_at`, municipality, string(channel), userRef, chatID, tx.now)
	if err != nil {
		return monitoring.Resident{}, fmt.Errorf("record resident: %w", err)
	}
	return r.resident(), nil
}

// ResidentByID returns a resident by id.
func (tx *Tx) ResidentByID(ctx context.Context, id int64) (monitoring.Resident, error) {
	var r residentRow
	err := tx.get(ctx, &r, `SELECT id, municipality, channel, user_ref, chat_id, lang, created_at FROM residents WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Resident{}, monitoring.Errorf(monitoring.ENOTFOUND, "resident %d not found", id)
	}
	if err != nil {
		return monitoring.Resident{}, fmt.Errorf("read resident %d: %w", id, err)
	}
	return r.resident(), nil
}

// SetResidentLang remembers the language a resident chose.
func (tx *Tx) SetResidentLang(ctx context.Context, id int64, lang monitoring.Lang) error {
	if _, err := tx.exec(ctx, `UPDATE residents SET lang = ? WHERE id = ?`, string(lang), id); err != nil {
		return fmt.Errorf("set resident language: %w", err)
	}
	return nil
}

// Conversation returns the saved state of a dialogue, or nil if there is none.
func (tx *Tx) Conversation(ctx context.Context, k monitoring.ConversationKey) ([]byte, error) {
	var state string
	err := tx.get(ctx, &state, `SELECT state FROM conversations WHERE municipality = ? AND channel = ? AND chat_id = ? AND user_ref = ?`,
		k.Municipality, k.Channel, k.ChatID, k.UserRef)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read conversation: %w", err)
	}
	return []byte(state), nil
}

// SaveConversation stores the state of a dialogue so a restart resumes it.
func (tx *Tx) SaveConversation(ctx context.Context, k monitoring.ConversationKey, state []byte) error {
	_, err := tx.exec(ctx, `INSERT INTO conversations (municipality, channel, chat_id, user_ref, state, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (municipality, channel, chat_id, user_ref) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
		k.Municipality, k.Channel, k.ChatID, k.UserRef, string(state), tx.now)
	if err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	return nil
}
