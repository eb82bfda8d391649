package whatsapp

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"bmjbt/bot"
	"bmjbt/monitoring"
)

// userRef is who sent a message: their phone number (digits, as in the
// JID) when known, from the sender, its alternative address or whatsmeow's
// LID mapping; else their LID ("lid:…"). Someone first known by their LID
// stays known by it when WhatsApp later shows their number, so their
// entries, dialogue and membership do not split in two.
func (a *Adapter) userRef(ctx context.Context, src types.MessageSource) string {
	return a.refOf(ctx, src.Sender.ToNonAD(), src.SenderAlt.ToNonAD())
}

func (a *Adapter) refOf(ctx context.Context, who, alt types.JID) string {
	var lid, pn types.JID
	switch who.Server {
	case types.DefaultUserServer:
		pn = who
		if alt.Server == types.HiddenUserServer {
			lid = alt
		}
	case types.HiddenUserServer:
		lid = who
		if alt.Server == types.DefaultUserServer {
			pn = alt
		} else if a.lids != nil {
			if p, err := a.lids.GetPNForLID(ctx, who); err == nil && !p.IsEmpty() {
				pn = p
			}
		}
	default:
		return who.String()
	}
	if lid.IsEmpty() {
		return pn.User
	}
	if pn.IsEmpty() {
		return "lid:" + lid.User
	}
	if known, err := a.db.KnownRef(ctx, a.muni.Code, string(monitoring.WhatsApp), "lid:"+lid.User); err == nil && known {
		return "lid:" + lid.User
	}
	return pn.User
}

// privateChat is where a WhatsApp user is written to in private: one chat
// id per person, whether a message came addressed by number or by LID.
func privateChat(ref string) string {
	if lid, ok := strings.CutPrefix(ref, "lid:"); ok {
		return lid + "@" + types.HiddenUserServer
	}
	return ref + "@" + types.DefaultUserServer
}

// inboxItem turns a whatsmeow message event into an inbox row; ok is false
// for what is not for us: our own messages, status updates, newsletters,
// events with nothing a person wrote (a group's encryption key comes as an
// event of its own with the real message's id, reactions, poll votes), and
// groups other than the residents' and the members' ones.
func (a *Adapter) inboxItem(ctx context.Context, e *events.Message) (monitoring.InboxItem, bool) {
	info := e.Info
	if info.IsFromMe || info.Chat.Server == types.BroadcastServer || info.Chat.Server == types.NewsletterServer {
		return monitoring.InboxItem{}, false
	}
	u := convert(e)
	if u.Kind == bot.KindEmpty || u.Kind == bot.KindSystem && !u.Edited {
		return monitoring.InboxItem{}, false
	}
	u.Channel = monitoring.WhatsApp
	u.UserID = a.userRef(ctx, info.MessageSource)
	u.ChatKind, u.ChatID = bot.Private, privateChat(u.UserID)
	if info.IsGroup {
		u.PrivateChat = u.ChatID
		u.ChatKind, u.ChatID = bot.Group, info.Chat.ToNonAD().String()
		if !a.groupOfOurs(ctx, u) {
			return monitoring.InboxItem{}, false
		}
	}
	if c := u.Contact; c != nil && c.UserID != "" {
		c.UserID = a.refOf(ctx, types.NewJID(c.UserID, types.DefaultUserServer), types.JID{})
	}
	return monitoring.InboxItem{Municipality: a.muni.Code, Channel: string(monitoring.WhatsApp),
		ExternalID: externalID(info), ChatID: u.ChatID, Payload: u.Encode()}, true
}

// externalID is a message's key in the inbox: its chat and WhatsApp id.
func externalID(info types.MessageInfo) string {
	return "wa:" + info.Chat.ToNonAD().String() + ":" + string(info.ID)
}

// groupOfOurs keeps only the groups the bot serves: the residents' group,
// the members' bound group, and a group where someone binds it.
func (a *Adapter) groupOfOurs(ctx context.Context, u bot.Update) bool {
	if u.ChatID == a.muni.WhatsAppGroup && u.ChatID != "" || strings.HasPrefix(strings.TrimSpace(u.Text), "/bindgroup") {
		return true
	}
	bound, err := a.db.IsBoundGroup(ctx, a.muni.Code, string(monitoring.WhatsApp), u.ChatID)
	return err != nil || bound // when unsure, keep it: the engine decides
}

