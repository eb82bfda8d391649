package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

// Deliver sends one reply as a text message, menus as numbered lines (in a
// group, as the commands to type). The message id comes from the outbox
// row, so a retry is the same message.
func (a *Adapter) Deliver(ctx context.Context, id int64, chatID string, r bot.Reply) (string, error) {
	if r.CallbackID != "" {
		return "", nil // no buttons on WhatsApp, nothing to acknowledge
	}
	to, err := types.ParseJID(chatID)
	if err != nil {
		return "", &bot.SendError{Kind: bot.Rejected, Err: err}
	}
	text := bot.RenderNumbered(catalog.Default(), r, isGroup(chatID))
	if r.MediaID != 0 {
		// Files stay in the store; on WhatsApp members are told of them.
		if m, err := a.db.MediaByID(ctx, r.MediaID); err == nil {
			text = fmt.Sprintf("📎 %s (%s, %d KB)", r.Text, m.Kind, m.Size/1024)
		}
	}
	if strings.TrimSpace(text) == "" {
		return "", nil
	}
	msgID := a.messageID(id)
	_, err = a.cli.SendMessage(ctx, to, &waE2E.Message{Conversation: proto.String(text)}, whatsmeow.SendRequestExtra{ID: msgID})
	if err != nil {
		return "", classify(err)
	}
	return string(msgID), nil
}

// classify says whether a failed send is worth retrying.
func classify(err error) error {
	switch {
	case errors.Is(err, whatsmeow.ErrNotLoggedIn):
		return &bot.SendError{Kind: bot.ServerError, Err: err} // retried once paired again
	case errors.Is(err, whatsmeow.ErrNotConnected), errors.Is(err, context.DeadlineExceeded):
		return &bot.SendError{Kind: bot.NetworkErr, Err: err}
	case errors.Is(err, whatsmeow.ErrServerReturnedError):
		// 429 and the like come back as server errors: wait a while.
		return &bot.SendError{Kind: bot.RateLimited, RetryAfter: time.Minute, Err: err}
	}
	return &bot.SendError{Kind: bot.NetworkErr, Err: err}
}

// offer is the update that tells the engine a numbered menu of an entry's
// own choices reached a private chat (see bot.KindOffer).
func (a *Adapter) offer(chatID string, r bot.Reply) (storage.InboxItem, bool) {
	if isGroup(chatID) {
		return storage.InboxItem{}, false
	}
	jid, err := types.ParseJID(chatID)
	if err != nil {
		return storage.InboxItem{}, false
	}
	u := bot.Update{Channel: monitoring.WhatsApp, ChatID: chatID, ChatKind: bot.Private, Kind: bot.KindOffer, Offer: r.Menu,
		UserID: a.refOf(context.Background(), jid, types.JID{})}
	return storage.InboxItem{Municipality: a.muni.Code, Channel: string(monitoring.WhatsApp), ChatID: chatID, Payload: u.Encode()}, true
}
