package telegramtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// The webhook: the fake posts updates to the bot as Telegram does, with the secret header.

func (s *Server) setWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook.stop != nil {
		close(s.webhook.stop)
	}
	s.webhook.url, s.webhook.secret = r.FormValue("url"), r.FormValue("secret_token")
	s.webhook.stop = make(chan struct{})
	go s.pushWebhook(s.webhook.url, s.webhook.secret, s.webhook.stop)
	writeOK(w, true)
}

// pushWebhook delivers queued updates one at a time, in order, like
// Telegram: an update is confirmed by a 2xx answer and retried otherwise.
func (s *Server) pushWebhook(url, secret string, stop chan struct{}) {
	client := &http.Client{Timeout: 10 * time.Second}
	for {
		s.mu.Lock()
		changed := s.changed
		var next *update
		if len(s.queue) > 0 {
			next = &s.queue[0]
		}
		s.mu.Unlock()
		if next == nil {
			select {
			case <-stop:
				return
			case <-changed:
				continue
			}
		}
		body, _ := json.Marshal(next.raw)
		req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := client.Do(req)
		ok := err == nil && resp.StatusCode/100 == 2
		if resp != nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if ok {
			s.mu.Lock()
			if len(s.queue) > 0 && s.queue[0].id == next.id {
				s.queue = s.queue[1:]
				s.notify()
			}
			s.mu.Unlock()
			continue
		}
		select {
		case <-stop:
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}
