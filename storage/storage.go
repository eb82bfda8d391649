// Package storage keeps bmjbt's data in SQLite (the default, modernc.org/sqlite,
// no cgo) or PostgreSQL (lib/pq), through one set of sqlx methods. Every
// method that changes data runs in a transaction; helpers take the *Tx so
// several of them compose into one atomic change with one fixed "now".
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite"

	"bmjbt/migrations"
)

// Dialects the store speaks.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DefaultSQLitePath is where the journal lives when DATABASE_URL is unset.
const DefaultSQLitePath = "./data/bmjbt.db"

// DB is the store. Clock is the time every transaction reads once (tests move it).
type DB struct {
	db      *sqlx.DB
	Dialect string
	Clock   func() time.Time

	rebound sync.Map // query with ? → query for this dialect
	stmts   sync.Map // query with ? → *sqlx.Stmt prepared for the store
	// preps are the statements being prepared in the background; Close
	// waits for them, so none opens a connection after it (on SQLite that
	// would write files beside a database already closed).
	prepMu  sync.Mutex
	preps   sync.WaitGroup
	closing bool
	// statements counts what went through the helpers below, for the
	// benchmark's statements per update and /metrics.
	statements atomic.Int64
	// writer is SQLite's write lock as this process sees it: a
	// transaction takes it before BEGIN IMMEDIATE. SQLite's own busy
	// handler waits by sleeping 1, 2, 5… up to 100 ms between tries, so
	// the poller, waiting for the engine's batch, slept far past its end
	// while the engine took the lock again at once; here waiting
	// transactions queue and take their turn as soon as it is free. Other
	// processes still meet the busy timeout.
	writer chan struct{}
}

// Statements is how many SQL statements this store has run: every Exec,
// Query, Get and Select through its helpers, savepoints included (BEGIN
// and COMMIT are not counted).
func (db *DB) Statements() int64 { return db.statements.Load() }

// Open connects to the database named by url: "" means SQLite at
// DefaultSQLitePath, "sqlite:PATH" or a file path means SQLite there, and
// "postgres://…" means PostgreSQL. It does not migrate; call Migrate.
func Open(ctx context.Context, dbURL string) (*DB, error) {
	dialect, dsn, err := parseURL(dbURL)
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		if err := os.MkdirAll(filepath.Dir(sqlitePath(dsn)), 0o750); err != nil {
			return nil, fmt.Errorf("create the folder for the SQLite file: %w", err)
		}
	}
	sqldb, err := sqlx.Open(dialect, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's nature; BEGIN IMMEDIATE with a busy
		// timeout queues writers instead of failing them.
		sqldb.SetMaxOpenConns(4)
	} else {
		sqldb.SetMaxOpenConns(16)
	}
	sqldb.SetMaxIdleConns(4)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{db: sqldb, Dialect: dialect, Clock: time.Now, writer: make(chan struct{}, 1)}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(pingCtx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("connect to the %s database (check DATABASE_URL): %w", dialect, err)
	}
	return db, nil
}

func parseURL(dbURL string) (dialect, dsn string, err error) {
	switch {
	case dbURL == "":
		return SQLite, sqliteDSN(DefaultSQLitePath), nil
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return Postgres, postgresDSN(dbURL), nil
	case strings.HasPrefix(dbURL, "sqlite://"):
		return SQLite, sqliteDSN(strings.TrimPrefix(dbURL, "sqlite://")), nil
	case strings.HasPrefix(dbURL, "sqlite:"):
		return SQLite, sqliteDSN(strings.TrimPrefix(dbURL, "sqlite:")), nil
	case strings.HasPrefix(dbURL, "file:"), !strings.Contains(dbURL, "://"):
		return SQLite, sqliteDSN(dbURL), nil
	}
	u, _ := url.Parse(dbURL)
	scheme := dbURL
	if u != nil {
		scheme = u.Scheme
	}
	return "", "", fmt.Errorf("DATABASE_URL scheme %q is not supported: leave it unset for SQLite, or use postgres://user@host/db", scheme)
}

