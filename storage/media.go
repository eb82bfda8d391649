package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"bmjbt/monitoring"
)

const mediaColumns = `id, COALESCE(entry_id, 0) AS entry_id, COALESCE(resident_id, 0) AS resident_id, kind, channel, file_id, mime, size, state, error, attempts, created_at, fetched_at`

type mediaRow struct {
	ID        int64        `db:"id"`
	EntryID   int64        `db:"entry_id"`
	Resident  int64        `db:"resident_id"`
	Kind      string       `db:"kind"`
	Channel   string       `db:"channel"`
	FileID    string       `db:"file_id"`
	Mime      string       `db:"mime"`
	Size      int64        `db:"size"`
	State     string       `db:"state"`
	Error     string       `db:"error"`
	Attempts  int          `db:"attempts"`
	CreatedAt time.Time    `db:"created_at"`
	FetchedAt sql.NullTime `db:"fetched_at"`
}

func (r mediaRow) media() monitoring.Media {
	m := monitoring.Media{ID: r.ID, EntryID: r.EntryID, ResidentID: r.Resident, Kind: monitoring.MediaKind(r.Kind), Channel: monitoring.Channel(r.Channel),
		FileID: r.FileID, Mime: r.Mime, Size: r.Size, State: monitoring.MediaState(r.State), Error: r.Error,
		Attempts: r.Attempts, Created: r.CreatedAt}
	if r.FetchedAt.Valid {
		t := r.FetchedAt.Time
		m.Fetched = &t
	}
	return m
}

// AddMedia records a file a resident sent, before it belongs to an entry.
// A fetcher downloads it into the store outside of any conversation.
func (tx *Tx) AddMedia(ctx context.Context, municipality string, m monitoring.Media) (int64, error) {
	state := monitoring.MediaPending
	if m.Size > monitoring.MaxMediaBytes {
		state = monitoring.MediaTooLarge
	}
	var resident *int64
	if m.ResidentID != 0 {
		resident = &m.ResidentID
	}
	id, err := tx.insertID(ctx, `INSERT INTO media (municipality, channel, kind, file_id, mime, size, state, next_attempt_at, created_at, resident_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, municipality, string(m.Channel), string(m.Kind), m.FileID, m.Mime, m.Size, string(state), tx.now, tx.now, resident)
	if err != nil {
		return 0, fmt.Errorf("record media: %w", err)
	}
	return id, nil
}

// AttachMedia links draft media to the entry they were sent for.
func (tx *Tx) AttachMedia(ctx context.Context, entryID int64, ids []int64) error {
	for _, id := range ids {
		if _, err := tx.exec(ctx, `UPDATE media SET entry_id = ? WHERE id = ? AND entry_id IS NULL`, entryID, id); err != nil {
			return fmt.Errorf("attach media %d: %w", id, err)
		}
	}
	return nil
}

// DropDraftMedia deletes media of a draft the resident cancelled; media of
// registered entries are never deleted.
func (tx *Tx) DropDraftMedia(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if _, err := tx.exec(ctx, `DELETE FROM media_blobs WHERE media_id = ? AND media_id IN (SELECT id FROM media WHERE entry_id IS NULL)`, id); err != nil {
			return fmt.Errorf("drop draft media %d: %w", id, err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM media WHERE id = ? AND entry_id IS NULL`, id); err != nil {
			return fmt.Errorf("drop draft media %d: %w", id, err)
		}
	}
	return nil
}

// DueMedia returns files waiting to be fetched from a channel.
func (db *DB) DueMedia(ctx context.Context, municipality, channel string, limit int) ([]monitoring.Media, error) {
	var rows []mediaRow
	err := db.sel(ctx, &rows, `SELECT `+mediaColumns+` FROM media WHERE municipality = ? AND channel = ? AND state = 'pending'
		AND next_attempt_at <= ? ORDER BY id LIMIT ?`, municipality, channel, db.now(), limit)
	if err != nil {
		return nil, fmt.Errorf("read media to fetch: %w", err)
	}
	out := make([]monitoring.Media, len(rows))
	for i, r := range rows {
		out[i] = r.media()
	}
	return out, nil
}

