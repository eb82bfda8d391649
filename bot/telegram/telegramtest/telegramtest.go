// Package telegramtest is an in-process fake of the Telegram Bot API over
// HTTP: getMe, getUpdates with real offset semantics and long polling,
// sendMessage, editMessageText, answerCallbackQuery, sendDocument, getFile
// and file download, setWebhook (it then posts updates with the secret
// header, like Telegram), and failures on demand (429 with retry_after,
// 5xx, 403). The real go-telegram-bot-api client runs against it.
package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"golang.org/x/time/rate"
)

// Token is the bot token the fake accepts.
const Token = "123456:TEST-token"

// BotID and BotUsername describe the fake bot.
const (
	BotID       = 123456
	BotUsername = "bmjbt_test_bot"
)

// Server is the fake Bot API.
type Server struct {
	*httptest.Server

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change, to wake waiters
	nextUpd   int
	queue     []update // not yet confirmed by an offset
	msgIDs    map[int64]int
	sent      map[int64][]*Message // by chat
	all       []*Message
	answered  map[string]string // callback id → text
	pending   map[string]bool   // callback ids not yet answered
	files     map[string]file
	fails     []failure
	every     map[string]failure // every times-th call of a method fails with code
	calls     map[string]int
	callbacks int
	webhook   struct {
		url, secret string
		stop        chan struct{}
	}
	limit   *rate.Limiter // Telegram's overall pace, when Limit set one
	refused int
}

type update struct {
	id  int
	raw map[string]any
}

type failure struct {
	method     string
	chatID     int64 // 0: any chat
	code       int
	retryAfter int
	times      int
	formatted  bool // only requests with a parse_mode, refused as unparsable
}

// Message is what the bot sent to a chat, as the chat shows it now (edits applied).
type Message struct {
	ID     int
	ChatID int64
	// Text is what the chat shows; with parse_mode HTML, HTML is the text
	// as the bot sent it, tags and all.
	Text           string
	HTML           string
	Buttons        [][]Button // inline keyboard
	Keyboard       [][]KeyButton
	RemoveKeyboard bool
	Edits          int
	Document       *Document
	At             time.Time
}

// Button is an inline button.
type Button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// KeyButton is a reply-keyboard button.
type KeyButton struct {
	Text           string `json:"text"`
	RequestContact bool   `json:"request_contact"`
}

// Document is a file the bot sent.
type Document struct {
	Name string
	Data []byte
}

// New starts a fake Bot API, stopped when the test ends.
func New(tb testing.TB) *Server {
	s := &Server{
		changed: make(chan struct{}), nextUpd: 1000, msgIDs: map[int64]int{}, sent: map[int64][]*Message{},
		answered: map[string]string{}, pending: map[string]bool{}, files: map[string]file{}, calls: map[string]int{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(func() {
		s.mu.Lock()
		if s.webhook.stop != nil {
			close(s.webhook.stop)
			s.webhook.stop = nil
		}
		s.mu.Unlock()
		s.Server.Close()
	})
	return s
}

// notify wakes everything waiting for a change. Callers hold s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Fail makes the next `times` calls of method (to chatID, or any chat when
// 0) fail with code; for 429 the answer carries retry_after seconds.
func (s *Server) Fail(method string, chatID int64, code, retryAfter, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, failure{method: method, chatID: chatID, code: code, retryAfter: retryAfter, times: times})
}

// FailFormatting makes the next `times` calls of method (sendMessage,
// editMessageText) to chatID with a parse_mode fail as Telegram fails a
// text it cannot parse (400 "can't parse entities"); plain ones pass.
func (s *Server) FailFormatting(method string, chatID int64, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, failure{method: method, chatID: chatID, code: 400, times: times, formatted: true})
}

// FailEvery makes every n-th call of method fail with code, for as long as
// the fake runs: occasional 5xx under load, as Telegram gives them.
func (s *Server) FailEvery(method string, n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.every == nil {
		s.every = map[string]failure{}
	}
	s.every[method] = failure{method: method, code: code, times: n}
}

// ClearFailures drops every failure still planned.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = nil
}