// postgresDSN turns on binary parameters unless the URL says otherwise:
// lib/pq then sends a query with its arguments in one round trip instead of
// two, which halves the time of the engine's many small statements.
func postgresDSN(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return dbURL // lib/pq reports the error on connect
	}
	q := u.Query()
	if q.Get("binary_parameters") == "" {
		q.Set("binary_parameters", "yes")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// sqliteDSN adds the settings every connection needs: WAL so readers do not
// wait for the writer, a busy timeout and immediate transactions so writers
// queue instead of failing, foreign keys on, and FULL sync: a commit is on
// disk before Telegram is told an update arrived, even if the ayil okmotu's
// PC loses power the next moment. Batching keeps that affordable.
func sqliteDSN(path string) string {
	path = strings.TrimPrefix(path, "file:")
	q := url.Values{}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		q, _ = url.ParseQuery(path[i+1:])
		path = path[:i]
	}
	q.Set("_txlock", "immediate")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_time_format", "sqlite")
	return "file:" + path + "?" + q.Encode()
}

func sqlitePath(dsn string) string {
	p := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// Now is the store's time.
func (db *DB) Now() time.Time { return db.Clock() }

// Close closes the database and the statements it keeps prepared.
func (db *DB) Close() error {
	db.prepMu.Lock()
	db.closing = true
	db.prepMu.Unlock()
	db.preps.Wait()
	db.stmts.Range(func(_, st any) bool {
		if p, ok := st.(*sqlx.Stmt); ok {
			p.Close()
		}
		return true
	})
	return db.db.Close()
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

// SQL gives the underlying pool, for benchmarks that compare against bare
// database work and for tests that read what users cannot.
func (db *DB) SQL() *sqlx.DB { return db.db }

// Migrate applies every embedded migration not yet applied.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrator()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s schema: %w", db.Dialect, err)
	}
	return nil
}

// SchemaVersion reports the applied and the newest known schema versions.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := db.migrator()
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	sources := p.ListSources()
	if len(sources) > 0 {
		latest = sources[len(sources)-1].Version
	}
	return current, latest, nil
}

func (db *DB) migrator() (*goose.Provider, error) {
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations.FS, db.Dialect)
	if err != nil {
		return nil, fmt.Errorf("migrations for %s: %w", db.Dialect, err)
	}
	p, err := goose.NewProvider(dialect, db.db.DB, sub)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// rebind turns a query written with ? into the dialect's placeholders.
func (db *DB) rebind(q string) string {
	if db.Dialect != Postgres {
		return q
	}
	if v, ok := db.rebound.Load(q); ok {
		return v.(string)
	}
	r := sqlx.Rebind(sqlx.DOLLAR, q)
	db.rebound.Store(q, r)
	return r
}

// Tx is one transaction with the time it started. Methods on Tx are the
// helpers that store methods and the bot engine compose.
type Tx struct {
	tx  *sqlx.Tx
	db  *DB
	now time.Time
	sp  int
}

// Now is the time fixed for the whole transaction, in UTC.
func (tx *Tx) Now() time.Time { return tx.now }

// InTx runs fn in a transaction, committing if fn returns nil.
func (db *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	if db.Dialect == SQLite {
		if err := db.takeWriter(ctx); err != nil {
			return err
		}
		defer func() { <-db.writer }()
	}
	sqltx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{tx: sqltx, db: db, now: db.Now().UTC().Truncate(time.Microsecond)}
	if err := fn(tx); err != nil {
		if rbErr := sqltx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("roll back: %w", rbErr))
		}
		return err
	}
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// sqliteBusy is how long a transaction waits for SQLite's write lock, as
// the busy timeout of every connection says (sqliteDSN).
const sqliteBusy = 10 * time.Second

// takeWriter waits for this process's turn at SQLite's write lock, as long
// as the busy timeout would.
func (db *DB) takeWriter(ctx context.Context) error {
	select {
	case db.writer <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(sqliteBusy)
	defer timer.Stop()
	select {
	case db.writer <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("begin transaction: %w", ctx.Err())
	case <-timer.C:
		return errors.New("begin transaction: the database is busy (another transaction of this process held it for 10 s)")
	}
}

// Savepoint runs fn inside a savepoint: if fn fails, only its changes are
// undone and the transaction goes on. The engine uses it to handle a batch
// of updates in one commit while each update stays all-or-nothing.
func (tx *Tx) Savepoint(ctx context.Context, fn func() error) error {
	tx.sp++
	name := fmt.Sprintf("sp%d", tx.sp)
	if _, err := tx.exec(ctx, "SAVEPOINT "+name); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rbErr := tx.exec(ctx, "ROLLBACK TO SAVEPOINT "+name); rbErr != nil {
			return errors.Join(err, fmt.Errorf("roll back to savepoint: %w", rbErr))
		}
		// A rolled-back savepoint stays open until released.
		if _, relErr := tx.exec(ctx, "RELEASE SAVEPOINT "+name); relErr != nil {
			return errors.Join(err, fmt.Errorf("release savepoint: %w", relErr))
		}
		return err
	}
	if _, err := tx.exec(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	tx.db.statements.Add(1)
	if st := tx.prepared(ctx, q, args); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, tx.db.rebind(q), args...)
}

