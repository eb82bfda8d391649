package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"go.mau.fi/whatsmeow"

	"bmjbt/bot"
	"bmjbt/monitoring"
)

// Fetch downloads residents' media into the store until ctx is done (see
// bot.Fetcher).
func (a *Adapter) Fetch(ctx context.Context, wake <-chan struct{}) error {
	return a.fetcher.Run(ctx, wake)
}

// FetchDue fetches every file due now and returns how many it stored.
func (a *Adapter) FetchDue(ctx context.Context) (int, error) { return a.fetcher.Due(ctx) }

func (a *Adapter) newFetcher() *bot.Fetcher {
	return &bot.Fetcher{DB: a.db, Muni: a.muni.Code, Channel: string(monitoring.WhatsApp), Log: a.log, Metrics: a.metrics,
		Download: a.download,
		Final: func(_ monitoring.Media, err error) (monitoring.MediaState, bool) {
			switch {
			case errors.Is(err, errTooLarge):
				return monitoring.MediaTooLarge, true
			case errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404), errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith410):
				// Expired media (WhatsApp keeps files a few weeks) will not come back.
				return monitoring.MediaFailed, true
			}
			return "", false
		}}
}

var (
	errNotDownloadable = errors.New("not a downloadable message")
	errTooLarge        = fmt.Errorf("file is larger than %d MB", monitoring.MaxMediaBytes>>20)
)

// download fetches one file, stopping as soon as it passes the size limit:
// the size the sender declares is not trusted.
func (a *Adapter) download(ctx context.Context, m monitoring.Media) ([]byte, error) {
	msg, err := media(m.FileID)
	if err != nil {
		return nil, err
	}
	d, ok := msg.(whatsmeow.DownloadableMessage)
	if !ok {
		return nil, errNotDownloadable
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	// The encrypted file carries a 10-byte MAC and up to 16 bytes of
	// padding beyond the plain file.
	f := &memFile{limit: monitoring.MaxMediaBytes + 32}
	if err := a.cli.DownloadToFile(ctx, d, f); err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, errTooLarge
		}
		return nil, err
	}
	if len(f.data) > monitoring.MaxMediaBytes {
		return nil, errTooLarge
	}
	return f.data, nil
}

// memFile is the file whatsmeow downloads into (it writes, seeks back,
// checks the MAC and decrypts in place), kept in memory and refusing to
// grow past limit.
type memFile struct {
	data  []byte
	off   int64
	limit int64
}

func (f *memFile) grow(end int64) error {
	if end > f.limit {
		return errTooLarge
	}
	if end > int64(len(f.data)) {
		f.data = append(f.data, make([]byte, int(end)-len(f.data))...)
	}
	return nil
}

func (f *memFile) Write(p []byte) (int, error) {
	n, err := f.WriteAt(p, f.off)
	f.off += int64(n)
	return n, err
}

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.grow(off + int64(len(p))); err != nil {
		return 0, err
	}
	return copy(f.data[off:], p), nil
}

func (f *memFile) Read(p []byte) (int, error) {
	n, err := f.ReadAt(p, f.off)
	f.off += int64(n)
	return n, err
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		offset += int64(len(f.data))
	}
	if offset < 0 {
		return 0, errors.New("seek before the start")
	}
	f.off = offset
	return offset, nil
}

func (f *memFile) Truncate(size int64) error {
	if size < int64(len(f.data)) {
		f.data = f.data[:size]
		return nil
	}
	return f.grow(size)
}

func (f *memFile) Stat() (os.FileInfo, error) { return memInfo(len(f.data)), nil }

// memInfo is what Stat says of a memFile: its size.
type memInfo int64

func (i memInfo) Name() string       { return "download" }
func (i memInfo) Size() int64        { return int64(i) }
func (i memInfo) Mode() fs.FileMode  { return 0o600 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