// StoreMediaData keeps a fetched file in the database.
func (db *DB) StoreMediaData(ctx context.Context, municipality string, id int64, mime string, data []byte) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO media_blobs (media_id, municipality, data) VALUES (?, ?, ?)
			ON CONFLICT (media_id) DO UPDATE SET data = excluded.data`, id, municipality, data); err != nil {
			return fmt.Errorf("store media %d: %w", id, err)
		}
		if _, err := tx.exec(ctx, `UPDATE media SET state = 'stored', size = ?, mime = CASE WHEN ? <> '' THEN ? ELSE mime END,
			fetched_at = ?, attempts = attempts + 1, error = '' WHERE id = ?`, len(data), mime, mime, tx.now, id); err != nil {
			return fmt.Errorf("mark media %d stored: %w", id, err)
		}
		return nil
	})
}

// MediaFetchFailed records a failed fetch: state pending with retryAt to try
// again, or a final state (too large, failed).
func (db *DB) MediaFetchFailed(ctx context.Context, id int64, state monitoring.MediaState, errText string, retryAt time.Time) error {
	_, err := db.exec(ctx, `UPDATE media SET state = ?, error = ?, attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`,
		string(state), errText, retryAt.UTC(), id)
	if err != nil {
		return fmt.Errorf("record failed fetch of media %d: %w", id, err)
	}
	return nil
}

// EntryMedia lists the media of an entry.
func (db *DB) EntryMedia(ctx context.Context, entryID int64) ([]monitoring.Media, error) {
	var rows []mediaRow
	if err := db.sel(ctx, &rows, `SELECT `+mediaColumns+` FROM media WHERE entry_id = ? ORDER BY id`, entryID); err != nil {
		return nil, fmt.Errorf("read media of entry %d: %w", entryID, err)
	}
	out := make([]monitoring.Media, len(rows))
	for i, r := range rows {
		out[i] = r.media()
	}
	return out, nil
}

// MediaData returns the stored bytes of a file.
func (db *DB) MediaData(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := db.get(ctx, &data, `SELECT data FROM media_blobs WHERE media_id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, monitoring.Errorf(monitoring.ENOTFOUND, "media %d has no stored data", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read media %d: %w", id, err)
	}
	return data, nil
}

// MediaByID returns one file's record.
func (db *DB) MediaByID(ctx context.Context, id int64) (monitoring.Media, error) {
	var r mediaRow
	err := db.get(ctx, &r, `SELECT `+mediaColumns+` FROM media WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Media{}, monitoring.Errorf(monitoring.ENOTFOUND, "media %d not found", id)
	}
	if err != nil {
		return monitoring.Media{}, fmt.Errorf("read media %d: %w", id, err)
	}
	return r.media(), nil
}

// Files lists the files of an entry or of a request's answer, for members.
func (tx *Tx) Files(ctx context.Context, entryID, requestID int64) ([]monitoring.Media, error) {
	var rows []mediaRow
	q, arg := `SELECT `+mediaColumns+` FROM media WHERE entry_id = ? ORDER BY id`, entryID
	if requestID != 0 {
		q, arg = `SELECT `+mediaColumns+` FROM media WHERE request_id = ? ORDER BY id`, requestID
	}
	if err := tx.sel(ctx, &rows, q, arg); err != nil {
		return nil, fmt.Errorf("read files: %w", err)
	}
	out := make([]monitoring.Media, len(rows))
	for i, r := range rows {
		out[i] = r.media()
	}
	return out, nil
}

// MediaSender returns the resident who sent a file.
func (db *DB) MediaSender(ctx context.Context, id int64) (monitoring.Resident, error) {
	var r residentRow
	err := db.get(ctx, &r, `SELECT r.id, r.municipality, r.channel, r.user_ref, r.chat_id, r.lang, r.created_at
		FROM media m JOIN residents r ON r.id = m.resident_id WHERE m.id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Resident{}, monitoring.Errorf(monitoring.ENOTFOUND, "no sender known for media %d", id)
	}
	if err != nil {
		return monitoring.Resident{}, fmt.Errorf("read the sender of media %d: %w", id, err)
	}
	return r.resident(), nil
}