func (tx *Tx) get(ctx context.Context, dest any, q string, args ...any) error {
	tx.db.statements.Add(1)
	if st := tx.prepared(ctx, q, args); st != nil {
		return st.GetContext(ctx, dest, args...)
	}
	return tx.tx.GetContext(ctx, dest, tx.db.rebind(q), args...)
}

func (tx *Tx) sel(ctx context.Context, dest any, q string, args ...any) error {
	tx.db.statements.Add(1)
	if st := tx.prepared(ctx, q, args); st != nil {
		return st.SelectContext(ctx, dest, args...)
	}
	return tx.tx.SelectContext(ctx, dest, tx.db.rebind(q), args...)
}

// insertID inserts a row and returns its id; both dialects support RETURNING.
func (tx *Tx) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	tx.db.statements.Add(1)
	var id int64
	q += " RETURNING id"
	if st := tx.prepared(ctx, q, args); st != nil {
		return id, st.QueryRowxContext(ctx, args...).Scan(&id)
	}
	if err := tx.tx.QueryRowxContext(ctx, tx.db.rebind(q), args...).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

// maxPreparedArgs bounds the statements kept prepared: the engine's many
// small fixed statements are (a new complaint's one statement on
// PostgreSQL takes 20 arguments, and planning it each time doubled its
// cost), the multi-row inserts built per batch (whose text changes with
// the batch) mostly are not: only their few smallest shapes fit.
const maxPreparedArgs = 24

// prepared returns q as a statement prepared once for the store and bound
// to this transaction, or nil to run it unprepared. SQLite spends a fifth
// of the engine's time parsing SQL otherwise; database/sql keeps each
// statement prepared per connection. Preparing takes a connection of the
// pool while this transaction holds one, so it never waits here: a
// statement seen for the first time is prepared in the background and
// runs unprepared until then.
func (tx *Tx) prepared(ctx context.Context, q string, args []any) *sqlx.Stmt {
	if len(args) > maxPreparedArgs || strings.HasPrefix(q, "SAVEPOINT") || strings.HasPrefix(q, "RELEASE") || strings.HasPrefix(q, "ROLLBACK") {
		return nil
	}
	st, loaded := tx.db.stmts.LoadOrStore(q, preparing{})
	if !loaded {
		db := tx.db
		db.prepMu.Lock()
		defer db.prepMu.Unlock()
		if db.closing {
			db.stmts.Delete(q)
			return nil
		}
		db.preps.Go(func() { db.prepare(q) })
		return nil
	}
	p, ok := st.(*sqlx.Stmt)
	if !ok {
		return nil // still being prepared
	}
	return tx.tx.StmtxContext(ctx, p)
}

// preparing marks a statement whose preparation is under way.
type preparing struct{}

// prepare prepares q for the store, or forgets it if that fails (it is
// tried again the next time it runs).
func (db *DB) prepare(q string) {
	p, err := db.db.PreparexContext(context.Background(), db.rebind(q))
	if err != nil {
		db.stmts.Delete(q)
		return
	}
	db.stmts.Store(q, p)
}

func (db *DB) get(ctx context.Context, dest any, q string, args ...any) error {
	db.statements.Add(1)
	return db.db.GetContext(ctx, dest, db.rebind(q), args...)
}

func (db *DB) sel(ctx context.Context, dest any, q string, args ...any) error {
	db.statements.Add(1)
	return db.db.SelectContext(ctx, dest, db.rebind(q), args...)
}

func (db *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	db.statements.Add(1)
	return db.db.ExecContext(ctx, db.rebind(q), args...)
}

// now is the store's clock in UTC, for methods outside a transaction.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }
