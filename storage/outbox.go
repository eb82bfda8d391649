package storage

import (
	"bmjbt/monitoring"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Enqueue adds a reply to the outbox, inside the transaction that caused it:
// nothing is sent until that transaction commits.
func (tx *Tx) Enqueue(ctx context.Context, it monitoring.OutboxItem) error {
	if it.CollapseKey != "" {
		if _, err := tx.exec(ctx, `UPDATE outbox SET status = 'superseded' WHERE municipality = ? AND channel = ? AND chat_id = ?
			AND collapse_key = ? AND status = 'pending' AND attempts = 0`,
			it.Municipality, it.Channel, it.ChatID, it.CollapseKey); err != nil {
			return fmt.Errorf("supersede reply: %w", err)
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO outbox (municipality, channel, chat_id, payload, collapse_key, next_attempt_at, created_at, not_before)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, it.Municipality, it.Channel, it.ChatID, string(it.Payload), it.CollapseKey, tx.now, tx.now, tx.notBefore(it))
	if err != nil {
		return fmt.Errorf("enqueue reply: %w", err)
	}
	return nil
}

func (tx *Tx) notBefore(it monitoring.OutboxItem) time.Time {
	if it.NotBefore.After(tx.now) {
		return it.NotBefore.UTC()
	}
	return tx.now
}

// EnqueueID adds one reply and returns its outbox id, so a later reply can
// edit the message it becomes (an entry's card in the group chat).
func (tx *Tx) EnqueueID(ctx context.Context, it monitoring.OutboxItem) (int64, error) {
	id, err := tx.insertID(ctx, `INSERT INTO outbox (municipality, channel, chat_id, payload, collapse_key, next_attempt_at, created_at, not_before)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, it.Municipality, it.Channel, it.ChatID, string(it.Payload), it.CollapseKey, tx.now, tx.now, tx.notBefore(it))
	if err != nil {
		return 0, fmt.Errorf("enqueue reply: %w", err)
	}
	return id, nil
}

// Supersede drops still-unsent replies with the collapse key (a status
// change undone before the resident heard of it).
func (tx *Tx) Supersede(ctx context.Context, municipality, collapseKey string) error {
	if _, err := tx.exec(ctx, `UPDATE outbox SET status = 'superseded' WHERE municipality = ? AND collapse_key = ? AND status = 'pending'`,
		municipality, collapseKey); err != nil {
		return fmt.Errorf("supersede reply: %w", err)
	}
	return nil
}

// MoveMessageRef records that the message a reply became is now another
// one (a card sent anew after its message was deleted).
func (db *DB) MoveMessageRef(ctx context.Context, outboxID int64, ref string) error {
	if _, err := db.exec(ctx, `UPDATE outbox SET message_ref = ? WHERE id = ?`, ref, outboxID); err != nil {
		return fmt.Errorf("record message ref: %w", err)
	}
	return nil
}

// MessageRef is the channel's id of the message an outbox row became, or
// "" while it is not sent.
func (db *DB) MessageRef(ctx context.Context, outboxID int64) (string, error) {
	var ref string
	err := db.get(ctx, &ref, `SELECT message_ref FROM outbox WHERE id = ? AND status = 'sent'`, outboxID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read message ref: %w", err)
	}
	return ref, nil
}

// Outbox priorities: lower goes first. Interactive is every reply the
// engine writes; Bulk is a campaign's rows.
const (
	Interactive = 0
	Bulk        = 1
)

// dueOutbox is what makes a reply ready to send now: every earlier reply
// to its chat is ready too, so a chat's messages go out in order even
// across retries. (A reply held back until later on purpose does not hold
// up the chat.) SQLite checks each candidate's chat through the index of
// pending rows by chat, walking the candidates in id order (outbox_due).
const dueOutbox = `SELECT o.id, o.municipality, o.channel, o.chat_id, o.payload, o.collapse_key, o.attempts, o.created_at
	FROM outbox o
	WHERE o.municipality = ? AND o.channel = ? AND o.status = 'pending' AND o.next_attempt_at <= ?
	  AND (o.not_before IS NULL OR o.not_before <= ?)
	  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.municipality = o.municipality AND p.channel = o.channel
	                  AND p.chat_id = o.chat_id AND p.status = 'pending' AND p.id < o.id
	                  AND (p.not_before IS NULL OR p.not_before <= ?) AND p.next_attempt_at > ?)`

// dueOutboxPostgres is dueOutbox for PostgreSQL: the replies waiting for a
// retry are found once, by when they are due (outbox_retry), and kept
// aside. Checked per candidate, the planner walked them again for each of
// the 500, which with a deep outbox cost a tenth of a second per read.
const dueOutboxPostgres = `WITH held AS MATERIALIZED (
		SELECT chat_id, MIN(id) AS first FROM outbox
		WHERE municipality = ? AND channel = ? AND status = 'pending' AND next_attempt_at > ?
		  AND (not_before IS NULL OR not_before <= ?)
		GROUP BY chat_id)
	SELECT o.id, o.municipality, o.channel, o.chat_id, o.payload, o.collapse_key, o.attempts, o.created_at
	FROM outbox o
	WHERE o.municipality = ? AND o.channel = ? AND o.status = 'pending' AND o.next_attempt_at <= ?
	  AND (o.not_before IS NULL OR o.not_before <= ?)
	  AND NOT EXISTS (SELECT 1 FROM held h WHERE h.chat_id = o.chat_id AND h.first < o.id)`

// due is the query of due replies for the dialect, and its arguments.
func (db *DB) due(municipality, channel string, now time.Time) (string, []any) {
	if db.Dialect == Postgres {
		return dueOutboxPostgres, []any{municipality, channel, now, now, municipality, channel, now, now}
	}
	return dueOutbox, []any{municipality, channel, now, now, now, now}
}

// DueOutbox returns replies ready to send now, in the order to send them:
// interactive replies first (with any bulk row that comes before one in its
// chat, so each chat keeps its order), then bulk rows; oldest first within
// each. A campaign never holds up a resident's reply.
func (db *DB) DueOutbox(ctx context.Context, municipality, channel string, limit int) ([]monitoring.OutboxRow, error) {
	var rows []monitoring.OutboxRow
	q, args := db.due(municipality, channel, db.now())
	err := db.sel(ctx, &rows, q+`
		  AND (o.priority = 0 OR EXISTS (SELECT 1 FROM outbox i WHERE i.municipality = o.municipality AND i.channel = o.channel
		                  AND i.chat_id = o.chat_id AND i.status = 'pending' AND i.priority = 0 AND i.id > o.id))
		ORDER BY o.id LIMIT ?`, append(args[:len(args):len(args)], limit)...)
	if err != nil {
		return nil, fmt.Errorf("read due outbox: %w", err)
	}
	if len(rows) == limit {
		return rows, nil
	}
	// Bulk rows fill what is left; the partial index on bulk rows makes
	// this cheap when no campaign is sending.
	var bulk []monitoring.OutboxRow
	err = db.sel(ctx, &bulk, q+` AND o.priority > 0 ORDER BY o.id LIMIT ?`, append(args[:len(args):len(args)], limit)...)
	if err != nil {
		return nil, fmt.Errorf("read due bulk outbox: %w", err)
	}
	seen := make(map[int64]bool, len(rows))
	for _, r := range rows {
		seen[r.ID] = true
	}
	for _, r := range bulk {
		if len(rows) == limit {
			break
		}
		if !seen[r.ID] {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// RecordDeliveries writes a batch of outcomes in one transaction, so a busy
// sender does not pay a commit per message.
func (db *DB) RecordDeliveries(ctx context.Context, ds []monitoring.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var sent []monitoring.Delivery
		for _, d := range ds {
			var err error
			switch d.Status {
			case monitoring.OutboxSent:
				sent = append(sent, d)
			case monitoring.OutboxFailed:
				_, err = tx.exec(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = ? WHERE id = ?`, d.Error, d.ID)
			case monitoring.OutboxPending:
				_, err = tx.exec(ctx, `UPDATE outbox SET attempts = attempts + 1, error = ?, next_attempt_at = ? WHERE id = ?`,
					d.Error, d.RetryAt.UTC(), d.ID)
			default:
				err = fmt.Errorf("unknown delivery status %q", d.Status)
			}
			if err != nil {
				return fmt.Errorf("record delivery of outbox %d: %w", d.ID, err)
			}
		}
		return tx.markSent(ctx, sent)
	})
}

