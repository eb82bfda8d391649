// Package console is the terminal channel: type as a resident would and
// read the bot's answers, with no token and no network. Menus are numbered.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// ChatID is the console's one chat, and its one user.
const ChatID = "console"

// Console reads lines from In and prints replies to Out.
type Console struct {
	db   bot.Channel
	muni *monitoring.Municipality
	cat  *catalog.Catalog
	log  *slog.Logger

	In     io.Reader
	mu     sync.Mutex
	Out    io.Writer
	Sender *bot.Sender
	// EOF, when set, is called at the end of input.
	EOF func()
}

// New returns the console channel.
func New(db bot.Channel, m *monitoring.Municipality, in io.Reader, out io.Writer, log *slog.Logger) *Console {
	c := &Console{db: db, muni: m, cat: catalog.Default(), log: log, In: in, Out: out}
	c.Sender = bot.NewSender(db, m.Code, string(monitoring.Console), c, bot.Limits{Global: rate.Inf, Workers: 1}, log)
	return c
}

// Read stores each line typed as an update until In ends or ctx is done.
// It returns nil at the end of input.
func (c *Console) Read(ctx context.Context, stored func()) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.In)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	// Ids must not repeat across runs: the inbox drops a repeated id.
	run := time.Now().UnixNano()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if c.EOF != nil {
				c.EOF()
			}
			return err
		case line := <-lines:
			u := bot.Update{Channel: monitoring.Console, ChatID: ChatID, ChatKind: bot.Private, UserID: ChatID,
				MessageID: fmt.Sprint(n), Kind: bot.KindText, Text: line}
			if strings.TrimSpace(line) == "" {
				u.Kind = bot.KindEmpty
			}
			item := monitoring.InboxItem{Municipality: c.muni.Code, Channel: string(monitoring.Console),
				ExternalID: fmt.Sprintf("l:%d:%d", run, n), ChatID: ChatID, Payload: u.Encode()}
			if _, err := c.db.PutInbox(ctx, []monitoring.InboxItem{item}); err != nil {
				return fmt.Errorf("store console line: %w", err)
			}
			if stored != nil {
				stored()
			}
		}
	}
}

// Deliver prints a reply. Button acknowledgements and edits have no
// meaning on a terminal.
func (c *Console) Deliver(_ context.Context, _ bot.OutboxKey, _ string, r bot.Reply) (string, error) {
	if r.CallbackID != "" || r.EditMessageID != "" {
		return "", nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.MediaID != 0 { // a terminal cannot show a file; say where it is
		_, err := fmt.Fprintf(c.Out, "\n[file %d] %s\n> ", r.MediaID, r.Text)
		return "", err
	}
	_, err := fmt.Fprintf(c.Out, "\n%s\n> ", bot.RenderNumbered(c.cat, r, false))
	return "", err
}
