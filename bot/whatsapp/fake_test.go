package whatsapp_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// fakeClient stands in for *whatsmeow.Client, which has no test server:
// the adapter gets whatsmeow's own events and protobufs from it, and what
// the adapter sends is recorded.
type fakeClient struct {
	mu        sync.Mutex
	changed   chan struct{}
	handlers  []whatsmeow.EventHandlerWithSuccessStatus
	sent      []sent
	failSends int
	files     map[string][]byte // by direct path
	connected bool
	loggedOut bool // the phone unlinked the device
	nextID    int
	// unacked are messages the adapter refused: WhatsApp sends them again
	// on the next connection, as it does for a client with SynchronousAck.
	unacked  []*events.Message
	served   int              // bytes handed to downloads
	broken   map[string]error // downloads that fail, by direct path
	connects int
}

type sent struct {
	To    types.JID
	Text  string
	ID    types.MessageID
	OK    bool
	Peer  string              // a request to the own phone: the id of the message asked again
	Image *waE2E.ImageMessage // a file sent as a photo
}

func newFakeClient() *fakeClient {
	return &fakeClient{changed: make(chan struct{}), files: map[string][]byte{}}
}

func (f *fakeClient) notify() { close(f.changed); f.changed = make(chan struct{}) }

func (f *fakeClient) Connect() error {
	f.mu.Lock()
	f.connected = true
	f.connects++
	again := f.unacked
	f.unacked = nil
	f.mu.Unlock()
	f.emit(&events.Connected{})
	for _, e := range again {
		f.emit(e)
	}
	return nil
}

func (f *fakeClient) Disconnect() { f.mu.Lock(); f.connected = false; f.notify(); f.mu.Unlock() }

func (f *fakeClient) IsConnected() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.connected }

func (f *fakeClient) IsLoggedIn() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.connected && !f.loggedOut
}

// drop loses the connection the way a keepalive timeout does: no event.
func (f *fakeClient) drop() { f.mu.Lock(); f.connected = false; f.mu.Unlock() }

func (f *fakeClient) AddEventHandlerWithSuccessStatus(h whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers = append(f.handlers, h)
	return uint32(len(f.handlers))
}

func (f *fakeClient) SendMessage(_ context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := extra[0].ID
	if !f.connected {
		return whatsmeow.SendResponse{}, whatsmeow.ErrNotConnected
	}
	if f.failSends > 0 {
		f.failSends--
		f.sent = append(f.sent, sent{To: to, Text: msg.GetConversation(), ID: id})
		f.notify()
		return whatsmeow.SendResponse{}, whatsmeow.ErrNotConnected
	}
	var peer string
	if extra[0].Peer {
		for _, r := range msg.GetProtocolMessage().GetPeerDataOperationRequestMessage().GetPlaceholderMessageResendRequest() {
			peer = r.GetMessageKey().GetID()
		}
	}
	f.sent = append(f.sent, sent{To: to, Text: msg.GetConversation(), ID: id, OK: true, Image: msg.GetImageMessage(), Peer: peer})
	f.notify()
	return whatsmeow.SendResponse{ID: id, Timestamp: time.Now()}, nil
}

// BuildUnavailableMessageRequest is whatsmeow's request to the own phone
// for a message, built the same way.
func (f *fakeClient) BuildUnavailableMessageRequest(chat, sender types.JID, id string) *waE2E.Message {
	return &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
		Type: waE2E.ProtocolMessage_PEER_DATA_OPERATION_REQUEST_MESSAGE.Enum(),
		PeerDataOperationRequestMessage: &waE2E.PeerDataOperationRequestMessage{
			PeerDataOperationRequestType: waE2E.PeerDataOperationRequestType_PLACEHOLDER_MESSAGE_RESEND.Enum(),
			PlaceholderMessageResendRequest: []*waE2E.PeerDataOperationRequestMessage_PlaceholderMessageResendRequest{{
				MessageKey: &waCommon.MessageKey{RemoteJID: proto.String(chat.String()), ID: proto.String(id)},
			}},
		},
	}}
}