// Calls reports how many times method was called.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Pending reports how many updates wait unconfirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if rest, ok := strings.CutPrefix(path, "file/bot"); ok {
		token, fpath, _ := strings.Cut(rest, "/")
		s.download(w, token, fpath)
		return
	}
	rest, ok := strings.CutPrefix(path, "bot")
	if !ok {
		http.NotFound(w, r)
		return
	}
	token, method, _ := strings.Cut(rest, "/")
	if token != Token {
		writeErr(w, 401, "Unauthorized", 0)
		return
	}
	if err := r.ParseMultipartForm(64 << 20); err != nil && err != http.ErrNotMultipart {
		writeErr(w, 400, "Bad Request: "+err.Error(), 0)
		return
	}
	s.mu.Lock()
	s.calls[method]++
	s.notify()
	chatID, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	for i := range s.fails {
		f := &s.fails[i]
		if f.times > 0 && f.method == method && (f.chatID == 0 || f.chatID == chatID) && (!f.formatted || r.FormValue("parse_mode") != "") {
			f.times--
			s.mu.Unlock()
			if f.formatted {
				writeErr(w, 400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0", 0)
				return
			}
			if f.code >= 500 {
				// Like a proxy in front of Telegram: not even JSON.
				w.WriteHeader(f.code)
				io.WriteString(w, "<html><body>Bad Gateway</body></html>")
				return
			}
			desc := map[int]string{429: fmt.Sprintf("Too Many Requests: retry after %d", f.retryAfter),
				403: "Forbidden: bot was blocked by the user", 409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
				400: "Bad Request: chat not found"}[f.code]
			writeErr(w, f.code, desc, f.retryAfter)
			return
		}
	}
	if f, ok := s.every[method]; ok && f.times > 0 && s.calls[method]%f.times == 0 {
		s.mu.Unlock()
		w.WriteHeader(f.code)
		io.WriteString(w, "<html><body>Bad Gateway</body></html>")
		return
	}
	if s.limit != nil && (method == "sendMessage" || method == "editMessageText" || method == "sendDocument") && !s.limit.Allow() {
		s.refused++
		s.mu.Unlock()
		writeErr(w, 429, "Too Many Requests: retry after 1", 1)
		return
	}
	s.mu.Unlock()

	switch method {
	case "getMe":
		writeOK(w, map[string]any{"id": BotID, "is_bot": true, "first_name": "БМжБТ", "username": BotUsername})
	case "getUpdates":
		s.getUpdates(w, r)
	case "sendMessage":
		s.sendMessage(w, r, chatID)
	case "editMessageText":
		s.editMessageText(w, r, chatID)
	case "answerCallbackQuery":
		s.answerCallback(w, r)
	case "sendDocument":
		s.sendDocument(w, r, chatID)
	case "getFile":
		s.getFile(w, r)
	case "setWebhook":
		s.setWebhook(w, r)
	case "deleteWebhook":
		s.mu.Lock()
		if s.webhook.stop != nil {
			close(s.webhook.stop)
			s.webhook.stop = nil
		}
		s.webhook.url = ""
		if r.FormValue("drop_pending_updates") == "true" {
			s.queue = nil
		}
		s.mu.Unlock()
		writeOK(w, true)
	case "getWebhookInfo":
		s.mu.Lock()
		info := map[string]any{"url": s.webhook.url, "pending_update_count": len(s.queue)}
		s.mu.Unlock()
		writeOK(w, info)
	default:
		writeErr(w, 404, "Not Found: method not found", 0)
	}
}

