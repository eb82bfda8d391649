package telegramtest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// User is a Telegram user writing to the bot, in a private chat or a group.
type User struct {
	s      *Server
	ID     int64
	Lang   string
	Name   string
	Chat   int64 // the chat they write in: their own id for a private chat
	cursor int   // bot messages in Chat already expected
	// seen is how many edits of an earlier message were already read: a
	// pressed question edited into the next one counts as a new message.
	seen map[int]int
}

// User returns a user writing in a private chat with the bot. lang is the
// language_code of their app ("" for none).
func (s *Server) User(id int64, lang string) *User {
	return &User{s: s, ID: id, Lang: lang, Name: fmt.Sprintf("Resident%d", id), Chat: id}
}

// InGroup returns the same user writing in group chat (a negative id).
func (u *User) InGroup(chat int64) *User {
	return &User{s: u.s, ID: u.ID, Lang: u.Lang, Name: u.Name, Chat: chat}
}

func (u *User) from() map[string]any {
	f := map[string]any{"id": u.ID, "is_bot": false, "first_name": u.Name}
	if u.Lang != "" {
		f["language_code"] = u.Lang
	}
	return f
}

func (u *User) chat() map[string]any {
	if u.Chat < 0 {
		return map[string]any{"id": u.Chat, "type": "supergroup", "title": "БМжБТ"}
	}
	return map[string]any{"id": u.Chat, "type": "private", "first_name": u.Name}
}

// send pushes a message update with the given content fields and returns its message_id.
func (u *User) send(content map[string]any) int {
	u.s.mu.Lock()
	id := u.s.nextMessageID(u.Chat)
	u.s.mu.Unlock()
	msg := map[string]any{"message_id": id, "from": u.from(), "chat": u.chat(), "date": time.Now().Unix()}
	for k, v := range content {
		msg[k] = v
	}
	u.s.Push(map[string]any{"message": msg})
	return id
}

// Say sends a text message (a command if it starts with "/").
func (u *User) Say(text string) int {
	c := map[string]any{"text": text}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		c["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": len([]rune(cmd))}}
	}
	return u.send(c)
}

// Photo sends a photo (Telegram offers sizes; the largest is the original).
func (u *User) Photo(data []byte, caption string) int {
	id := u.s.AddFile(data, 0)
	small := u.s.AddFile(data[:min(len(data), 10)], 0)
	c := map[string]any{"photo": []map[string]any{
		{"file_id": small, "file_unique_id": "u" + small, "width": 90, "height": 90, "file_size": min(len(data), 10)},
		{"file_id": id, "file_unique_id": "u" + id, "width": 1280, "height": 960, "file_size": len(data)},
	}}
	if caption != "" {
		c["caption"] = caption
	}
	return u.send(c)
}

// Voice sends a voice note.
func (u *User) Voice(data []byte) int {
	id := u.s.AddFile(data, 0)
	return u.send(map[string]any{"voice": map[string]any{"file_id": id, "file_unique_id": "u" + id, "duration": 3, "mime_type": "audio/ogg", "file_size": len(data)}})
}

// Video sends a video Telegram reports as size bytes.
func (u *User) Video(data []byte, size int) int {
	id := u.s.AddFile(data, size)
	return u.send(map[string]any{"video": map[string]any{"file_id": id, "file_unique_id": "u" + id, "width": 640, "height": 480, "duration": 30, "mime_type": "video/mp4", "file_size": size}})
}

