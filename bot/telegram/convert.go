package telegram

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"bmjbt/bot"
	"bmjbt/monitoring"
)

// item reads one update as Telegram sent it into an inbox row. The
// external id is built from chat and message id (or the callback id):
// update_id alone can jump, and an edit must not collide with the message
// it edits. An update that cannot be read (not the JSON of an update, no
// chat where one must be, anything that panics) is stored set aside, as it
// came, with its error, for the operator: acknowledged, so one malformed
// update never stops the ones after it.
func (a *Adapter) item(raw []byte) (item monitoring.InboxItem) {
	item = monitoring.InboxItem{Municipality: a.muni.Code, Channel: string(monitoring.Telegram)}
	var u tgbotapi.Update
	defer func() {
		if r := recover(); r != nil {
			a.setAside(&item, u.UpdateID, raw, fmt.Errorf("panic while reading it: %v", r))
		}
	}()
	if err := json.Unmarshal(raw, &u); err != nil {
		var id struct {
			UpdateID int `json:"update_id"`
		}
		json.Unmarshal(raw, &id) // best effort, for its key
		a.setAside(&item, id.UpdateID, raw, fmt.Errorf("not an update we can read: %w", err))
		return item
	}
	b, ext, err := convert(u)
	if err != nil {
		a.setAside(&item, u.UpdateID, raw, err)
		return item
	}
	b.Channel = monitoring.Telegram
	item.ExternalID, item.ChatID, item.Payload = ext, b.ChatID, b.Encode()
	return item
}

// setAside makes item the kept form of an update that could not be read:
// the update as it came (for a bug report), keyed by its update_id (or,
// without one, by its content) so a redelivery is recognised.
func (a *Adapter) setAside(item *monitoring.InboxItem, updateID int, raw []byte, err error) {
	key := "u:" + strconv.Itoa(updateID)
	if updateID == 0 {
		sum := sha256.Sum256(raw)
		key = "bad:" + hex.EncodeToString(sum[:12])
	}
	if !json.Valid(raw) {
		raw, _ = json.Marshal(string(raw)) // the payload column holds JSON
	}
	item.ExternalID, item.ChatID, item.Payload = key, "", raw
	item.SetAside = err.Error()
	a.log.Error("telegram: an update could not be read; set aside for the operator (bmjbt status)", "update_id", updateID, "err", err)
	if a.metrics != nil {
		a.metrics.SetAside.WithLabelValues("telegram", "arrival").Inc()
	}
}

// errNoChat is a message without the chat it was sent in: Telegram never
// sends one, and there is nobody to answer.
var errNoChat = errors.New("a message without a chat")

// convert reads an update. It checks every optional field it follows.
func convert(u tgbotapi.Update) (bot.Update, string, error) {
	switch {
	case u.Message != nil:
		if u.Message.Chat == nil {
			return bot.Update{}, "", errNoChat
		}
		b := fromMessage(u.Message)
		return b, fmt.Sprintf("m:%d:%d", u.Message.Chat.ID, u.Message.MessageID), nil
	case u.EditedMessage != nil:
		m := u.EditedMessage
		if m.Chat == nil {
			return bot.Update{}, "", errNoChat
		}
		b := fromMessage(m)
		b.Edited = true
		// edit_date has one-second steps; the new text tells two quick edits apart.
		h := fnv.New32a()
		h.Write([]byte(m.Text + "\x00" + m.Caption))
		return b, fmt.Sprintf("e:%d:%d:%d:%x", m.Chat.ID, m.MessageID, m.EditDate, h.Sum32()), nil
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		b := bot.Update{Kind: bot.KindCallback, Callback: &bot.Callback{ID: q.ID, Data: q.Data}}
		sender(&b, q.From, nil)
		if q.Message != nil && q.Message.Chat != nil {
			b.ChatID, b.ChatKind = strconv.FormatInt(q.Message.Chat.ID, 10), chatKind(q.Message.Chat)
			b.Callback.MessageID = strconv.Itoa(q.Message.MessageID)
		} else if q.From != nil { // a button on an inline message: answer in private
			b.ChatID, b.ChatKind = strconv.FormatInt(q.From.ID, 10), bot.Private
		}
		return b, "c:" + q.ID, nil
	}
	// Membership changes, channel posts and the like: kept, never answered.
	b := bot.Update{Kind: bot.KindSystem}
	if u.MyChatMember != nil {
		b.ChatID, b.ChatKind = strconv.FormatInt(u.MyChatMember.Chat.ID, 10), chatKind(&u.MyChatMember.Chat)
	}
	return b, "u:" + strconv.Itoa(u.UpdateID), nil
}

func chatKind(c *tgbotapi.Chat) string {
	if c != nil && c.Type == "private" {
		return bot.Private
	}
	return bot.Group
}

