package journal

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Problem says why a journal cannot record, so the caller can name the remedy.
type Problem int

const (
	ProblemIO      Problem = iota // the directory or disk refuses writes (full, read-only, permissions)
	ProblemCorrupt                // the file is not a database, or a damaged one
	ProblemNewer                  // a newer novita's schema
)

// UnwritableError is a journal that cannot record a task: a submit must not be paid for then, since
// nothing could resume it.
type UnwritableError struct {
	Path    string
	Problem Problem
	Err     error
}

func (e *UnwritableError) Error() string { return e.Err.Error() }
func (e *UnwritableError) Unwrap() error { return e.Err }

// CheckWritable opens the database and takes its write lock once, the steps every record needs:
// a corrupt file, a newer schema, a directory that refuses the WAL file or a full disk show up here,
// before a task is paid for, instead of after.
func (j *Journal) CheckWritable(ctx context.Context) error {
	err := j.write(ctx, "check", func(w *wtx) error {
		// A real page write (the header, unchanged): a full disk or a read-only file refuses it.
		var v int
		if err := w.q.QueryRowContext(w.ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return err
		}
		_, err := w.q.ExecContext(w.ctx, fmt.Sprintf("PRAGMA user_version = %d", v))
		return err
	})
	if err == nil {
		return nil
	}
	return &UnwritableError{Path: j.Path, Problem: classify(err), Err: err}
}

func classify(err error) Problem {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return ProblemCorrupt
		}
	}
	if strings.Contains(err.Error(), "schema version") {
		return ProblemNewer
	}
	return ProblemIO
}