// Document sends a file as a document.
func (u *User) Document(name, mime string, data []byte) int {
	id := u.s.AddFile(data, 0)
	return u.send(map[string]any{"document": map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_name": name, "mime_type": mime, "file_size": len(data)}})
}

// Location shares a point.
func (u *User) Location(lat, lon float64) int {
	return u.send(map[string]any{"location": map[string]any{"latitude": lat, "longitude": lon}})
}

// ShareContact shares the user's own phone, as the request_contact button does.
func (u *User) ShareContact(phone string) int {
	return u.send(map[string]any{"contact": map[string]any{"phone_number": phone, "first_name": u.Name, "user_id": u.ID}})
}

// ShareContactOf shares someone else's contact.
func (u *User) ShareContactOf(phone string, userID int64) int {
	return u.send(map[string]any{"contact": map[string]any{"phone_number": phone, "first_name": "Other", "user_id": userID}})
}

// Sticker sends a sticker.
func (u *User) Sticker() int {
	return u.send(map[string]any{"sticker": map[string]any{"file_id": "STK", "file_unique_id": "uSTK", "width": 512, "height": 512, "is_animated": false}})
}

// Poll sends a poll.
func (u *User) Poll() int {
	return u.send(map[string]any{"poll": map[string]any{"id": "P1", "question": "?", "options": []map[string]any{{"text": "a", "voter_count": 0}}, "total_voter_count": 0, "is_closed": false, "is_anonymous": true, "type": "regular", "allows_multiple_answers": false}})
}

// PhotoCaptionOnly sends a photo message whose caption is empty and that has no photo sizes: an empty message.
func (u *User) Empty() int { return u.send(map[string]any{}) }

// Edit edits one of the user's earlier text messages.
func (u *User) Edit(messageID int, text string) {
	msg := map[string]any{"message_id": messageID, "from": u.from(), "chat": u.chat(), "date": time.Now().Unix() - 5,
		"edit_date": time.Now().Unix(), "text": text}
	u.s.Push(map[string]any{"edited_message": msg})
}

// Press presses the inline button labelled label on the newest bot message
// that has one, and returns the callback query id.
func (u *User) Press(tb testing.TB, label string) string {
	tb.Helper()
	msgs := u.s.Messages(u.Chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Text == label {
					return u.PressData(msgs[i].ID, b.Data)
				}
			}
		}
	}
	tb.Fatalf("no button %q in chat %d; last message: %q", label, u.Chat, lastText(msgs))
	return ""
}

// PressData sends a callback query with any data, as a forged or stale button would.
func (u *User) PressData(messageID int, data string) string {
	u.s.mu.Lock()
	u.s.callbacks++ // unique across users and chats, as Telegram's ids are
	id := fmt.Sprintf("cb-%d-%d", u.ID, u.s.callbacks)
	u.s.mu.Unlock()
	u.s.Push(map[string]any{"callback_query": map[string]any{
		"id": id, "from": u.from(), "chat_instance": "ci", "data": data,
		"message": map[string]any{"message_id": messageID, "date": time.Now().Unix(), "chat": u.chat()},
	}})
	return id
}

// Expect waits for the next bot message in the user's chat that contains
// want, skipping earlier ones, and returns it.
func (u *User) Expect(tb testing.TB, want string) Message {
	tb.Helper()
	var got Message
	u.s.Wait(tb, fmt.Sprintf("a message containing %q in chat %d", want, u.Chat), func() bool {
		msgs := u.s.sent[u.Chat]
		for i := range msgs {
			text := msgs[i].Text
			if i < u.cursor {
				if msgs[i].Edits <= u.seen[i] {
					continue
				}
				text = nextQuestion(text)
			}
			if strings.Contains(text, want) {
				got = *msgs[i]
				if u.seen == nil {
					u.seen = map[int]int{}
				}
				u.seen[i] = msgs[i].Edits
				u.cursor = max(u.cursor, i+1)
				return true
			}
		}
		return false
	})
	return got
}

// nextQuestion is what an edit added after the choice it shows ("…\n\n✓
// Масы\n\nthe next question"), or "" when it added nothing.
func nextQuestion(text string) string {
	i := strings.LastIndex(text, "\n\n✓ ")
	if i < 0 {
		return ""
	}
	rest := text[i+len("\n\n✓ "):]
	if j := strings.Index(rest, "\n\n"); j >= 0 {
		return rest[j+2:]
	}
	return ""
}

func (u *User) Received() []Message { return u.s.Messages(u.Chat) }

func lastText(msgs []Message) string {
	if len(msgs) == 0 {
		return ""
	}
	return msgs[len(msgs)-1].Text
}

// Labels lists a message's inline button labels, row by row.
func (m Message) Labels() []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	for _, row := range m.Keyboard {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

// SayAnonymously sends text in the user's group as an anonymous group
// admin does: from Telegram's GroupAnonymousBot, with the group as sender_chat.
func (u *User) SayAnonymously(text string) int {
	u.s.mu.Lock()
	id := u.s.nextMessageID(u.Chat)
	u.s.mu.Unlock()
	msg := map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": u.chat(), "text": text,
		"from":        map[string]any{"id": 1087968824, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"},
		"sender_chat": u.chat()}
	u.s.Push(map[string]any{"message": msg})
	return id
}

// Sees waits until some bot message in the user's chat, new or edited,
// contains want.
func (u *User) Sees(tb testing.TB, want string) Message {
	tb.Helper()
	var got Message
	u.s.Wait(tb, fmt.Sprintf("a message (or an edit) containing %q in chat %d", want, u.Chat), func() bool {
		for _, m := range u.s.sent[u.Chat] {
			if strings.Contains(m.Text, want) {
				got = *m
				return true
			}
		}
		return false
	})
	return got
}
