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
)

// Deliver sends one reply as a text message, menus as numbered lines (in a
// group, as the commands to type). The message id comes from the outbox
// row, so a retry is the same message.
func (a *Adapter) Deliver(ctx context.Context, key bot.OutboxKey, chatID string, r bot.Reply) (string, error) {
	if r.CallbackID != "" {
		return "", nil // no buttons on WhatsApp, nothing to acknowledge
	}
	to, err := types.ParseJID(chatID)
	if err != nil {
		return "", &bot.SendError{Kind: bot.Rejected, Err: err}
	}
	text := bot.RenderNumbered(catalog.Default(), r, isGroup(chatID))
	msg := &waE2E.Message{Conversation: proto.String(text)}
	if r.MediaID != 0 {
		if msg, err = a.fileMessage(ctx, r); err != nil {
			return "", err
		}
	} else if strings.TrimSpace(text) == "" {
		return "", nil
	}
	msgID := a.messageID(key)
	_, err = a.cli.SendMessage(ctx, to, msg, whatsmeow.SendRequestExtra{ID: msgID})
	if err != nil {
		return "", classify(err)
	}
	return string(msgID), nil
}

// classify says whether a failed send is worth retrying.
func classify(err error) error {
	switch {
	case errors.Is(err, whatsmeow.ErrNotLoggedIn):
		// Unlinked: replies wait (long) until the operator pairs again.
		return &bot.SendError{Kind: bot.RateLimited, RetryAfter: 10 * time.Minute, Err: err}
	case errors.Is(err, whatsmeow.ErrNotConnected), errors.Is(err, context.DeadlineExceeded):
		return &bot.SendError{Kind: bot.NetworkErr, Err: err}
	case errors.Is(err, whatsmeow.ErrServerReturnedError):
		// 429 and the like come back as server errors: wait a while.
		return &bot.SendError{Kind: bot.RateLimited, RetryAfter: time.Minute, Err: err}
	}
	return &bot.SendError{Kind: bot.NetworkErr, Err: err}
}

// fileMessage uploads a stored file (for a member looking at an entry or a
// request's answer) and wraps it in the message of its kind.
func (a *Adapter) fileMessage(ctx context.Context, r bot.Reply) (*waE2E.Message, error) {
	m, err := a.db.MediaByID(ctx, r.MediaID)
	if err != nil {
		return nil, &bot.SendError{Kind: bot.Rejected, Err: err}
	}
	data, err := a.db.MediaData(ctx, m.ID)
	if err != nil {
		// Not fetched yet: say so rather than wait for it.
		return &waE2E.Message{Conversation: proto.String(fmt.Sprintf("📎 %s (%s)", r.Text, m.Kind))}, nil
	}
	kind := whatsmeow.MediaDocument
	switch m.Kind {
	case monitoring.Photo:
		kind = whatsmeow.MediaImage
	case monitoring.Voice, monitoring.Audio:
		kind = whatsmeow.MediaAudio
	case monitoring.Video:
		kind = whatsmeow.MediaVideo
	}
	up, err := a.cli.Upload(ctx, data, kind)
	if err != nil {
		return nil, classify(err)
	}
	caption, mime, size := proto.String(r.Text), proto.String(m.Mime), proto.Uint64(up.FileLength)
	switch kind {
	case whatsmeow.MediaImage:
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: caption, Mimetype: mime, URL: &up.URL, DirectPath: &up.DirectPath,
			MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: size}}, nil
	case whatsmeow.MediaAudio:
		return &waE2E.Message{AudioMessage: &waE2E.AudioMessage{Mimetype: mime, URL: &up.URL, DirectPath: &up.DirectPath, PTT: proto.Bool(m.Kind == monitoring.Voice),
			MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: size}}, nil
	case whatsmeow.MediaVideo:
		return &waE2E.Message{VideoMessage: &waE2E.VideoMessage{Caption: caption, Mimetype: mime, URL: &up.URL, DirectPath: &up.DirectPath,
			MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: size}}, nil
	}
	return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{Caption: caption, Mimetype: mime, URL: &up.URL, DirectPath: &up.DirectPath,
		FileName: proto.String(fmt.Sprintf("%s-%d", m.Kind, m.ID)), MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256,
		FileSHA256: up.FileSHA256, FileLength: size}}, nil
}