func writeOK(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeErr(w http.ResponseWriter, code int, desc string, retryAfter int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	json.NewEncoder(w).Encode(body)
}

// getUpdates confirms every update below offset, then returns what is left,
// waiting up to timeout seconds for something to arrive.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.FormValue("offset"))
	limit, _ := strconv.Atoi(r.FormValue("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(r.FormValue("timeout"))
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		if s.webhook.url != "" {
			s.mu.Unlock()
			writeErr(w, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0)
			return
		}
		if offset > 0 {
			keep := s.queue[:0]
			for _, u := range s.queue {
				if u.id >= offset {
					keep = append(keep, u)
				}
			}
			if len(keep) != len(s.queue) {
				s.queue = keep
				s.notify()
			}
		}
		var out []map[string]any
		for _, u := range s.queue {
			if len(out) == limit {
				break
			}
			out = append(out, u.raw)
		}
		changed := s.changed
		s.mu.Unlock()
		if len(out) > 0 || timeout == 0 {
			if out == nil {
				out = []map[string]any{}
			}
			writeOK(w, out)
			return
		}
		select {
		case <-changed:
		case <-deadline:
			timeout = 0
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Server) nextMessageID(chat int64) int {
	s.msgIDs[chat]++
	return s.msgIDs[chat]
}

type markup struct {
	Inline   [][]Button    `json:"inline_keyboard"`
	Keyboard [][]KeyButton `json:"keyboard"`
	Remove   bool          `json:"remove_keyboard"`
}

func parseMarkup(raw string) (markup, error) {
	var m markup
	if raw == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return m, fmt.Errorf("can't parse reply keyboard markup JSON object")
	}
	for _, row := range m.Inline {
		for _, b := range row {
			if len(b.Data) == 0 || len(b.Data) > 64 {
				return m, fmt.Errorf("BUTTON_DATA_INVALID")
			}
		}
	}
	return m, nil
}

func checkText(text string) string {
	if strings.TrimSpace(text) == "" {
		return "Bad Request: message text is empty"
	}
	if len(utf16.Encode([]rune(text))) > 4096 {
		return "Bad Request: message is too long"
	}
	return ""
}

// messageForm reads and checks a message's text and markup as Telegram
// does, answering 400 when they break its rules. text is what the chat
// shows, raw the text as sent ("" without a parse_mode).
func messageForm(w http.ResponseWriter, r *http.Request) (text, raw string, m markup, ok bool) {
	text = r.FormValue("text")
	switch mode := r.FormValue("parse_mode"); mode {
	case "":
	case "HTML":
		shown, err := parseHTML(text)
		if err != nil {
			writeErr(w, 400, "Bad Request: "+err.Error(), 0)
			return "", "", markup{}, false
		}
		text, raw = shown, text
	default:
		writeErr(w, 400, "Bad Request: unsupported parse_mode "+mode+" (the fake knows HTML)", 0)
		return "", "", markup{}, false
	}
	if e := checkText(text); e != "" {
		writeErr(w, 400, e, 0)
		return "", "", markup{}, false
	}
	m, err := parseMarkup(r.FormValue("reply_markup"))
	if err != nil {
		writeErr(w, 400, "Bad Request: "+err.Error(), 0)
		return "", "", markup{}, false
	}
	return text, raw, m, true
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request, chat int64) {
	text, raw, m, ok := messageForm(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	msg := &Message{ID: s.nextMessageID(chat), ChatID: chat, Text: text, HTML: raw, Buttons: m.Inline, Keyboard: m.Keyboard, RemoveKeyboard: m.Remove, At: time.Now()}
	s.sent[chat] = append(s.sent[chat], msg)
	s.all = append(s.all, msg)
	s.notify()
	s.mu.Unlock()
	writeOK(w, apiMessage(msg))
}

func apiMessage(m *Message) map[string]any {
	typ := "private"
	if m.ChatID < 0 {
		typ = "supergroup"
	}
	return map[string]any{"message_id": m.ID, "date": m.At.Unix(), "text": m.Text,
		"chat": map[string]any{"id": m.ChatID, "type": typ},
		"from": map[string]any{"id": BotID, "is_bot": true, "first_name": "БМжБТ", "username": BotUsername}}
}

func (s *Server) editMessageText(w http.ResponseWriter, r *http.Request, chat int64) {
	id, _ := strconv.Atoi(r.FormValue("message_id"))
	text, raw, m, ok := messageForm(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, msg := range s.sent[chat] {
		if msg.ID == id {
			if msg.Text == text && len(m.Inline) == 0 && len(msg.Buttons) == 0 {
				writeErr(w, 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message", 0)
				return
			}
			msg.Text, msg.HTML, msg.Buttons = text, raw, m.Inline
			msg.Edits++
			s.notify()
			writeOK(w, apiMessage(msg))
			return
		}
	}
	writeErr(w, 400, "Bad Request: message to edit not found", 0)
}

func (s *Server) answerCallback(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("callback_query_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.pending[id] {
		writeErr(w, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid", 0)
		return
	}
	delete(s.pending, id)
	s.answered[id] = r.FormValue("text")
	s.notify()
	writeOK(w, true)
}

// Push queues an update (the fields of an Update besides update_id) and
// returns its update_id.
func (s *Server) Push(fields map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpd++
	raw := map[string]any{"update_id": s.nextUpd}
	for k, v := range fields {
		raw[k] = v
	}
	if cq, ok := fields["callback_query"].(map[string]any); ok {
		s.pending[cq["id"].(string)] = true
	}
	s.queue = append(s.queue, update{id: s.nextUpd, raw: raw})
	s.notify()
	return s.nextUpd
}

// SkipUpdateIDs makes update ids jump, as Telegram's may.
func (s *Server) SkipUpdateIDs(n int) {
	s.mu.Lock()
	s.nextUpd += n
	s.mu.Unlock()
}

// Messages returns what the bot sent to chat, oldest first.
func (s *Server) Messages(chat int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.sent[chat]))
	for i, m := range s.sent[chat] {
		out[i] = *m
	}
	return out
}

// AllMessages returns everything the bot sent, in order.
func (s *Server) AllMessages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.all))
	for i, m := range s.all {
		out[i] = *m
	}
	return out
}

// Answered reports whether callback id was answered, and with what text.
func (s *Server) Answered(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.answered[id]
	return t, ok
}
