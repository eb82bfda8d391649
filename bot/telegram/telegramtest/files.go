package telegramtest

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// Files: documents the bot sends, and files users send that the bot fetches.

type file struct {
	path string
	data []byte
	size int // as Telegram reports it; may exceed len(data) to test limits
}

func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request, chat int64) {
	var doc Document
	if f, hdr, err := r.FormFile("document"); err == nil {
		defer f.Close()
		data, _ := io.ReadAll(f)
		doc = Document{Name: hdr.Filename, Data: data}
	} else if id := r.FormValue("document"); id != "" { // a file Telegram already has
		s.mu.Lock()
		known, ok := s.files[id]
		s.mu.Unlock()
		if !ok {
			writeErr(w, 400, "Bad Request: wrong file identifier/HTTP URL specified", 0)
			return
		}
		doc = Document{Name: known.path, Data: known.data}
	} else {
		writeErr(w, 400, "Bad Request: there is no document in the request", 0)
		return
	}
	s.mu.Lock()
	msg := &Message{ID: s.nextMessageID(chat), ChatID: chat, Text: r.FormValue("caption"), Document: &doc, At: time.Now()}
	s.sent[chat] = append(s.sent[chat], msg)
	s.all = append(s.all, msg)
	s.notify()
	s.mu.Unlock()
	writeOK(w, apiMessage(msg))
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("file_id")
	s.mu.Lock()
	f, ok := s.files[id]
	s.mu.Unlock()
	switch {
	case !ok:
		writeErr(w, 400, "Bad Request: invalid file_id", 0)
	case f.size > 20<<20:
		writeErr(w, 400, "Bad Request: file is too big", 0)
	default:
		writeOK(w, map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_size": f.size, "file_path": f.path})
	}
}

func (s *Server) download(w http.ResponseWriter, token, path string) {
	if token != Token {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		if f.path == path {
			w.Write(f.data)
			return
		}
	}
	http.NotFound(w, nil)
}

// AddFile makes a file downloadable and returns its file_id. size is what
// Telegram reports (0: the data's length).
func (s *Server) AddFile(data []byte, size int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("F%d", len(s.files)+1)
	if size == 0 {
		size = len(data)
	}
	s.files[id] = file{path: "documents/" + id + ".bin", data: data, size: size}
	return id
}
