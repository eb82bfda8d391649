package documents_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"bmjbt/documents"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// exportEntries is the size of the journal the benchmark exports: many
// years of a large municipality.
const exportEntries = 100_000

// BenchmarkExport exports a journal of 100,000 entries from SQLite, as
// `bmjbt journal export` does: the bare walk over the store, then CSV and
// XLSX. It reports the bytes allocated per entry and the peak of the live
// heap, which stays far below the journal's size when rows stream.
func BenchmarkExport(b *testing.B) {
	db := storagetest.Open(b, storage.SQLite)
	muni := seedExport(b, db)
	size := dbSize(b, db)
	j := documents.Journal{Lang: monitoring.Kyrgyz, Muni: storagetest.Municipality(b)}
	lines := func(yield func(monitoring.JournalLine) error) error {
		return db.EachEntry(context.Background(), muni, monitoring.Filter{}, false, yield)
	}
	for _, bc := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"store", func(io.Writer) error { return lines(func(monitoring.JournalLine) error { return nil }) }},
		{"csv", func(w io.Writer) error { return j.WriteCSV(w, lines) }},
		{"xlsx", func(w io.Writer) error { return j.WriteXLSX(w, lines) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			peak := watchHeap()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				if err := bc.write(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N*exportEntries), "B/entry")
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(size)/(1<<20), "journal-MB")
		})
	}
}

// seedExport fills the journal in one statement: descriptions of a
// realistic length with a phone number in some, a resident's addition to
// every tenth entry and a photo with every fifth.
func seedExport(b *testing.B, db *storage.DB) string {
	b.Helper()
	muni := storagetest.Municipality(b).Code
	ctx := context.Background()
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ` + fmt.Sprint(exportEntries) + `)
		INSERT INTO entries (municipality, year, seq, status, village, service, description, channel, anonymous, created_at, updated_at)
		SELECT '` + muni + `', 2025, i, 'received', 'masy', 'water',
			'Кызыл-Туу айылында үч күндөн бери ичүүчү суу жок. Мектептин жанындагы түтүк жарылып, көчө суу болуп жатат. ' ||
			CASE WHEN i % 3 = 0 THEN 'Чалыңыз: 0555 12 34 ' || (10 + i % 90) ELSE 'Тезирээк чечип бериңиздер.' END,
			'whatsapp', FALSE, datetime('2025-01-01', '+' || (i / 30) || ' hours'), datetime('2025-01-01', '+' || (i / 30) || ' hours')
		FROM n`,
		`INSERT INTO entry_notes (municipality, entry_id, author, text, created_at)
		SELECT municipality, id, 'resident', 'Дагы эле суу жок, эртең эртең менен келип көрүңүздөр.', updated_at FROM entries WHERE seq % 10 = 0`,
		`INSERT INTO media (municipality, entry_id, channel, kind, file_id, mime, size, state, next_attempt_at, created_at)
		SELECT municipality, id, 'whatsapp', 'photo', 'f' || id, 'image/jpeg', 120000, 'stored', created_at, created_at FROM entries WHERE seq % 5 = 0`,
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var n int
	if err := db.SQL().GetContext(ctx, &n, `SELECT COUNT(*) FROM entries`); err != nil || n != exportEntries {
		b.Fatalf("seeded %d entries, %v", n, err)
	}
	return muni
}

// dbSize is the size of the SQLite database, pages times page size.
func dbSize(b *testing.B, db *storage.DB) int64 {
	var pages, pageSize int64
	if err := db.SQL().Get(&pages, `PRAGMA page_count`); err != nil {
		b.Fatal(err)
	}
	if err := db.SQL().Get(&pageSize, `PRAGMA page_size`); err != nil {
		b.Fatal(err)
	}
	return pages * pageSize
}

// watchHeap samples the live heap until the returned function is called,
// and then gives its peak.
func watchHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var (
		mu   sync.Mutex
		peak uint64
	)
	read := func() {
		metrics.Read(sample)
		mu.Lock()
		peak = max(peak, sample[0].Value.Uint64())
		mu.Unlock()
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		read()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
