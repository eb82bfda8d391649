package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// The framework's input modes and frame stack, on both databases, with a
// flow of its own: a number within bounds, a date, words, a choice.

type trial struct {
	Count int       `json:"count"`
	Day   time.Time `json:"day"`
	Name  string    `json:"name"`
	Pick  string    `json:"pick"`
}

func trialFlow() flow {
	ask := func(name, prompt string, opts ...Option) func(t *turn) error {
		return func(t *turn) error { return t.askMenu(name, prompt, 1, opts) }
	}
	return flow{
		steps: map[string]*step{
			"t.count": {accepts: inNumber, min: 1, max: 5, ask: ask("t.count", "How many?"), input: func(t *turn) error {
				dialogueData[trial](t).Count, _ = readNumber(t.u.Text)
				return t.ask("t.day")
			}},
			"t.day": {accepts: inDate, ask: ask("t.day", "Which day?"), input: func(t *turn) error {
				dialogueData[trial](t).Day, _ = readDate(t.u.Text)
				return t.ask("t.name")
			}},
			"t.name": {accepts: inText, ask: ask("t.name", "Whose?"), input: func(t *turn) error {
				dialogueData[trial](t).Name = strings.TrimSpace(t.u.Text)
				return t.ask("t.pick")
			}},
			"t.pick": {accepts: inChoice, ask: ask("t.pick", "Which one?", Option{Label: "Alma", Data: "a"}, Option{Label: "Beta", Data: "b"}),
				choose: func(t *turn, data string) error {
					d := *dialogueData[trial](t)
					t.end()
					return t.say(fmt.Sprintf("done: %d %s %s %s", d.Count, d.Day.Format("2006-01-02"), d.Name, data))
				}},
		},
		commands: map[string]memberCommand{"try": {run: func(t *turn, _ monitoring.Member, _ string) error {
			return t.start("t.count", &trial{})
		}}},
	}
}

type testStore struct{ *storage.DB }

func (s testStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.DB.InTx(ctx, func(tx *storage.Tx) error { return fn(tx) })
}

// chat types one message at a time on a numbered channel and returns the
// replies to it.
type chat struct {
	t   *testing.T
	db  *storage.DB
	e   *Engine
	n   int
	got int
}

func (c *chat) say(text string) []string {
	c.t.Helper()
	c.n++
	u := Update{Channel: monitoring.Console, ChatID: "u1", ChatKind: Private, UserID: "u1", Kind: KindText, Text: text, MessageID: fmt.Sprint(c.n)}
	if text == "" {
		u.Kind = KindMedia
		u.File = &File{ID: "f", Kind: monitoring.Photo, Size: 10}
	}
	ctx := context.Background()
	if _, err := c.db.PutInbox(ctx, []monitoring.InboxItem{{Municipality: c.e.Muni.Code, Channel: "console", ExternalID: fmt.Sprint(c.n), ChatID: "u1", Payload: u.Encode()}}); err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.e.Drain(ctx); err != nil {
		c.t.Fatal(err)
	}
	var rows []string
	if err := c.db.SQL().Select(&rows, `SELECT payload FROM outbox WHERE chat_id = 'u1' ORDER BY id`); err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for _, p := range rows[c.got:] {
		var r Reply
		json.Unmarshal([]byte(p), &r)
		out = append(out, RenderNumbered(c.e.Catalog, r, false))
	}
	c.got = len(rows)
	return out
}

func (c *chat) expect(text string, want ...string) {
	c.t.Helper()
	got := strings.Join(c.say(text), "\n---\n")
	var errs []string
	c.db.SQL().Select(&errs, `SELECT error FROM inbox WHERE error <> ''`)
	if len(errs) > 0 {
		c.t.Fatalf("inbox errors: %v", errs)
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			c.t.Fatalf("after %q: no %q in\n%s", text, w, got)
		}
	}
}

func TestInputModesAndTheFrameStack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := NewEngine(testStore{db}, storagetest.Municipality(t), slog.New(slog.DiscardHandler))
		e.register(trialFlow())
		if err := db.InTx(context.Background(), func(tx *storage.Tx) error {
			r, err := tx.Resident(context.Background(), e.Muni.Code, monitoring.Console, "u1", "u1")
			if err != nil {
				return err
			}
			return tx.SetResidentLang(context.Background(), r.ID, monitoring.Russian)
		}); err != nil {
			t.Fatal(err)
		}
		c := &chat{t: t, db: db, e: e}
		c.expect("/try", "How many?")
		c.expect("7", "число от 1 до 5", "How many?") // out of bounds
		c.expect("много", "число от 1 до 5")          // a word
		c.expect("3", "Which day?")
		c.expect("31.02.2026", "например 14.10.2025", "Which day?") // no such day
		c.expect("14.10.2025", "Whose?")
		c.expect("", "словами", "Whose?")                            // a photo where words are asked
		c.expect("/help", "Что я умею", "Whose?")                    // an interruption, then the question again
		c.expect("назад", "Which day?", "Прежний ответ: 14.10.2025") // back, with the answer
		c.expect("2025-10-15", "Whose?")
		c.expect("Айгүл", "Which one?", "1. Alma", "2. Beta")
		c.expect("3", "номер из списка: от 1 до 2") // no third option
		c.expect("/lang", "Выберите язык")          // on top of the open question
		c.expect("9", "от 1 до 2")
		c.expect("2", "по-русски", "Which one?") // the language, then the open question
		c.expect("Beta", "done: 3 2025-10-15 Айгүл b")
		c.expect("/try", "How many?")
		c.expect("/cancel", "Отменено")
		c.expect("2", "В каком селе") // nothing open: a new complaint with the words
	})
}