func sender(b *bot.Update, from *tgbotapi.User, senderChat *tgbotapi.Chat) {
	if from == nil || from.IsBot || senderChat != nil {
		// An anonymous group admin, a channel or a bot: nobody we can know.
		b.Anonymous = true
		return
	}
	b.UserID = strconv.FormatInt(from.ID, 10)
	b.UserLang = from.LanguageCode
}

func fromMessage(m *tgbotapi.Message) bot.Update {
	b := bot.Update{ChatID: strconv.FormatInt(m.Chat.ID, 10), ChatKind: chatKind(m.Chat), MessageID: strconv.Itoa(m.MessageID)}
	sender(&b, m.From, m.SenderChat)
	switch {
	case m.Text != "":
		b.Kind, b.Text = bot.KindText, m.Text
	case len(m.Photo) > 0:
		p := m.Photo[len(m.Photo)-1] // the largest size is last
		b.Kind, b.Text = bot.KindMedia, m.Caption
		b.File = &bot.File{ID: p.FileID, Kind: monitoring.Photo, Mime: "image/jpeg", Size: int64(p.FileSize)}
	case m.Voice != nil:
		b.Kind, b.Text = bot.KindMedia, m.Caption
		b.File = &bot.File{ID: m.Voice.FileID, Kind: monitoring.Voice, Mime: m.Voice.MimeType, Size: int64(m.Voice.FileSize)}
	case m.Audio != nil:
		b.Kind, b.Text = bot.KindMedia, m.Caption
		b.File = &bot.File{ID: m.Audio.FileID, Kind: monitoring.Audio, Mime: m.Audio.MimeType, Size: int64(m.Audio.FileSize)}
	case m.Video != nil:
		b.Kind, b.Text = bot.KindMedia, m.Caption
		b.File = &bot.File{ID: m.Video.FileID, Kind: monitoring.Video, Mime: m.Video.MimeType, Size: int64(m.Video.FileSize)}
	case m.VideoNote != nil:
		b.Kind = bot.KindMedia
		b.File = &bot.File{ID: m.VideoNote.FileID, Kind: monitoring.Video, Mime: "video/mp4", Size: int64(m.VideoNote.FileSize)}
	case m.Document != nil:
		b.Text = m.Caption
		mime := m.Document.MimeType
		switch {
		case strings.HasPrefix(mime, "image/"): // a photo sent uncompressed
			b.Kind = bot.KindMedia
			b.File = &bot.File{ID: m.Document.FileID, Kind: monitoring.Photo, Mime: mime, Size: int64(m.Document.FileSize)}
		case strings.HasPrefix(mime, "video/"):
			b.Kind = bot.KindMedia
			b.File = &bot.File{ID: m.Document.FileID, Kind: monitoring.Video, Mime: mime, Size: int64(m.Document.FileSize)}
		default:
			// Residents' documents are declined; members may keep them
			// (an answer to a request, 6.2), so the file goes along.
			b.Kind = bot.KindDocument
			b.File = &bot.File{ID: m.Document.FileID, Kind: monitoring.Document, Mime: mime, Size: int64(m.Document.FileSize)}
		}
	case m.Location != nil:
		b.Kind, b.Location = bot.KindLocation, &monitoring.Location{Lat: m.Location.Latitude, Lon: m.Location.Longitude}
	case m.Venue != nil:
		b.Kind, b.Location = bot.KindLocation, &monitoring.Location{Lat: m.Venue.Location.Latitude, Lon: m.Venue.Location.Longitude}
	case m.Contact != nil:
		b.Kind = bot.KindContact
		b.Contact = &bot.SharedContact{Phone: m.Contact.PhoneNumber, Name: strings.TrimSpace(m.Contact.FirstName + " " + m.Contact.LastName)}
		if m.Contact.UserID != 0 {
			b.Contact.UserID = strconv.FormatInt(m.Contact.UserID, 10)
		}
	case m.Sticker != nil, m.Poll != nil, m.Dice != nil, m.Game != nil, m.Animation != nil:
		b.Kind = bot.KindUnsupported
	case m.MigrateToChatID != 0:
		// The group became a supergroup with a new id: the binding follows.
		b.Kind, b.Text = bot.KindMoved, strconv.FormatInt(m.MigrateToChatID, 10)
		b.UserID = "system"
	case len(m.NewChatMembers) > 0, m.LeftChatMember != nil, m.NewChatTitle != "", m.PinnedMessage != nil,
		m.GroupChatCreated, m.SuperGroupChatCreated, m.MigrateFromChatID != 0, len(m.NewChatPhoto) > 0, m.DeleteChatPhoto:
		b.Kind = bot.KindSystem
	default:
		b.Kind = bot.KindEmpty
	}
	return b
}