// convert reads what a message carries.
func convert(e *events.Message) bot.Update {
	m := e.Message
	u := bot.Update{MessageID: string(e.Info.ID)}
	if p := m.GetProtocolMessage(); p != nil {
		if p.GetType() != waE2E.ProtocolMessage_MESSAGE_EDIT {
			u.Kind = bot.KindSystem // a deletion and the like
			return u
		}
		u.Edited, u.MessageID = true, p.GetKey().GetID()
		m = p.GetEditedMessage()
	} else if e.IsEdit {
		u.Edited = true
	}
	switch {
	case m.GetConversation() != "":
		u.Kind, u.Text = bot.KindText, m.GetConversation()
	case m.GetExtendedTextMessage() != nil:
		u.Kind, u.Text = bot.KindText, m.GetExtendedTextMessage().GetText()
	case m.GetImageMessage() != nil:
		x := m.GetImageMessage()
		u.Kind, u.Text = bot.KindMedia, x.GetCaption()
		u.File = file("image", x, monitoring.Photo, x.GetMimetype(), x.GetFileLength())
	case m.GetAudioMessage() != nil:
		x := m.GetAudioMessage()
		kind := monitoring.Audio
		if x.GetPTT() {
			kind = monitoring.Voice
		}
		u.Kind = bot.KindMedia
		u.File = file("audio", x, kind, x.GetMimetype(), x.GetFileLength())
	case m.GetVideoMessage() != nil:
		x := m.GetVideoMessage()
		u.Kind, u.Text = bot.KindMedia, x.GetCaption()
		u.File = file("video", x, monitoring.Video, x.GetMimetype(), x.GetFileLength())
	case m.GetDocumentMessage() != nil:
		x := m.GetDocumentMessage()
		u.Text = x.GetCaption()
		switch mime := x.GetMimetype(); {
		case strings.HasPrefix(mime, "image/"):
			u.Kind, u.File = bot.KindMedia, file("document", x, monitoring.Photo, mime, x.GetFileLength())
		case strings.HasPrefix(mime, "video/"):
			u.Kind, u.File = bot.KindMedia, file("document", x, monitoring.Video, mime, x.GetFileLength())
		default:
			u.Kind, u.File = bot.KindDocument, file("document", x, monitoring.Document, mime, x.GetFileLength())
		}
	case m.GetLocationMessage() != nil:
		x := m.GetLocationMessage()
		u.Kind, u.Location = bot.KindLocation, &monitoring.Location{Lat: x.GetDegreesLatitude(), Lon: x.GetDegreesLongitude()}
	case m.GetLiveLocationMessage() != nil:
		x := m.GetLiveLocationMessage()
		u.Kind, u.Location = bot.KindLocation, &monitoring.Location{Lat: x.GetDegreesLatitude(), Lon: x.GetDegreesLongitude()}
	case m.GetContactMessage() != nil:
		u.Kind, u.Contact = bot.KindContact, vcardContact(m.GetContactMessage())
	case m.GetReactionMessage() != nil, m.GetPollUpdateMessage() != nil, m.GetPinInChatMessage() != nil,
		m.GetEncReactionMessage() != nil, m.GetKeepInChatMessage() != nil:
		u.Kind = bot.KindSystem // a 👍 is not a message to answer
	case m.GetStickerMessage() != nil, m.GetPollCreationMessage() != nil, m.GetPollCreationMessageV2() != nil,
		m.GetPollCreationMessageV3() != nil, m.GetContactsArrayMessage() != nil:
		u.Kind = bot.KindUnsupported
	default:
		u.Kind = bot.KindEmpty
	}
	return u
}

// file keeps what is needed to download a media message later: its kind
// and the protobuf with the keys, in the file id.
func file(kind string, msg proto.Message, k monitoring.MediaKind, mime string, size uint64) *bot.File {
	raw, err := proto.Marshal(msg)
	if err != nil {
		return nil
	}
	return &bot.File{ID: kind + ":" + base64.StdEncoding.EncodeToString(raw), Kind: k, Mime: mime, Size: int64(size)}
}

var (
	telRE  = regexp.MustCompile(`(?m)^(?:item\d+\.)?TEL([^:\n]*):\s*([+\d][\d\s()-]*)`)
	waidRE = regexp.MustCompile(`waid=(\d+)`)
)

// vcardContact reads a shared contact's phone (and WhatsApp id) from its
// vCard: "TEL;type=CELL;waid=996555123456:+996 555 123 456".
func vcardContact(c *waE2E.ContactMessage) *bot.SharedContact {
	sc := &bot.SharedContact{Name: c.GetDisplayName()}
	if m := telRE.FindStringSubmatch(c.GetVcard()); m != nil {
		if w := waidRE.FindStringSubmatch(m[1]); w != nil {
			sc.UserID = w[1]
		}
		sc.Phone = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(strings.TrimSpace(m[2]))
	}
	return sc
}

// media decodes a file id written by file.
func media(fileID string) (proto.Message, error) {
	kind, b64, ok := strings.Cut(fileID, ":")
	if !ok {
		return nil, fmt.Errorf("not a WhatsApp file id")
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("file id: %w", err)
	}
	var msg proto.Message
	switch kind {
	case "image":
		msg = &waE2E.ImageMessage{}
	case "audio":
		msg = &waE2E.AudioMessage{}
	case "video":
		msg = &waE2E.VideoMessage{}
	case "document":
		msg = &waE2E.DocumentMessage{}
	default:
		return nil, fmt.Errorf("unknown media kind %q", kind)
	}
	if err := proto.Unmarshal(raw, msg); err != nil {
		return nil, fmt.Errorf("file id: %w", err)
	}
	return msg, nil
}