// markSent records many deliveries in one statement per chunk: a busy
// sender writes a row for each reply, and on PostgreSQL every statement is
// a round trip.
func (tx *Tx) markSent(ctx context.Context, ds []monitoring.Delivery) error {
	const perStatement = 300
	for len(ds) > 0 {
		chunk := ds[:min(perStatement, len(ds))]
		ds = ds[len(chunk):]
		var refs, ids strings.Builder
		args := make([]any, 0, 1+3*len(chunk))
		args = append(args, tx.now)
		for _, d := range chunk {
			refs.WriteString(" WHEN ? THEN ?")
			args = append(args, d.ID, d.MessageRef)
		}
		for i, d := range chunk {
			if i > 0 {
				ids.WriteString(", ")
			}
			ids.WriteString("?")
			args = append(args, d.ID)
		}
		q := `UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, error = '',
			message_ref = CASE id` + refs.String() + ` END WHERE id IN (` + ids.String() + `)`
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("record %d deliveries: %w", len(chunk), err)
		}
	}
	return nil
}

// OutboxDepth counts replies not yet delivered.
func (db *DB) OutboxDepth(ctx context.Context, municipality string) (int, error) {
	var n int
	if err := db.get(ctx, &n, `SELECT COUNT(*) FROM outbox WHERE municipality = ? AND status = 'pending'`, municipality); err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}

// EnqueueAll adds many replies in one statement per few hundred rows. Within
// the batch, a reply with a collapse key replaces earlier ones with the same
// chat and key; pending rows from earlier batches are superseded as Enqueue does.
func (tx *Tx) EnqueueAll(ctx context.Context, items []monitoring.OutboxItem) error {
	type ck struct{ muni, channel, chat, key string }
	last := map[ck]int{}
	for i, it := range items {
		if it.CollapseKey != "" {
			last[ck{it.Municipality, it.Channel, it.ChatID, it.CollapseKey}] = i
		}
	}
	kept := items[:0:0]
	for i, it := range items {
		k := ck{it.Municipality, it.Channel, it.ChatID, it.CollapseKey}
		if it.CollapseKey != "" && last[k] != i {
			continue
		}
		kept = append(kept, it)
	}
	keys := make([]ck, 0, len(last))
	for k := range last {
		keys = append(keys, k)
	}
	// On PostgreSQL every key goes in one statement per chunk: every
	// statement is a round trip there. SQLite, in process, keeps one small
	// prepared statement per key: for an OR of keys its planner, without
	// statistics, walks all of a channel's rows.
	keysPer := 100
	if tx.db.Dialect != Postgres {
		keysPer = 1
	}
	for len(keys) > 0 {
		chunk := keys[:min(keysPer, len(keys))]
		keys = keys[len(chunk):]
		var b strings.Builder
		args := make([]any, 0, 4*len(chunk))
		for i, k := range chunk {
			if i > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString("(municipality = ? AND channel = ? AND chat_id = ? AND collapse_key = ?)")
			args = append(args, k.muni, k.channel, k.chat, k.key)
		}
		if _, err := tx.exec(ctx, `UPDATE outbox SET status = 'superseded' WHERE status = 'pending' AND attempts = 0 AND (`+b.String()+`)`, args...); err != nil {
			return fmt.Errorf("supersede %d replies: %w", len(chunk), err)
		}
	}
	const perStatement = 300
	for len(kept) > 0 {
		chunk := kept[:min(perStatement, len(kept))]
		kept = kept[len(chunk):]
		var b strings.Builder
		b.WriteString(`INSERT INTO outbox (municipality, channel, chat_id, payload, collapse_key, next_attempt_at, created_at, not_before) VALUES `)
		args := make([]any, 0, len(chunk)*8)
		for i, it := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, it.Municipality, it.Channel, it.ChatID, string(it.Payload), it.CollapseKey, tx.now, tx.now, tx.notBefore(it))
		}
		if _, err := tx.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("enqueue replies: %w", err)
		}
	}
	return nil
}

