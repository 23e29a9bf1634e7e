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