// DownloadToFile writes a file in chunks, as the real client copies the
// response body; it stops when the file refuses a write.
func (f *fakeClient) DownloadToFile(_ context.Context, msg whatsmeow.DownloadableMessage, file whatsmeow.File) error {
	f.mu.Lock()
	data, ok := f.files[msg.GetDirectPath()]
	broken := f.broken[msg.GetDirectPath()]
	f.mu.Unlock()
	if broken != nil {
		return broken
	}
	if !ok {
		return whatsmeow.ErrMediaDownloadFailedWith404
	}
	for len(data) > 0 {
		n := min(32<<10, len(data))
		f.mu.Lock()
		f.served += n
		f.mu.Unlock()
		if _, err := file.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

func (f *fakeClient) Upload(_ context.Context, data []byte, _ whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := fmt.Sprintf("/up/%d", len(f.files))
	f.files[path] = data
	return whatsmeow.UploadResponse{URL: "https://mmg.example" + path, DirectPath: path, MediaKey: []byte("k"), FileLength: uint64(len(data))}, nil
}

// emit hands an event to the adapter as whatsmeow does; false means the
// adapter did not take it (whatsmeow would not acknowledge the message).
func (f *fakeClient) emit(evt any) bool {
	f.mu.Lock()
	hs := append([]whatsmeow.EventHandlerWithSuccessStatus(nil), f.handlers...)
	f.mu.Unlock()
	for _, h := range hs {
		if !h(evt) {
			if m, ok := evt.(*events.Message); ok {
				f.mu.Lock()
				f.unacked = append(f.unacked, m)
				f.mu.Unlock()
			}
			return false
		}
	}
	return true
}

// messages returns the texts delivered to a chat.
func (f *fakeClient) messages(chat types.JID) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, s := range f.sent {
		if s.OK && s.To == chat {
			out = append(out, s.Text)
		}
	}
	return out
}

// user is someone writing to the bot's number, in private or in a group.
type user struct {
	f      *fakeClient
	jid    types.JID // who sends
	alt    types.JID // their other address, if the event carries it
	chat   types.JID // where
	cursor int
}

func (f *fakeClient) user(phone string) *user {
	j := types.NewJID(phone, types.DefaultUserServer)
	return &user{f: f, jid: j, chat: j}
}

func (u *user) in(group types.JID) *user { return &user{f: u.f, jid: u.jid, alt: u.alt, chat: group} }

func (u *user) info() types.MessageInfo {
	u.f.mu.Lock()
	u.f.nextID++
	id := fmt.Sprintf("MSG%06d", u.f.nextID)
	u.f.mu.Unlock()
	return types.MessageInfo{
		MessageSource: types.MessageSource{Chat: u.chat, Sender: u.jid, SenderAlt: u.alt, IsGroup: u.chat.Server == types.GroupServer},
		ID:            types.MessageID(id), Timestamp: time.Now(), PushName: "Resident",
	}
}

// say sends a plain text, the way most phones do.
func (u *user) say(t *testing.T, text string) *events.Message {
	t.Helper()
	e := &events.Message{Info: u.info(), Message: &waE2E.Message{Conversation: proto.String(text)}}
	if !u.f.emit(e) {
		t.Fatalf("the adapter did not take %q", text)
	}
	return e
}

// expect waits for the next message to the user's chat containing want.
func (u *user) expect(t *testing.T, want string) string {
	t.Helper()
	deadline := time.After(60 * time.Second) // a guard against a hung test, not a measure of speed
	for {
		u.f.mu.Lock()
		changed := u.f.changed
		u.f.mu.Unlock()
		msgs := u.f.messages(u.chat)
		for i := u.cursor; i < len(msgs); i++ {
			if strings.Contains(msgs[i], want) {
				u.cursor = i + 1
				return msgs[i]
			}
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("no message containing %q to %s; got %q", want, u.chat, msgs[u.cursor:])
		}
	}
}

// fakeLIDs is whatsmeow's LID map as the store would answer.
type fakeLIDs map[string]string

func (m fakeLIDs) GetPNForLID(_ context.Context, lid types.JID) (types.JID, error) {
	if pn, ok := m[lid.User]; ok {
		return types.NewJID(pn, types.DefaultUserServer), nil
	}
	return types.JID{}, nil
}
