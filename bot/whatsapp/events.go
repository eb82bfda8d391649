package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"bmjbt/bot"
	"bmjbt/monitoring"
)

// handle is the success-status event handler. A message is acknowledged
// to WhatsApp only if it was stored (the client runs with SynchronousAck):
// returning false leaves it unacknowledged, and WhatsApp delivers it again.
// A message seen before (same id) is dropped by the inbox's key.
//
// A panic while reading an event would be recovered by whatsmeow and
// counted as success, acknowledging a message that was never stored: it is
// recovered here instead, and the message set aside, stored (or, if even
// that fails, left unacknowledged).
func (a *Adapter) handle(evt any) (ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			ok = a.setAsideMessage(ctx, evt, fmt.Sprintf("panic while reading the message: %v", p))
		}
	}()
	switch e := evt.(type) {
	case *events.Message:
		item, ok := a.inboxItem(ctx, e)
		if !ok {
			return true
		}
		n, err := a.store(ctx, item)
		if err != nil {
			a.log.Error("whatsapp: cannot store a message; leaving it unacknowledged, and asking WhatsApp for it again once the database answers", "err", err)
			select {
			case a.unstored <- struct{}{}:
			default:
			}
			return false
		}
		if a.metrics != nil {
			a.metrics.Received.WithLabelValues("whatsapp").Add(float64(n))
			a.metrics.Duplicates.WithLabelValues("whatsapp").Add(float64(1 - n))
		}
		a.mu.Lock()
		a.written[item.ChatID] = time.Now()
		a.mu.Unlock()
		if a.stored != nil {
			a.stored()
		}
	case *events.UndecryptableMessage:
		return a.undecryptable(ctx, e)
	case *events.Connected:
		a.setHealth(true, "")
		a.log.Info("whatsapp: connected")
	case *events.Disconnected:
		a.setHealth(false, "disconnected; reconnecting")
		a.log.Warn("whatsapp: disconnected; whatsmeow reconnects by itself")
	case *events.KeepAliveTimeout:
		a.log.Warn("whatsapp: the connection is not answering", "failures", e.ErrorCount)
	case *events.LoggedOut:
		return a.trouble(ctx, "whatsapp.logged_out", fmt.Sprintf("logged out (reason %d): the phone unlinked this device; run `bmjbt whatsapp pair` again", e.Reason))
	case *events.StreamReplaced:
		return a.trouble(ctx, "whatsapp.replaced", "another program connected with the same keys (a second bmjbt?); stop it, then restart serve")
	case *events.ClientOutdated:
		return a.trouble(ctx, "whatsapp.outdated", "WhatsApp says this client is too old; update bmjbt (it carries whatsmeow)")
	case *events.TemporaryBan:
		wait := e.Expire + time.Minute
		if e.Expire <= 0 {
			wait = time.Hour
		}
		select {
		case a.reconnect <- wait:
		default:
		}
		return a.trouble(ctx, "whatsapp.banned", e.String()+"; send fewer messages to people who have not written first; bmjbt connects again when it ends")
	case *events.ConnectFailure:
		a.setHealth(false, fmt.Sprintf("connect failure %d: %s", e.Reason, e.Message))
		a.log.Error("whatsapp: connection refused by WhatsApp", "reason", int(e.Reason), "message", e.Message)
	}
	return true
}

// undecryptable keeps a message that came but could not be decrypted as
// set aside, under a key of its own (WhatsApp may still send it decrypted
// on its retry, and that must not look like a duplicate), and counts it:
// many of them mean a broken session the operator should see.
func (a *Adapter) undecryptable(ctx context.Context, e *events.UndecryptableMessage) bool {
	if e.Info.IsFromMe || e.Info.Chat.Server == types.BroadcastServer || e.Info.Chat.Server == types.NewsletterServer {
		return true
	}
	if e.IsUnavailable && e.UnavailableType != "" {
		return true // meant not to reach linked devices (view-once and the like)
	}
	a.log.Warn("whatsapp: a message could not be decrypted", "message_id", string(e.Info.ID),
		"unavailable", e.IsUnavailable, "group", e.Info.IsGroup)
	if a.metrics != nil {
		a.metrics.Undecryptable.Inc()
	}
	if _, err := a.store(ctx, undecryptableItem(a.muni.Code, e.Info)); err != nil {
		// The database is down, and whatsmeow could not decrypt because
		// its store is in it: the message is acknowledged already. Kept
		// in memory, it is recorded and asked of the phone again once the
		// database answers.
		a.log.Error("whatsapp: cannot record an undecryptable message; will ask the phone for it once the database answers", "err", err)
		a.mu.Lock()
		a.lost = append(a.lost, e.Info)
		a.mu.Unlock()
		select {
		case a.unstored <- struct{}{}:
		default:
		}
	}
	return true
}

