package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"bmjbt/bot"
	"bmjbt/monitoring"
)

// Deliver sends one reply: a message with its menu, an edit of an earlier
// menu message, or the answer to a pressed button.
func (a *Adapter) Deliver(ctx context.Context, _ bot.OutboxKey, chatID string, r bot.Reply) (string, error) {
	chat, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return "", &bot.SendError{Kind: bot.Rejected, Err: err}
	}
	api := a.client(ctx)
	switch {
	case r.CallbackID != "":
		_, err = api.Request(tgbotapi.NewCallback(r.CallbackID, bot.TruncateText(r.Text, 200)))
		if err != nil && strings.Contains(err.Error(), "query is too old") {
			return "", nil // the spinner has long stopped; nothing to do
		}
		return "", a.wrap(err)
	case r.EditMessageID != "":
		id, _ := strconv.Atoi(r.EditMessageID)
		edit := tgbotapi.NewEditMessageText(chat, id, bot.TruncateText(r.Text, bot.MaxText))
		if kb, ok := replyMarkup(r).(tgbotapi.InlineKeyboardMarkup); ok {
			edit.ReplyMarkup = &kb
		}
		if html, ok := formatted(r); ok {
			formattedEdit := edit
			formattedEdit.Text, formattedEdit.ParseMode = html, tgbotapi.ModeHTML
			if _, err = api.Request(formattedEdit); unparsed(err) {
				a.log.Warn("telegram: formatting refused; editing as plain text", "err", a.redact(err))
				_, err = api.Request(edit)
			}
		} else {
			_, err = api.Request(edit)
		}
		if err != nil && strings.Contains(err.Error(), "message is not modified") {
			return r.EditMessageID, nil
		}
		var se *bot.SendError
		if err == nil || !errors.As(a.wrap(err), &se) || se.Kind != bot.Rejected {
			return r.EditMessageID, a.wrap(err)
		}
		// The message is gone or can no longer be edited (deleted, too
		// old, a group that moved): what it was to say goes as a new one.
		a.log.Warn("telegram: an edit was refused; sending it as a new message", "err", se)
	}
	if r.MediaID != 0 {
		return a.sendFile(ctx, api, chat, r)
	}
	msg := tgbotapi.NewMessage(chat, bot.TruncateText(r.Text, bot.MaxText))
	msg.DisableWebPagePreview = true
	if markup := replyMarkup(r); markup != nil {
		msg.ReplyMarkup = markup
	}
	if html, ok := formatted(r); ok {
		formattedMsg := msg
		formattedMsg.Text, formattedMsg.ParseMode = html, tgbotapi.ModeHTML
		sent, err := api.Send(formattedMsg)
		if !unparsed(err) {
			if err != nil {
				return "", a.wrap(err)
			}
			return strconv.Itoa(sent.MessageID), nil
		}
		// The message is what matters: sent plain rather than lost.
		a.log.Warn("telegram: formatting refused; sending as plain text", "err", a.redact(err))
	}
	sent, err := api.Send(msg)
	if err != nil {
		return "", a.wrap(err)
	}
	return strconv.Itoa(sent.MessageID), nil
}

// formatted is a reply's HTML when it has one that fits in a message:
// HTML cut short could break a tag, so a long one goes plain.
func formatted(r bot.Reply) (string, bool) {
	if r.HTML == "" || bot.TruncateText(r.Text, bot.MaxText) != r.Text {
		return "", false
	}
	return r.HTML, true
}

// unparsed reports Telegram's refusal of a message's formatting (400
// "can't parse entities"), which plain text would not get.
func unparsed(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && te.Code == http.StatusBadRequest && strings.Contains(te.Message, "can't parse entities")
}

func (a *Adapter) wrap(err error) error {
	if err == nil {
		return nil
	}
	return a.classify(err)
}

// replyMarkup renders a menu: inline buttons, or a one-time reply keyboard
// when an option asks for the user's contact (Telegram allows that only there).
func replyMarkup(r bot.Reply) any {
	if r.Menu == nil || len(r.Menu.Options) == 0 {
		if r.RemoveKeyboard {
			return tgbotapi.NewRemoveKeyboard(true)
		}
		return nil
	}
	cols := r.Menu.Columns
	if cols <= 0 {
		cols = 1
	}
	contact := false
	for _, o := range r.Menu.Options {
		contact = contact || o.RequestContact
	}
	if contact {
		var rows [][]tgbotapi.KeyboardButton
		for _, o := range r.Menu.Options {
			b := tgbotapi.NewKeyboardButton(o.Label)
			b.RequestContact = o.RequestContact
			rows = append(rows, tgbotapi.NewKeyboardButtonRow(b))
		}
		kb := tgbotapi.NewReplyKeyboard(rows...)
		kb.OneTimeKeyboard = true
		return kb
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	var row []tgbotapi.InlineKeyboardButton
	for _, o := range r.Menu.Options {
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(o.Label, o.Data))
		if len(row) == cols {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}

// webhookParams are the setWebhook parameters. The library predates the
// secret_token parameter, so the request is made with MakeRequest.
func webhookParams(url, secret string) tgbotapi.Params {
	allowed, _ := json.Marshal(allowedUpdates)
	return tgbotapi.Params{"url": url, "secret_token": secret, "allowed_updates": string(allowed), "max_connections": "10"}
}

// allowedUpdates are the update types bmjbt asks for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// sendFile sends a stored file as a document: by Telegram's file id when it
// came from Telegram (no upload), else from the bytes kept in the store.
func (a *Adapter) sendFile(ctx context.Context, api *tgbotapi.BotAPI, chat int64, r bot.Reply) (string, error) {
	m, err := a.db.MediaByID(ctx, r.MediaID)
	if err != nil {
		return "", &bot.SendError{Kind: bot.Rejected, Err: err}
	}
	var file tgbotapi.RequestFileData = tgbotapi.FileID(m.FileID)
	if m.Channel != monitoring.Telegram || m.FileID == "" {
		data, err := a.db.MediaData(ctx, m.ID)
		if err != nil {
			return "", &bot.SendError{Kind: bot.Rejected, Err: err}
		}
		file = tgbotapi.FileBytes{Name: fmt.Sprintf("%s-%d", m.Kind, m.ID), Bytes: data}
	}
	doc := tgbotapi.NewDocument(chat, file)
	doc.Caption = bot.TruncateText(r.Text, 1024)
	sent, err := api.Send(doc)
	if err != nil {
		return "", a.wrap(err)
	}
	return strconv.Itoa(sent.MessageID), nil
}
