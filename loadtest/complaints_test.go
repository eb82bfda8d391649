package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// residents is how many whole complaints one run pushes (8 updates each).
func residents() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_RESIDENTS")); err == nil && n > 0 {
		return n
	}
	return 500
}

type result struct {
	dialect       string
	updates       int
	handledPerSec float64
	barePerSec    float64
	peakRSSMB     float64
	statements    float64 // SQL statements per handled update
	entries       int
}

var (
	resultsMu sync.Mutex
	results   []result
)

func TestMain(m *testing.M) {
	code := m.Run()
	if len(results) > 0 {
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\ndatabase\tupdates\thandled updates/s\tbare INSERT+COMMIT/s\tratio\tserve peak RSS MB\tSQL statements/update\t")
		for _, r := range results {
			fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t%.2f\t%.1f\t%.1f\t\n", r.dialect, r.updates, r.handledPerSec, r.barePerSec, r.handledPerSec/r.barePerSec, r.peakRSSMB, r.statements)
		}
		tw.Flush()
	}
	if len(campaignResults) > 0 {
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\ndatabase\tcampaign recipients\tresidents\treply p50 ms\treply max ms\tcampaign messages/s meanwhile\trefused by the pace\t")
		for _, r := range campaignResults {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.0f\t%.1f\t%d\t\n", r.dialect, r.recipients, r.residents, r.p50ms, r.maxms, r.bulkPerSec, r.refused)
		}
		tw.Flush()
	}
	if len(launchResults) > 0 {
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\ndatabase\tsubscribers\tseconds\tinvitations/s (limit 30)\tlost\tsent twice\treply p50 ms\treply max ms\t429s\t5xx\t")
		for _, r := range launchResults {
			fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.1f\t%d\t%d\t%.0f\t%.0f\t%d\t%d\t\n", r.dialect, r.subscribers, r.seconds, r.perSec, r.lost, r.doubled, r.p50ms, r.maxms, r.refused, r.failed5)
		}
		tw.Flush()
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// build compiles the real binary once per run.
func build(b *testing.B) string {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bmjbt-bench")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "bmjbt")
		out, err := exec.Command("go", "build", "-o", binary, "bmjbt/cmd/bmjbt").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return binary
}

// BenchmarkComplaints pushes whole complaints (/start, language, village,
// service, text, Done, anonymous, Send) for many residents into the fake,
// starts `bmjbt serve` on a fresh database, and times until every update
// is handled. In the same run it times one INSERT + COMMIT per row on the
// same database: the handled rate should be at least that bare rate. It
// also reports the SQL statements serve ran per handled update, counted by
// the store (bmjbt_sql_statements_total, read from serve's /metrics when
// the last update is handled: the sender's and poller's statements count).
func BenchmarkComplaints(b *testing.B) {
	for _, dialect := range storagetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			bin := build(b)
			for range b.N {
				r := runOnce(b, bin, dialect)
				b.ReportMetric(r.handledPerSec, "updates/s")
				b.ReportMetric(r.barePerSec, "bare-commits/s")
				b.ReportMetric(r.handledPerSec/r.barePerSec, "ratio")
				b.ReportMetric(r.peakRSSMB, "peak-RSS-MB")
				b.ReportMetric(r.statements, "statements/update")
				resultsMu.Lock()
				results = append(results, r)
				resultsMu.Unlock()
			}
		})
	}
}

