package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// batchLookup bounds the keys one lookup statement carries.
const batchLookup = 300

// ResidentsOf reads the known residents among many channel users in one
// statement per few hundred: the engine reads a batch's senders at once
// (on PostgreSQL every statement is a round trip). Unknown users are left
// out; nothing is written.
func (tx *Tx) ResidentsOf(ctx context.Context, keys []monitoring.ConversationKey) ([]monitoring.Resident, error) {
	var out []monitoring.Resident
	for len(keys) > 0 {
		chunk := keys[:min(batchLookup, len(keys))]
		keys = keys[len(chunk):]
		byMuni := map[string][]monitoring.ConversationKey{}
		for _, k := range chunk {
			byMuni[k.Municipality] = append(byMuni[k.Municipality], k)
		}
		for muni, ks := range byMuni {
			channels, users := distinct(ks, func(k monitoring.ConversationKey) string { return k.Channel }),
				distinct(ks, func(k monitoring.ConversationKey) string { return k.UserRef })
			args := append(append([]any{muni}, channels...), users...)
			var rows []residentRow
			// The unique index (municipality, channel, user_ref) serves both
			// lists; pairs asked for by no key are dropped below.
			if err := tx.sel(ctx, &rows, `SELECT id, municipality, channel, user_ref, chat_id, lang, created_at FROM residents
				WHERE municipality = ? AND channel IN (`+placeholders(len(channels))+`) AND user_ref IN (`+placeholders(len(users))+`)`, args...); err != nil {
				return nil, fmt.Errorf("read %d residents: %w", len(ks), err)
			}
			want := make(map[[2]string]bool, len(ks))
			for _, k := range ks {
				want[[2]string{k.Channel, k.UserRef}] = true
			}
			for _, r := range rows {
				if want[[2]string{r.Channel, r.UserRef}] {
					out = append(out, r.resident())
				}
			}
		}
	}
	return out, nil
}

// RecordResident records a channel user met for the first time (or in a
// new chat) and returns them: Resident without the read, for a caller that
// already knows the user is not on record as such.
func (tx *Tx) RecordResident(ctx context.Context, municipality string, channel monitoring.Channel, userRef, chatID string) (monitoring.Resident, error) {
	var r residentRow
	err := tx.get(ctx, &r, `INSERT INTO residents (municipality, channel, user_ref, chat_id, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (municipality, channel, user_ref) DO UPDATE SET chat_id = excluded.chat_id
		RETURNING id, municipality, channel, user_ref, chat_id, lang, created_at`, municipality, string(channel), userRef, chatID, tx.now)
	if err != nil {
		return monitoring.Resident{}, fmt.Errorf("record resident: %w", err)
	}
	return r.resident(), nil
}

// ConversationsOf reads the saved states of many dialogues in one
// statement per few hundred; a dialogue with none is absent from the map.
func (tx *Tx) ConversationsOf(ctx context.Context, keys []monitoring.ConversationKey) (map[monitoring.ConversationKey][]byte, error) {
	out := make(map[monitoring.ConversationKey][]byte, len(keys))
	want := make(map[monitoring.ConversationKey]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	for len(keys) > 0 {
		chunk := keys[:min(batchLookup, len(keys))]
		keys = keys[len(chunk):]
		munis, channels := distinct(chunk, func(k monitoring.ConversationKey) string { return k.Municipality }),
			distinct(chunk, func(k monitoring.ConversationKey) string { return k.Channel })
		chats, users := distinct(chunk, func(k monitoring.ConversationKey) string { return k.ChatID }),
			distinct(chunk, func(k monitoring.ConversationKey) string { return k.UserRef })
		args := append(append(append(munis, channels...), chats...), users...)
		var rows []struct {
			Municipality string `db:"municipality"`
			Channel      string `db:"channel"`
			ChatID       string `db:"chat_id"`
			UserRef      string `db:"user_ref"`
			State        string `db:"state"`
		}
		// The primary key (municipality, channel, chat_id, user_ref) serves
		// the lists; combinations asked for by no key are dropped below.
		if err := tx.sel(ctx, &rows, `SELECT municipality, channel, chat_id, user_ref, state FROM conversations
			WHERE municipality IN (`+placeholders(len(munis))+`) AND channel IN (`+placeholders(len(channels))+`)
			AND chat_id IN (`+placeholders(len(chats))+`) AND user_ref IN (`+placeholders(len(users))+`)`, args...); err != nil {
			return nil, fmt.Errorf("read %d conversations: %w", len(chunk), err)
		}
		for _, r := range rows {
			k := monitoring.ConversationKey{Municipality: r.Municipality, Channel: r.Channel, ChatID: r.ChatID, UserRef: r.UserRef}
			if want[k] {
				out[k] = []byte(r.State)
			}
		}
	}
	return out, nil
}

// SaveConversations stores many dialogues' states in one statement per
// few hundred; states[i] is keys[i]'s.
func (tx *Tx) SaveConversations(ctx context.Context, keys []monitoring.ConversationKey, states [][]byte) error {
	const perStatement = 200
	for start := 0; start < len(keys); start += perStatement {
		end := min(start+perStatement, len(keys))
		args := make([]any, 0, 6*(end-start))
		for i := start; i < end; i++ {
			k := keys[i]
			args = append(args, k.Municipality, k.Channel, k.ChatID, k.UserRef, string(states[i]), tx.now)
		}
		q := `INSERT INTO conversations (municipality, channel, chat_id, user_ref, state, updated_at) VALUES (?, ?, ?, ?, ?, ?)` +
			strings.Repeat(", (?, ?, ?, ?, ?, ?)", end-start-1) +
			` ON CONFLICT (municipality, channel, chat_id, user_ref) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("save %d conversations: %w", end-start, err)
		}
	}
	return nil
}

// distinct lists the different values of a field of keys, as arguments.
func distinct(keys []monitoring.ConversationKey, field func(monitoring.ConversationKey) string) []any {
	seen := make(map[string]bool, len(keys))
	var out []any
	for _, k := range keys {
		if v := field(k); !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// placeholders is "?, ?, …" for n arguments.
func placeholders(n int) string {
	if n == 0 {
		return ""
	}
	return "?" + strings.Repeat(", ?", n-1)
}
