// Package storagetest opens real, migrated databases for tests: SQLite in a
// temporary folder always, and PostgreSQL when TEST_DATABASE_URL is set,
// each test in a schema of its own so packages run in parallel.
package storagetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"bmjbt/config"
	"bmjbt/migrations"
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
			if d == storage.SQLite {
				fn(t, Open(t, d)) // a file is its own database already
				return
			}
			fn(t, open(t, d, OwnURL(t, d)))
		})
	}
}

// Open returns a migrated database of the dialect with the example
// municipality recorded, closed and removed when the test ends.
func Open(tb testing.TB, dialect string) *storage.DB {
	tb.Helper()
	if dialect == storage.SQLite {
		return open(tb, dialect, migratedSQLite(tb))
	}
	return open(tb, dialect, migratedPostgres(tb))
}

// migratedPostgres returns a database of the test's own, created from a
// migrated template database (CREATE DATABASE … TEMPLATE), for the same
// reason as migratedSQLite: a copy costs the server a tenth of a second,
// migrating a fresh schema costs more than half a second and much of it
// on the test's CPU. Without the right to create databases it falls back
// to a fresh schema, migrated.
func migratedPostgres(tb testing.TB) string {
	tb.Helper()
	base := URL(tb, storage.Postgres) // skips, or fails in CI, without PostgreSQL
	tmpl, err := postgresTemplate()
	if err != nil {
		tb.Logf("PostgreSQL template database: %v; migrating a schema instead", err)
		return base
	}
	return databaseURL(tb, "TEMPLATE "+tmpl)
}

// migratedSQLite returns a SQLite database of the test's own, copied from
// a template migrated once. Migrating costs a test a fifth of a second of
// CPU under -race (goose parses every file, SQLite reparses its schema
// after each statement), which hundreds of tests on two cores cannot
// spare; a copy costs a millisecond. Migrate still runs on the copy, and
// finds nothing to do.
func migratedSQLite(tb testing.TB) string {
	tb.Helper()
	tmpl, err := sqliteTemplate()
	if err != nil {
		tb.Fatalf("SQLite template: %v", err)
	}
	path := filepath.Join(tb.TempDir(), "bmjbt.db")
	if err := copyFile(tmpl, path); err != nil {
		tb.Fatalf("copy the SQLite template: %v", err)
	}
	return "sqlite:" + path
}

var template struct {
	once sync.Once
	path string
	err  error
}

// sqliteTemplate migrates a SQLite database once and keeps it under the
// system's temporary folder, named by a hash of the migrations, so test
// processes share it and a changed migration makes a new one. It is
// written beside its final name and renamed, so no process ever copies a
// half-made one.
func sqliteTemplate() (string, error) {
	template.once.Do(func() {
		hash, err := migrationsHash(storage.SQLite)
		if err != nil {
			template.err = err
			return
		}
		dir := filepath.Join(os.TempDir(), "bmjbt-storagetest")
		template.path = filepath.Join(dir, "sqlite-"+hash+".db")
		if _, err := os.Stat(template.path); err == nil {
			return
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			template.err = err
			return
		}
		work, err := os.MkdirTemp(dir, "making-")
		if err != nil {
			template.err = err
			return
		}
		defer os.RemoveAll(work)
		made := filepath.Join(work, "bmjbt.db")
		ctx := context.Background()
		db, err := storage.Open(ctx, "sqlite:"+made)
		if err != nil {
			template.err = err
			return
		}
		err = db.Migrate(ctx)
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(made, template.path)
		}
		template.err = err
	})
	return template.path, template.err
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
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
	URL(tb, dialect) // skips, or fails in CI, without PostgreSQL
	return databaseURL(tb, "")
}

// databaseURL creates a database of the test's own with CREATE DATABASE
// and options (such as a template), and drops it when the test ends.
func databaseURL(tb testing.TB, options string) string {
	tb.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	admin, err := sqlx.Open("postgres", base)
	if err != nil {
		tb.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name + " " + options); err != nil {
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

var pgTemplate struct {
	once sync.Once
	name string
	err  error
}

// postgresTemplate makes, once per migrations, a migrated database that
// tests copy, named by the migrations' hash. Test processes run side by
// side, so it is made under an advisory lock, migrated under a working
// name and renamed when done: nobody copies a half-made one.
func postgresTemplate() (string, error) {
	pgTemplate.once.Do(func() {
		pgTemplate.name, pgTemplate.err = makePostgresTemplate()
	})
	return pgTemplate.name, pgTemplate.err
}

func makePostgresTemplate() (string, error) {
	hash, err := migrationsHash(storage.Postgres)
	if err != nil {
		return "", err
	}
	name := "bmjbt_template_" + hash
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := sqlx.Open("postgres", os.Getenv("TEST_DATABASE_URL"))
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Connx(ctx) // the advisory lock belongs to one session
	if err != nil {
		return "", err
	}
	defer conn.Close()
	const lock = 0x626d6a6274 // "bmjbt"
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lock); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", lock)
	var exists bool
	if err := conn.GetContext(ctx, &exists, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name); err != nil || exists {
		return name, err
	}
	// Templates of other migrations are of no further use.
	var stale []string
	if err := conn.SelectContext(ctx, &stale, "SELECT datname FROM pg_database WHERE datname LIKE 'bmjbt\\_template\\_%' OR datname LIKE 'bmjbt\\_making\\_%'"); err != nil {
		return "", err
	}
	for _, s := range stale {
		if _, err := conn.ExecContext(ctx, "DROP DATABASE "+s+" WITH (FORCE)"); err != nil {
			return "", err
		}
	}
	making := "bmjbt_making_" + hash
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+making); err != nil {
		return "", err
	}
	u, err := url.Parse(os.Getenv("TEST_DATABASE_URL"))
	if err != nil {
		return "", err
	}
	u.Path = "/" + making
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	db, err := storage.Open(ctx, u.String())
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+making+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
}

// migrationsHash names the schema a dialect's migrations make.
func migrationsHash(dialect string) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, dialect, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.FS.ReadFile(name)
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
		return err
	})
	return fmt.Sprintf("%x", h.Sum(nil)[:8]), err
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
