package journal

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// OpenReadOnly returns the journal in dir for commands that only look (tasks, tasks show): it never
// creates the file, migrates the schema or writes. A missing journal reads as an empty one. Only a
// journal that needs work first (an older schema, a first-release tasks.jsonl to import) is opened as
// Open would: reading it as it is would show nothing or fail.
func OpenReadOnly(dir string) *Journal {
	j := Open(dir)
	j.readOnly = true
	return j
}

// openReadOnlyDB opens the database at path with mode=ro and query_only, or an empty in-memory one
// when there is no file. needsWrite says the file must be brought up to date by a normal open.
func openReadOnlyDB(path string) (db *sql.DB, needsWrite bool, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, false, fmt.Errorf("journal %s: %w", path, err)
	}
	_, statErr := os.Stat(abs)
	if _, err := os.Stat(filepath.Join(filepath.Dir(abs), JSONLName)); err == nil {
		return nil, true, nil
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		return emptyDB()
	}
	db, err = sql.Open("sqlite", dsn(abs, busyTimeout)+"&mode=ro&_pragma=query_only(1)")
	if err != nil {
		return nil, false, fmt.Errorf("journal %s: %w", abs, err)
	}
	db.SetMaxOpenConns(4)
	v, err := userVersion(context.Background(), db)
	if err != nil {
		_ = db.Close()
		return nil, false, wrapErr(abs, "open", err)
	}
	if v > len(migrations()) {
		_ = db.Close()
		return nil, false, wrapErr(abs, "open", fmt.Errorf("the database has schema version %d but this novita knows only %d: "+
			"upgrade novita (or set NOVITA_STATE_DIR to use another journal)", v, len(migrations())))
	}
	if v < len(migrations()) {
		_ = db.Close()
		return nil, true, nil
	}
	return db, false, nil
}

// emptyDB is a journal with the current schema and no tasks, in memory (shared by the pool's
// connections under a name of its own), for reading a journal that does not exist.
func emptyDB() (*sql.DB, bool, error) {
	db, err := sql.Open("sqlite", "file:novita-empty-"+rand.Text()+"?mode=memory&cache=shared&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, false, err
	}
	db.SetMaxIdleConns(4) // the memory database lives while a connection does
	db.SetMaxOpenConns(4)
	if err := migrate(context.Background(), db, len(migrations())); err != nil {
		_ = db.Close()
		return nil, false, fmt.Errorf("journal: an empty journal in memory: %w", err)
	}
	if _, err := db.Exec("PRAGMA query_only = 1"); err != nil {
		_ = db.Close()
		return nil, false, err
	}
	return db, false, nil
}
