package telegramtest

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// Waiting on what the bot did, within one generous deadline, and holding the bot to a pace.

// WaitTimeout bounds every wait: it is a guard against a hung test, not a
// measure of speed.
var WaitTimeout = 60 * time.Second

// Wait blocks until cond (called under the server's lock) holds, or fails
// the test after WaitTimeout.
func (s *Server) Wait(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	for {
		s.mu.Lock()
		ok := cond()
		changed := s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			tb.Fatalf("telegramtest: gave up waiting for %s", what)
		}
	}
}

// WaitUntil is Wait for a condition that reads the server through its
// public methods (it is called without the lock).
func (s *Server) WaitUntil(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			tb.Fatalf("telegramtest: gave up waiting for %s", what)
		}
	}
}

// Limit makes the fake hold the bot to perSecond messages a second over all
// chats, as Telegram does: beyond it a message is refused with 429 and
// retry_after 1. 0 lifts the limit.
func (s *Server) Limit(perSecond int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit = nil
	if perSecond > 0 {
		s.limit = rate.NewLimiter(rate.Limit(perSecond), perSecond)
	}
}

// Refused reports how many messages Limit refused.
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}
