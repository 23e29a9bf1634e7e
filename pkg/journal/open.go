package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/novita-cli/novita/pkg/clock"
)

// busyTimeout is how long a write waits for another process's write to finish. Writes are one short
// transaction each, so only a stuck process (or an sqlite3 shell left inside a transaction) reaches it.
const busyTimeout = 10 * time.Second

// dsn names the database as a file: URI (so a path with '?', '#' or '%' in it stays a path) with the
// settings every connection needs (WAL, which the file keeps once set, is set by ensureWAL):
// synchronous=FULL so a
// committed write survives a crash or power loss, foreign keys, BEGIN IMMEDIATE for writes so two
// processes never deadlock upgrading a read lock, and temporary data in memory.
func dsn(path string, busy time.Duration) string {
	p := filepath.ToSlash(path)
	if len(p) > 0 && p[0] != '/' {
		p = "/" + p // a Windows drive path: file:///C:/...
	}
	u := url.URL{Scheme: "file", Path: p}
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busy.Milliseconds()))
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	q.Set("_pragma", "temp_store(memory)") // statement journals of upserts stay off the disk
	return u.String() + "?" + q.Encode()
}

// openDB opens (creating when needed, mode 0600 in a 0700 directory) the database at path, brings its
// schema up to date and imports a tasks.jsonl found beside it.
func openDB(path string, now func() time.Time, busy time.Duration) (*sql.DB, *ImportResult, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, fmt.Errorf("journal %s: %w", path, err)
	}
	dir := filepath.Dir(abs)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("journal: create the state directory %s: %w (set NOVITA_STATE_DIR to a writable directory)", dir, err)
	}
	// SQLite would create the file 0644; prompts and requests are the user's own business. The WAL and
	// shared-memory files inherit this mode.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: open %s: %w", abs, err)
	}
	_ = f.Close()
	db, err := sql.Open("sqlite", dsn(abs, busy))
	if err != nil {
		return nil, nil, fmt.Errorf("journal %s: %w", abs, err)
	}
	// Readers share these; writers of one Journal queue on its writeMu, not in SQLite's busy handler,
	// which polls with sleeps.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	ctx := context.Background()
	if err := ensureWAL(ctx, db); err != nil {
		_ = db.Close()
		return nil, nil, wrapErr(abs, "open", err)
	}
	if err := migrate(ctx, db, len(migrations())); err != nil {
		_ = db.Close()
		return nil, nil, wrapErr(abs, "open", err)
	}
	res, err := importJSONL(ctx, db, dir, now)
	if err != nil {
		_ = db.Close()
		return nil, nil, wrapErr(abs, "import tasks.jsonl into", err)
	}
	return db, res, nil
}

// ensureWAL puts the database in WAL mode, so readers never block the writer. The mode is stored in
// the file, so this changes something only once; but that change needs the database to itself, and
// SQLite answers SQLITE_BUSY at once (without its busy handler) when several processes open a brand
// new database together: retry within the busy timeout instead.
func ensureWAL(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for wait := 5 * time.Millisecond; ; wait = min(wait*2, 200*time.Millisecond) {
		var mode string
		err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
		if err == nil {
			if !strings.EqualFold(mode, "wal") {
				return fmt.Errorf("cannot use WAL mode (the database is in %s mode; is the directory on a network file system?)", mode)
			}
			return nil
		}
		var se *sqlite.Error
		if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		if err := clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// wrapErr names the database and, for a lock held too long, what to do about it.
func wrapErr(path, what string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY {
		return fmt.Errorf("journal: %s %s: the database stayed locked by another process for %s "+
			"(an sqlite3 shell inside a transaction?); end it and try again: %w", what, path, busyTimeout, err)
	}
	return fmt.Errorf("journal: %s %s: %w", what, path, err)
}

// write runs fn in one immediate transaction and commits it; an error rolls everything back.
func (j *Journal) write(ctx context.Context, what string, fn func(w *wtx) error) error {
	db, release, _, err := j.acquire()
	if err != nil {
		return err
	}
	defer release()
	j.writeMu.Lock()
	defer j.writeMu.Unlock()
	return writeTx(ctx, db, j.Path, what, j.preparedOn(db), fn)
}

// preparedOn is the journal's cache of write statements prepared on db, kept across transactions
// (the caller holds writeMu): SQLite compiles a statement in far more time than it runs one, and a
// batch writes the same few statements hundreds of times. A reopened database starts a new cache.
func (j *Journal) preparedOn(db *sql.DB) func(ctx context.Context, q string) (*sql.Stmt, error) {
	if j.stmts.db != db {
		for _, s := range j.stmts.byQuery {
			_ = s.Close()
		}
		j.stmts.db, j.stmts.byQuery = db, map[string]*sql.Stmt{}
	}
	return func(ctx context.Context, q string) (*sql.Stmt, error) {
		if s, ok := j.stmts.byQuery[q]; ok {
			return s, nil
		}
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			return nil, err
		}
		j.stmts.byQuery[q] = s
		return s, nil
	}
}

// read hands fn the open database.
func (j *Journal) read(fn func(db *sql.DB) error) error {
	db, release, _, err := j.acquire()
	if err != nil {
		return err
	}
	defer release()
	if err := fn(db); err != nil {
		return wrapErr(j.Path, "read", err)
	}
	return nil
}

func writeTx(ctx context.Context, db *sql.DB, path, what string, prepared func(context.Context, string) (*sql.Stmt, error), fn func(w *wtx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(path, what, err)
	}
	if err := fn(&wtx{ctx: ctx, tx: tx, prepared: prepared}); err != nil {
		_ = tx.Rollback()
		return wrapErr(path, what, err)
	}
	if err := tx.Commit(); err != nil {
		return wrapErr(path, what, err)
	}
	return nil
}

// wtx is a write transaction whose statements come prepared from the journal's cache: an import runs
// the same few statements tens of thousands of times, and preparing one costs more than running it.
type wtx struct {
	ctx      context.Context
	tx       *sql.Tx
	prepared func(context.Context, string) (*sql.Stmt, error) // nil: prepare in the transaction
	stmts    map[string]*sql.Stmt
}

func (w *wtx) stmt(q string) (*sql.Stmt, error) {
	if s, ok := w.stmts[q]; ok {
		return s, nil
	}
	var s *sql.Stmt
	if w.prepared == nil { // the import, inside the open: one transaction, nothing to keep
		var err error
		if s, err = w.tx.PrepareContext(w.ctx, q); err != nil { // closed with the transaction
			return nil, err
		}
	} else {
		p, err := w.prepared(w.ctx, q)
		if err != nil {
			return nil, err
		}
		// On the connection it was prepared on, the transaction's copy reuses SQLite's compiled
		// statement; it is closed with the transaction.
		s = w.tx.StmtContext(w.ctx, p)
	}
	if w.stmts == nil {
		w.stmts = map[string]*sql.Stmt{}
	}
	w.stmts[q] = s
	return s, nil
}

func (w *wtx) exec(q string, args ...any) error {
	s, err := w.stmt(q)
	if err != nil {
		return err
	}
	_, err = s.ExecContext(w.ctx, args...)
	return err
}

// scan runs a query expected to return one row into dest.
func (w *wtx) scan(q string, args []any, dest ...any) error {
	s, err := w.stmt(q)
	if err != nil {
		return err
	}
	return s.QueryRowContext(w.ctx, args...).Scan(dest...)
}
