// Package storagetest opens real, migrated databases for tests: SQLite in a
// temporary folder always, and PostgreSQL when TEST_DATABASE_URL is set,
// each test in a schema of its own so packages run in parallel.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"bmjbt/config"
	"bmjbt/monitoring"
	"bmjbt/storage"
)

// RequireEnv, when set to 1, turns a missing TEST_DATABASE_URL into a
// failure instead of a skip. CI sets it, so the PostgreSQL half never
// silently disappears.
const RequireEnv = "BMJBT_REQUIRE_POSTGRES"

// Dialects are the databases Each runs on, in order.
var Dialects = []string{storage.SQLite, storage.Postgres}

// Each runs fn as a subtest on every dialect.
func Each(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// SQLiteOnly runs fn as a subtest on SQLite alone: for a test of a
// conversation whose storage other tests already run on both databases,
// so that the suite stays within its minutes on a 2-core machine.
func SQLiteOnly(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	t.Run(storage.SQLite, func(t *testing.T) { fn(t, Open(t, storage.SQLite)) })
}

// EachOwn is Each with PostgreSQL in a database of the test's own, not a
// schema. whatsmeow's device store decides whether its tables exist by
// looking through every schema of the database (go.mau.fi/util/dbutil's
// TableExists), so beside other tests' schemas it would skip creating
// them: tests of the device store need a database to themselves.
func EachOwn(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, open(t, d, OwnURL(t, d)))
		})
	}
}

// Open returns a migrated database of the dialect with the example
// municipality recorded, closed and removed when the test ends.
func Open(tb testing.TB, dialect string) *storage.DB {
	tb.Helper()
	return open(tb, dialect, URL(tb, dialect))
}

func open(tb testing.TB, dialect, url string) *storage.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, url)
	if err != nil {
		tb.Fatalf("open %s: %v", dialect, err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate %s: %v", dialect, err)
	}
	if err := db.EnsureMunicipality(ctx, Municipality(tb)); err != nil {
		tb.Fatal(err)
	}
	return db
}

// URL returns a DATABASE_URL for a fresh, empty database of the dialect.
func URL(tb testing.TB, dialect string) string {
	tb.Helper()
	if dialect == storage.SQLite {
		return "sqlite:" + filepath.Join(tb.TempDir(), "bmjbt.db")
	}
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatalf("TEST_DATABASE_URL is not set but %s=1: the PostgreSQL half must run", RequireEnv)
		}
		noteSkip()
		tb.Skip("PostgreSQL half skipped: TEST_DATABASE_URL is not set")
	}
	return schemaURL(tb, base)
}

// OwnURL is URL, with PostgreSQL in a fresh database of the test's own
// (see EachOwn), dropped when the test ends.
func OwnURL(tb testing.TB, dialect string) string {
	tb.Helper()
	if dialect == storage.SQLite {
		return URL(tb, dialect)
	}
	base := URL(tb, dialect) // skips, or fails in CI, without PostgreSQL
	admin, err := sqlx.Open("postgres", os.Getenv("TEST_DATABASE_URL"))
	if err != nil {
		tb.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

var skipOnce sync.Once

func noteSkip() {
	skipOnce.Do(func() {
		fmt.Fprintln(os.Stderr, "storagetest: TEST_DATABASE_URL is not set; PostgreSQL tests are skipped, SQLite tests run")
	})
}

// schemaURL creates a schema of the test's own and returns base with
// search_path pointing at it; the schema is dropped when the test ends.
func schemaURL(tb testing.TB, base string) string {
	tb.Helper()
	admin, err := sqlx.Open("postgres", base)
	if err != nil {
		tb.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		tb.Fatalf("cannot reach PostgreSQL at TEST_DATABASE_URL: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatalf("create test schema: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// Tests crash processes, not machines: a commit need not wait for the
	// disk, and the PostgreSQL half runs several times faster.
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// Municipality is the shipped example municipality, which tests use.
func Municipality(tb testing.TB) *monitoring.Municipality {
	tb.Helper()
	f, err := config.Load("")
	if err != nil {
		tb.Fatal(err)
	}
	return f.Municipality()
}