func runOnce(b *testing.B, bin, dialect string) result {
	dbURL := storagetest.URL(b, dialect)
	fake := telegramtest.New(b)
	n := residents()
	for i := range n {
		u := fake.User(int64(100000+i), "ky")
		u.Say("/start")
		u.Say("1")
		u.Say("1")
		u.Say("1")
		u.Say(fmt.Sprintf("Көйгөй %d: суу жок, үч күн болду", i))
		u.Say("Даяр")
		u.Say("Анонимдүү калуу")
		u.Say("Жөнөтүү")
	}
	updates := n * 8

	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "TELEGRAM_BOT_TOKEN="+telegramtest.Token,
		"TELEGRAM_API_URL="+fake.URL, "HTTP_ADDR=127.0.0.1:0", "LOG_LEVEL=error")
	cmd.Stderr = os.Stderr
	addr := serveAddr(b, cmd)
	// Migrate first, so the timed part is serving only.
	migrate := exec.Command(bin, "migrate")
	migrate.Env = cmd.Env
	if out, err := migrate.CombinedOutput(); err != nil {
		b.Fatalf("migrate: %v\n%s", err, out)
	}
	db, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()

	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	// Waiting here measures, it does not assert a timing. It asks the fake
	// first: serve acknowledges an update only once it is stored, so while
	// the fake still holds some, not all are handled. Only then does it ask
	// the database, through the index of pending rows: on this 2-core
	// machine a scan of the whole inbox every few milliseconds took CPU
	// (and, on PostgreSQL, the server's time) from serve.
	code := storagetest.Municipality(b).Code
	for {
		if fake.Pending() == 0 {
			// One row is enough to know: counting every pending row
			// each time read the whole index while the inbox was deep.
			var pending []int
			if err := db.SQL().Select(&pending, db.SQL().Rebind(`SELECT 1 FROM inbox WHERE municipality = ? AND handled_at IS NULL LIMIT 1`), code); err != nil {
				b.Fatal(err)
			}
			if len(pending) == 0 {
				break
			}
		}
		if time.Since(start) > 5*time.Minute {
			b.Fatalf("not every update handled after 5 minutes (%d not yet acknowledged)", fake.Pending())
		}
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(start)
	var handled int
	if err := db.SQL().Get(&handled, `SELECT COUNT(*) FROM inbox WHERE handled_at IS NOT NULL`); err != nil {
		b.Fatal(err)
	}
	if handled != updates {
		b.Fatalf("%d of %d updates handled", handled, updates)
	}
	rss := peakRSS(b, cmd.Process.Pid)
	statements := metric(b, <-addr, "bmjbt_sql_statements_total")
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		b.Fatalf("serve: %v", err)
	}

	var entries int
	db.SQL().Get(&entries, `SELECT COUNT(*) FROM entries`)
	if entries != n {
		b.Fatalf("%d entries for %d residents", entries, n)
	}
	return result{dialect: dialect, updates: updates, handledPerSec: float64(updates) / elapsed.Seconds(),
		barePerSec: bareRate(b, db, updates), peakRSSMB: rss, statements: statements / float64(updates), entries: entries}
}

// serveAddr reads serve's standard output for the address it listens on
// (HTTP_ADDR=127.0.0.1:0 takes a free port) and passes it on once known;
// the rest of the output is drained. Call it before cmd.Start.
func serveAddr(b *testing.B, cmd *exec.Cmd) <-chan string {
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "http://"); ok {
				if a, _, ok := strings.Cut(rest, "/healthz"); ok {
					addr <- a
					break
				}
			}
		}
		io.Copy(io.Discard, out)
	}()
	return addr
}

// metric reads one counter from serve's /metrics.
func metric(b *testing.B, addr, name string) float64 {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.Fatalf("%s: %v", name, err)
			}
			return f
		}
	}
	b.Fatalf("/metrics has no %s", name)
	return 0
}

// bareRate is one INSERT and one COMMIT per row into the same database.
func bareRate(b *testing.B, db *storage.DB, rows int) float64 {
	sqldb := db.SQL()
	if _, err := sqldb.Exec(`CREATE TABLE bench_bare (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	q := sqldb.Rebind(`INSERT INTO bench_bare (id, payload) VALUES (?, ?)`)
	payload := strings.Repeat("x", 300) // about an inbox row
	start := time.Now()
	for i := range rows {
		tx, err := sqldb.Begin()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(q, i, payload); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return float64(rows) / time.Since(start).Seconds()
}

// peakRSS reads the process's high-water resident set size, in MB.
func peakRSS(b *testing.B, pid int) float64 {
	if runtime.GOOS != "linux" {
		return 0
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