// CreateCampaign stores a bulk send (a survey to thousands): the payload
// once, and its recipients once each, in their order. Nothing is queued
// yet: FeedCampaigns moves them into the outbox a chunk at a time.
func (db *DB) CreateCampaign(ctx context.Context, municipality, channel, name string, recipients []string, payload []byte) (int64, error) {
	var id int64
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.createCampaign(ctx, municipality, channel, name, recipients, payload)
		return err
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

func (tx *Tx) createCampaign(ctx context.Context, municipality, channel, name string, recipients []string, payload []byte) (int64, error) {
	seen := make(map[string]bool, len(recipients))
	chats := make([]string, 0, len(recipients))
	for _, r := range recipients {
		if r != "" && !seen[r] {
			seen[r] = true
			chats = append(chats, r)
		}
	}
	id, err := tx.insertID(ctx, `INSERT INTO campaigns (municipality, channel, name, payload, recipients, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		municipality, channel, name, string(payload), len(chats), tx.now)
	if err != nil {
		return 0, fmt.Errorf("create campaign: %w", err)
	}
	const perStatement = 300
	for start := 0; start < len(chats); start += perStatement {
		chunk := chats[start:min(start+perStatement, len(chats))]
		args := make([]any, 0, 3*len(chunk))
		for i, c := range chunk {
			args = append(args, id, start+i+1, c)
		}
		q := `INSERT INTO campaign_recipients (campaign_id, seq, chat_id) VALUES (?, ?, ?)` + strings.Repeat(", (?, ?, ?)", len(chunk)-1)
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return 0, fmt.Errorf("store campaign recipients: %w", err)
		}
	}
	return id, nil
}

// FeedCampaigns queues the next chunk of recipients of every campaign of
// the municipality that has fewer than below rows waiting in the outbox,
// as bulk rows, and returns how many it queued. Each chunk is queued once:
// the campaign's row is locked while its counter moves.
func (db *DB) FeedCampaigns(ctx context.Context, municipality string, chunk, below int) (int, error) {
	var active int
	if err := db.get(ctx, &active, `SELECT COUNT(*) FROM campaigns WHERE municipality = ? AND queued < recipients`, municipality); err != nil {
		return 0, fmt.Errorf("look for campaigns to feed: %w", err)
	}
	if active == 0 {
		return 0, nil // idle: no write lock taken
	}
	queued := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		queued = 0
		var cs []struct {
			ID         int64 `db:"id"`
			Recipients int   `db:"recipients"`
			Queued     int   `db:"queued"`
		}
		if err := tx.sel(ctx, &cs, `SELECT id, recipients, queued FROM campaigns WHERE municipality = ? AND queued < recipients ORDER BY id`+tx.forUpdate(),
			municipality); err != nil {
			return fmt.Errorf("read campaigns: %w", err)
		}
		for _, c := range cs {
			var pending int
			if err := tx.get(ctx, &pending, `SELECT COUNT(*) FROM outbox WHERE campaign_id = ? AND status = 'pending'`, c.ID); err != nil {
				return fmt.Errorf("count campaign %d's waiting rows: %w", c.ID, err)
			}
			if pending >= below {
				continue
			}
			upto := min(c.Queued+chunk, c.Recipients)
			if _, err := tx.exec(ctx, `UPDATE campaigns SET queued = ?, queued_at = ? WHERE id = ?`, upto, tx.now, c.ID); err != nil {
				return fmt.Errorf("advance campaign %d: %w", c.ID, err)
			}
			// Every value comes from a column or a literal, so PostgreSQL
			// knows its type without casts that SQLite would misread.
			if _, err := tx.exec(ctx, `INSERT INTO outbox (municipality, channel, chat_id, payload, next_attempt_at, created_at, priority, campaign_id)
				SELECT c.municipality, c.channel, r.chat_id, c.payload, c.queued_at, c.queued_at, `+strconv.Itoa(Bulk)+`, c.id
				FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
				WHERE r.campaign_id = ? AND r.seq > ? AND r.seq <= ? ORDER BY r.seq`, c.ID, c.Queued, upto); err != nil {
				return fmt.Errorf("queue campaign %d: %w", c.ID, err)
			}
			queued += upto - c.Queued
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return queued, nil
}

// Campaign is how far a campaign got.
type Campaign struct {
	ID         int64
	Name       string
	Recipients int // after dropping repeats
	Queued     int // put into the outbox so far
	Pending    int // of those, still waiting
	Sent       int
	Failed     int
}

// Done reports whether every recipient's message was delivered or given up.
func (c Campaign) Done() bool { return c.Queued == c.Recipients && c.Pending == 0 }

// CampaignProgress reports how far a campaign got.
func (db *DB) CampaignProgress(ctx context.Context, id int64) (Campaign, error) {
	c := Campaign{ID: id}
	var head struct {
		Name       string `db:"name"`
		Recipients int    `db:"recipients"`
		Queued     int    `db:"queued"`
	}
	if err := db.get(ctx, &head, `SELECT name, recipients, queued FROM campaigns WHERE id = ?`, id); err != nil {
		return c, fmt.Errorf("read campaign %d: %w", id, err)
	}
	c.Name, c.Recipients, c.Queued = head.Name, head.Recipients, head.Queued
	var counts []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := db.sel(ctx, &counts, `SELECT status, COUNT(*) AS n FROM outbox WHERE campaign_id = ? GROUP BY status`, id); err != nil {
		return c, fmt.Errorf("count campaign %d's rows: %w", id, err)
	}
	for _, s := range counts {
		switch s.Status {
		case monitoring.OutboxPending:
			c.Pending = s.N
		case monitoring.OutboxSent:
			c.Sent = s.N
		default:
			c.Failed += s.N
		}
	}
	return c, nil
}

// PendingNotices are the replies to a chat still held back under a collapse
// key starting with prefix, with when each is due: the notices a resident
// has not seen yet.
func (tx *Tx) PendingNotices(ctx context.Context, municipality, channel, chatID, prefix string) ([]monitoring.OutboxItem, error) {
	var rows []struct {
		Key       string    `db:"collapse_key"`
		NotBefore time.Time `db:"not_before"`
	}
	err := tx.sel(ctx, &rows, `SELECT collapse_key, not_before FROM outbox WHERE municipality = ? AND channel = ? AND chat_id = ?
		AND status = 'pending' AND attempts = 0 AND collapse_key LIKE ? AND not_before > ? ORDER BY id`,
		municipality, channel, chatID, prefix+"%", tx.now)
	if err != nil {
		return nil, fmt.Errorf("read waiting notices: %w", err)
	}
	out := make([]monitoring.OutboxItem, len(rows))
	for i, r := range rows {
		out[i] = monitoring.OutboxItem{Municipality: municipality, Channel: channel, ChatID: chatID, CollapseKey: r.Key, NotBefore: r.NotBefore}
	}
	return out, nil
}
