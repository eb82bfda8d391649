// Package bot holds the channel-agnostic conversations: what an update means
// in the state a dialogue is in, what to store, and what to answer. Adapters
// (bot/telegram, bot/console) turn channel events into Updates in the inbox
// and deliver Replies from the outbox; the Engine in between does all the
// work inside one database transaction per update.
package bot

import (
	"encoding/json"
	"fmt"

	"bmjbt/monitoring"
)

// Kind says what an update carries.
type Kind string

const (
	KindText        Kind = "text"
	KindCallback    Kind = "callback"    // a menu button was pressed
	KindMedia       Kind = "media"       // photo, voice, audio, video, image document
	KindLocation    Kind = "location"    // a shared point
	KindContact     Kind = "contact"     // a shared phone contact
	KindDocument    Kind = "document"    // a file we do not keep (not an image)
	KindUnsupported Kind = "unsupported" // sticker, poll, dice, game…
	KindEmpty       Kind = "empty"       // nothing in it a user meant to send
	KindSystem      Kind = "system"      // chat membership changes and the like: never answered
	// KindAlert is a channel's trouble the members must hear of (WhatsApp
	// logged out, banned…); Text is the catalogue id of the notice.
	KindAlert Kind = "alert"
	// KindNotice is a channel's word to one resident (Text is the
	// catalogue id), said in their language: a file too large to keep.
	KindNotice Kind = "notice"
	// KindMoved says a chat now has a new id (Text): a Telegram group
	// became a supergroup.
	KindMoved Kind = "moved"
)

// Chat kinds.
const (
	Private = "private"
	Group   = "group"
)

// Update is one event from a channel, in the form the engine reads. It is
// what the inbox stores, so it must hold everything needed to handle it.
type Update struct {
	Channel  monitoring.Channel `json:"channel"`
	ChatID   string             `json:"chat"`
	ChatKind string             `json:"chat_kind"`
	UserID   string             `json:"user,omitempty"`
	// UserLang is the language the channel says the user's app is in.
	UserLang string `json:"user_lang,omitempty"`
	// Anonymous is true for senders without a person behind them (anonymous
	// group admins, channels, other bots): they are never treated as anyone.
	Anonymous bool   `json:"anonymous,omitempty"`
	MessageID string `json:"msg,omitempty"`
	Edited    bool   `json:"edited,omitempty"`

	Kind     Kind                 `json:"kind"`
	Text     string               `json:"text,omitempty"` // text or caption
	Callback *Callback            `json:"callback,omitempty"`
	File     *File                `json:"file,omitempty"`
	Location *monitoring.Location `json:"location,omitempty"`
	Contact  *SharedContact       `json:"contact,omitempty"`
	// PrivateChat, for a message in a group, is where its sender is written
	// to in private (a WhatsApp resident posting in the residents' group).
	PrivateChat string `json:"private_chat,omitempty"`
}

// Callback is a pressed menu button.
type Callback struct {
	ID        string `json:"id"`
	Data      string `json:"data"`
	MessageID string `json:"msg,omitempty"` // the message the menu was on
}

// File is media to fetch from the channel.
type File struct {
	ID   string               `json:"id"`
	Kind monitoring.MediaKind `json:"kind"`
	Mime string               `json:"mime,omitempty"`
	Size int64                `json:"size,omitempty"`
}

// SharedContact is a phone contact a user shared.
type SharedContact struct {
	Phone  string `json:"phone"`
	Name   string `json:"name,omitempty"`
	UserID string `json:"user,omitempty"` // whose contact it is, when the channel knows
}

// Encode is the inbox payload of u.
func (u *Update) Encode() []byte {
	b, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("encode update: %v", err)) // plain structs always encode
	}
	return b
}

// Reply is one thing to deliver to a chat: a message, possibly with a menu,
// or an edit of an earlier menu message, or the answer to a pressed button.
type Reply struct {
	Lang monitoring.Lang `json:"lang"`
	Text string          `json:"text,omitempty"`
	// HTML, when set, is Text with formatting (a form's Markdown), in
	// Telegram's HTML; channels without formatting send Text, and so does
	// Telegram when it cannot parse the HTML.
	HTML string `json:"html,omitempty"`
	Menu *Menu  `json:"menu,omitempty"`
	// RemoveKeyboard hides a reply keyboard left from an earlier question.
	RemoveKeyboard bool `json:"remove_keyboard,omitempty"`
	// EditMessageID, when set, replaces that earlier message's text and
	// buttons (Menu; none when nil).
	EditMessageID string `json:"edit,omitempty"`
	// EditOutboxID is EditMessageID for a message known by its outbox row
	// (an entry's card); the sender looks the message up when it sends.
	EditOutboxID int64 `json:"edit_outbox,omitempty"`
	// CallbackID, when set, acknowledges a pressed button (Text is then a short notice).
	CallbackID string `json:"callback,omitempty"`
	// MediaID, when set, sends that stored file, with Text as its caption.
	MediaID int64 `json:"media,omitempty"`
}

// Menu is a question's choices. Telegram shows them as buttons; WhatsApp and
// the console as numbered lines ("reply 1–5").
type Menu struct {
	Options []Option `json:"options"`
	Columns int      `json:"columns,omitempty"`
}

// Option is one choice. Data is what comes back when it is chosen; on
// Telegram it is the callback data, at most 64 bytes.
type Option struct {
	Label string `json:"label"`
	Data  string `json:"data"`
	// RequestContact asks the channel to share the user's own phone contact.
	RequestContact bool `json:"contact,omitempty"`
	// Word, for a control (Done, Cancel, Back), means a channel without
	// buttons shows it as a word to type rather than a number: at a
	// question that takes words, "1" is an answer, not a button.
	Word bool `json:"word,omitempty"`
	// Command is the same choice typed, for a chat where numbers would be
	// ambiguous (a group chat on WhatsApp): "/verify 2026-0042".
	Command string `json:"command,omitempty"`
}

// Numbered reports whether a channel shows menus as numbered lines.
func Numbered(ch monitoring.Channel) bool { return ch != monitoring.Telegram }

// MaxText is the longest reply text: Telegram's limit, in UTF-16 code units.
const MaxText = 4096

// MaxCallbackData is Telegram's limit for callback data, in bytes.
const MaxCallbackData = 64
