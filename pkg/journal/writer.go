package journal

import (
	"context"
	"database/sql"
)

// writer is the one connection a Journal writes through, with the write statements prepared on it.
// SQLite compiles a statement in far more time than it runs one (the task upsert, with its search
// index triggers: 0.1 ms, 3.7 ms under -race), and a batch writes the same few statements hundreds of
// times. Prepared on the pool instead, a statement lands on whichever connection is free, which during
// a transaction is another one: a second connection opened (reading the schema into it) and every
// statement compiled twice, which cost a single command more than its writes. Guarded by writeMu.
type writer struct {
	db    *sql.DB // the database conn came from; a reopened database starts a new writer
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

// writerOn returns the journal's writer on db, taking a connection from db's pool the first time.
func (j *Journal) writerOn(ctx context.Context, db *sql.DB) (*writer, error) {
	if j.w.db == db {
		return &j.w, nil
	}
	j.w.close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	j.w = writer{db: db, conn: conn, stmts: map[string]*sql.Stmt{}}
	return &j.w, nil
}

// close gives the connection back to the pool, its statements closed first (or database/sql would
// keep SQLite's file open for them).
func (w *writer) close() {
	for _, s := range w.stmts {
		_ = s.Close()
	}
	if w.conn != nil {
		_ = w.conn.Close()
	}
	*w = writer{}
}

// prepared is q prepared on the writer's connection, compiled once.
func (w *writer) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if s, ok := w.stmts[q]; ok {
		return s, nil
	}
	s, err := w.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	w.stmts[q] = s
	return s, nil
}

// tx runs fn in one immediate transaction on the writer's connection and commits it; an error rolls
// everything back. It is database/sql's Tx by hand, because a Tx re-prepares on its own every
// statement that was prepared on a Conn.
func (w *writer) tx(ctx context.Context, fn func(*wtx) error) error {
	if _, err := w.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	if err := fn(&wtx{ctx: ctx, q: w.conn, prepared: w.prepared}); err != nil {
		w.rollback()
		return err
	}
	if _, err := w.conn.ExecContext(ctx, "COMMIT"); err != nil {
		w.rollback()
		return err
	}
	return nil
}

// rollback ends a failed transaction whatever the caller's context says: a cancelled context must not
// leave the connection inside a transaction. SQLite may have rolled it back already (an interrupted
// statement does), so an error here says nothing new.
func (w *writer) rollback() { _, _ = w.conn.ExecContext(context.Background(), "ROLLBACK") }

// write runs fn in one immediate transaction and commits it; an error rolls everything back.
func (j *Journal) write(ctx context.Context, what string, fn func(w *wtx) error) error {
	db, release, _, err := j.acquire()
	if err != nil {
		return err
	}
	defer release()
	j.writeMu.Lock()
	defer j.writeMu.Unlock()
	w, err := j.writerOn(ctx, db)
	if err == nil {
		err = w.tx(ctx, fn)
	}
	if err != nil {
		return wrapErr(j.Path, what, err)
	}
	return nil
}

// querier is what a write transaction runs statements on: the writer's connection, or the sql.Tx
// of the tasks.jsonl import inside the open.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// wtx is a write transaction; its statements come prepared from the writer, or, in the import's
// transaction, are prepared once for it (an import runs the same few statements tens of thousands
// of times, and preparing one costs more than running it).
type wtx struct {
	ctx      context.Context
	q        querier
	prepared func(context.Context, string) (*sql.Stmt, error) // nil: prepare in the transaction
	stmts    map[string]*sql.Stmt
}

func (w *wtx) stmt(q string) (*sql.Stmt, error) {
	if w.prepared != nil {
		return w.prepared(w.ctx, q)
	}
	if s, ok := w.stmts[q]; ok {
		return s, nil
	}
	s, err := w.q.PrepareContext(w.ctx, q) // closed with the import's transaction
	if err != nil {
		return nil, err
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