// undecryptableItem is the set-aside row of a message that came but could
// not be decrypted, keyed apart from the message itself.
func undecryptableItem(muni string, info types.MessageInfo) monitoring.InboxItem {
	return monitoring.InboxItem{Municipality: muni, Channel: string(monitoring.WhatsApp),
		ExternalID: monitoring.Undecryptable + externalID(info), Payload: []byte(`{}`),
		SetAside: "could not be decrypted; if many come, the link may be broken: pair again"}
}

// setAsideMessage stores a message the adapter could not read as set aside
// with its error, under its own key (so WhatsApp's redelivery is a
// duplicate, not a second crash), and counts it; true when stored.
func (a *Adapter) setAsideMessage(ctx context.Context, evt any, why string) bool {
	e, isMsg := evt.(*events.Message)
	if !isMsg || e == nil {
		a.log.Error("whatsapp: reading an event failed", "event", fmt.Sprintf("%T", evt), "err", why)
		return true // not a message: nothing to redeliver
	}
	a.log.Error("whatsapp: a message could not be read; set aside", "message_id", string(e.Info.ID), "err", why)
	// Kept as it came (the protobuf and where it came from), for a bug
	// report and for a newer bmjbt to read.
	raw, err := proto.Marshal(e.Message)
	if err != nil {
		raw = nil
	}
	payload, err := json.Marshal(map[string]any{"whatsapp_message": raw, "chat": e.Info.Chat.String(), "sender": e.Info.Sender.String(),
		"id": string(e.Info.ID), "timestamp": e.Info.Timestamp})
	if err != nil {
		payload = []byte(`{}`)
	}
	item := monitoring.InboxItem{Municipality: a.muni.Code, Channel: string(monitoring.WhatsApp),
		ExternalID: externalID(e.Info), Payload: payload, SetAside: why}
	n, err := a.store(ctx, item)
	if err != nil {
		a.log.Error("whatsapp: cannot set the message aside; leaving it unacknowledged", "err", err)
		return false
	}
	if a.metrics != nil && n > 0 {
		a.metrics.SetAside.WithLabelValues(string(monitoring.WhatsApp), "arrival").Inc()
	}
	return true
}

// store keeps a message in the inbox, trying a few times over a second:
// an unacknowledged message comes again only after a reconnect.
func (a *Adapter) store(ctx context.Context, item monitoring.InboxItem) (int, error) {
	var err error
	for try := range 3 {
		var n int
		if n, err = a.db.PutInbox(ctx, []monitoring.InboxItem{item}); err == nil {
			return n, nil
		}
		select {
		case <-ctx.Done():
			return 0, err
		case <-time.After(time.Duration(try+1) * 200 * time.Millisecond):
		}
	}
	return 0, err
}

// trouble records a state that needs the operator: in /healthz, in the
// log with what to do, and as a notice the engine posts to the members'
// chat (through the inbox, like everything that reaches the engine).
func (a *Adapter) trouble(ctx context.Context, notice, what string) bool {
	a.setHealth(false, what)
	a.mu.Lock()
	a.refused = true
	a.mu.Unlock()
	a.log.Error("whatsapp: " + what)
	u := bot.Update{Channel: monitoring.WhatsApp, Kind: bot.KindAlert, Text: notice}
	item := monitoring.InboxItem{Municipality: a.muni.Code, Channel: string(monitoring.WhatsApp),
		ExternalID: fmt.Sprintf("alert:%s:%d", notice, time.Now().Unix()/60), ChatID: "system", Payload: u.Encode()}
	if _, err := a.db.PutInbox(ctx, []monitoring.InboxItem{item}); err != nil {
		a.log.Error("whatsapp: cannot tell the members", "err", err)
	} else if a.stored != nil {
		a.stored()
	}
	return true
}
