package telegram

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"net/http"

	"bmjbt/monitoring"
)

// DeriveSecret makes a webhook secret from the token when none is
// configured: stable across restarts, and unknowable without the token.
func DeriveSecret(token string) string {
	sum := sha256.Sum256([]byte("bmjbt-webhook:" + token))
	return hex.EncodeToString(sum[:16])
}

// Webhook returns the handler Telegram posts updates to. It answers 401
// without the right secret header, and 200 only after the update is stored,
// so Telegram redelivers anything we failed to keep.
func (a *Adapter) Webhook(secret string, stored func()) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "update too large", http.StatusRequestEntityTooLarge)
			return
		}
		// One we cannot read is stored set aside and answered 200 too:
		// Telegram would only send it again.
		n, err := a.db.PutInbox(r.Context(), []monitoring.InboxItem{a.item(body)})
		if err != nil {
			a.log.Error("telegram webhook: cannot store update; Telegram will retry", "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		a.count(1, n)
		a.status.set(true, nil)
		if stored != nil {
			stored()
		}
		w.WriteHeader(http.StatusOK)
	})
}
