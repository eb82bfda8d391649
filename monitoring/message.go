package monitoring

import "time"

// The durable message path, as the engine and the store both see it:
// an update is stored in the inbox before it is acknowledged, handled in
// one transaction, and its replies wait in the outbox until delivered.

// InboxItem is an update as an adapter received it, before the engine sees it.
// ExternalID is unique per municipality and channel (e.g. chat and message id),
// so a redelivered update is recognised and dropped.
type InboxItem struct {
	Municipality string `db:"municipality"`
	Channel      string `db:"channel"`
	ExternalID   string `db:"external_id"`
	ChatID       string `db:"chat_id"`
	Payload      []byte `db:"payload"`
	// SetAside, when set, stores the update already closed with this
	// error: it could not be read on arrival (a malformed update, a message
	// that could not be decrypted). It is kept for the operator, never
	// handled, and its key still recognises a redelivery.
	SetAside string `db:"-"`
}

// InboxRow is a stored update waiting for the engine.
type InboxRow struct {
	ID int64 `db:"id"`
	InboxItem
	ReceivedAt time.Time `db:"received_at"`
	Attempts   int       `db:"attempts"`
}

// Outbox statuses.
const (
	OutboxPending    = "pending"
	OutboxSent       = "sent"
	OutboxFailed     = "failed"     // the channel refused it for good (400, 403)
	OutboxSuperseded = "superseded" // a newer reply with the same collapse key replaced it
)

// OutboxItem is a reply to deliver to one chat.
type OutboxItem struct {
	Municipality string `db:"municipality"`
	Channel      string `db:"channel"`
	ChatID       string `db:"chat_id"`
	Payload      []byte `db:"payload"`
	CollapseKey  string `db:"collapse_key"`
	// NotBefore, when set, holds the reply back until then without
	// holding up the chat's other replies.
	NotBefore time.Time `db:"-"`
}

// OutboxRow is a reply waiting in the outbox.
type OutboxRow struct {
	ID int64 `db:"id"`
	OutboxItem
	Attempts  int       `db:"attempts"`
	CreatedAt time.Time `db:"created_at"`
}

// Delivery is the outcome of one attempt to deliver an outbox row.
type Delivery struct {
	ID         int64
	Status     string    // OutboxSent, OutboxFailed, or OutboxPending to retry
	RetryAt    time.Time // for OutboxPending
	Error      string
	MessageRef string // the channel's id of the sent message
}

// ConversationKey names one dialogue: a user in a chat on a channel.
type ConversationKey struct {
	Municipality string
	Channel      string
	ChatID       string
	UserRef      string
}

// GroupChat is the group's chat on one channel.
type GroupChat struct {
	Channel string `db:"channel"`
	ChatID  string `db:"chat_id"`
}

// Reach is where a member is written to in private, and in which language.
type Reach struct {
	MemberID int64  `db:"member_id"`
	Channel  string `db:"channel"`
	ChatID   string `db:"chat_id"`
	Lang     string `db:"lang"`
}

// Post is an entry's card in a group chat, known by its outbox row.
type Post struct {
	Channel  string `db:"channel"`
	ChatID   string `db:"chat_id"`
	OutboxID int64  `db:"outbox_id"`
}

// Undecryptable is the external id prefix of a WhatsApp message that came
// but could not be decrypted: set aside on arrival, counted for the
// operator, and keyed apart from the message itself, which may still come
// decrypted on WhatsApp's retry.
const Undecryptable = "undecryptable:"
