package telegramtest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"testing"
)

// FreeAddr is a loopback address no one listens on, for a server a test
// starts itself (with a webhook URL that must name its port first). The
// port is taken below Linux's ephemeral range (32768 and up), so the
// ":0" listeners of tests running beside it are never given the same one
// between this check and the server's own listen.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	for range 100 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		ln.Close()
		return addr
	}
	tb.Fatal("no free port between 20000 and 32000")
	return ""
}
