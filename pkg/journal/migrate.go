package journal

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the schema's steps; the database's PRAGMA user_version is how many it has run.
// Append only: a step that shipped never changes. Times are unix milliseconds (UTC); in sqlite3,
// datetime(submitted_at/1000, 'unixepoch') shows them.
func migrations() []string {
	return []string{
		// 1: tasks. seq is the row's integer key, so child rows and the FTS index stay small; it grows
		// in the order tasks are recorded (newest last), which is the order lists are read in, so
		// each index below keeps its rows in that order for free.
		`CREATE TABLE tasks (
			seq          INTEGER PRIMARY KEY,
			id           TEXT NOT NULL UNIQUE,
			endpoint     TEXT NOT NULL DEFAULT '',
			task         TEXT NOT NULL DEFAULT '',
			base_url     TEXT NOT NULL DEFAULT '',
			submitted_at INTEGER NOT NULL,
			ended_at     INTEGER,
			updated_at   INTEGER NOT NULL,
			status       TEXT NOT NULL DEFAULT '',
			reason       TEXT NOT NULL DEFAULT '',
			task_type    TEXT NOT NULL DEFAULT '',
			batch_id     TEXT NOT NULL DEFAULT '',
			line         INTEGER NOT NULL DEFAULT 0,
			output       TEXT NOT NULL DEFAULT '',
			request      TEXT,
			seed         INTEGER,
			prompt       TEXT NOT NULL DEFAULT '',
			elapsed_ms   INTEGER,
			delivered_by TEXT NOT NULL DEFAULT ''
		);
		CREATE INDEX tasks_submitted ON tasks(submitted_at);
		CREATE INDEX tasks_status ON tasks(status);
		CREATE INDEX tasks_task ON tasks(task);
		CREATE INDEX tasks_batch ON tasks(batch_id, line) WHERE batch_id != '';
		CREATE INDEX tasks_pending ON tasks(ended_at) WHERE ended_at IS NULL;`,

		// 2: what happened to each task: its statuses in order, and its outputs.
		`CREATE TABLE status_history (
			task   INTEGER NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE,
			at     INTEGER NOT NULL,
			status TEXT NOT NULL DEFAULT '',
			reason TEXT NOT NULL DEFAULT '',
			source TEXT NOT NULL DEFAULT ''
		);
		CREATE INDEX status_history_task ON status_history(task, at);
		CREATE TABLE files (
			task           INTEGER NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE,
			kind           TEXT NOT NULL DEFAULT '',
			idx            INTEGER NOT NULL DEFAULT 0,
			path           TEXT NOT NULL DEFAULT '',
			bytes          INTEGER NOT NULL DEFAULT 0,
			sha256         TEXT NOT NULL DEFAULT '',
			url_expires_at INTEGER,
			PRIMARY KEY (task, kind, idx)
		) WITHOUT ROWID;`,

		// 3: webhook deliveries seen, with what forwarding them gave, for the inspector and replays.
		`CREATE TABLE events (
			id                 INTEGER PRIMARY KEY,
			received_at        INTEGER NOT NULL,
			source             TEXT NOT NULL DEFAULT '',
			task_id            TEXT NOT NULL DEFAULT '',
			event_type         TEXT NOT NULL DEFAULT '',
			status             TEXT NOT NULL DEFAULT '',
			task_type          TEXT NOT NULL DEFAULT '',
			method             TEXT NOT NULL DEFAULT '',
			path               TEXT NOT NULL DEFAULT '',
			headers            TEXT NOT NULL DEFAULT '{}',
			body               BLOB,
			body_bytes         INTEGER NOT NULL DEFAULT 0,
			duplicate          INTEGER NOT NULL DEFAULT 0,
			replay_of          INTEGER,
			forward_to         TEXT NOT NULL DEFAULT '',
			forward_status     INTEGER,
			forward_ms         INTEGER,
			forward_headers    TEXT,
			forward_body       BLOB,
			forward_body_bytes INTEGER,
			forward_error      TEXT NOT NULL DEFAULT ''
		);
		CREATE INDEX events_task ON events(task_id) WHERE task_id != '';`,

		// 4: full-text search over prompts, kept in step with tasks by triggers; existing rows indexed.
		// Only non-empty prompts are indexed: a task without one (an import, a status seen first) never
		// touches the index, which keeps an import of thousands of records fast.
		`CREATE VIRTUAL TABLE tasks_fts USING fts5(prompt, content='tasks', content_rowid='seq',
			tokenize='unicode61 remove_diacritics 2');
		CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks WHEN new.prompt != '' BEGIN
			INSERT INTO tasks_fts(rowid, prompt) VALUES (new.seq, new.prompt);
		END;
		CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks WHEN old.prompt != '' BEGIN
			INSERT INTO tasks_fts(tasks_fts, rowid, prompt) VALUES ('delete', old.seq, old.prompt);
		END;
		CREATE TRIGGER tasks_fts_update AFTER UPDATE OF prompt ON tasks WHEN old.prompt != new.prompt BEGIN
			INSERT INTO tasks_fts(tasks_fts, rowid, prompt) SELECT 'delete', old.seq, old.prompt WHERE old.prompt != '';
			INSERT INTO tasks_fts(rowid, prompt) SELECT new.seq, new.prompt WHERE new.prompt != '';
		END;
		INSERT INTO tasks_fts(rowid, prompt) SELECT seq, prompt FROM tasks WHERE prompt != '';`,

		// 5: small facts about the database itself (which tasks.jsonl files were imported).
		`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`,

		// 6: the lines each batch set out to submit (a JSON list of [first, last] runs), recorded before
		// the first submit, so a resume can name the lines that never became tasks, even after a kill.
		`CREATE TABLE batches (
			id         TEXT PRIMARY KEY,
			file       TEXT NOT NULL DEFAULT '',
			created_at INTEGER NOT NULL,
			lines      TEXT NOT NULL DEFAULT '[]'
		) WITHOUT ROWID;`,

		// 7: task references and provenance. A file's sha256 is what is on disk now (after metadata was
		// embedded); delivered_sha256 is what the download delivered, when that differs. Both find the
		// task of a file. sandbox marks a task of an in-process simulator, gone when its command ended;
		// model is the request's, for lists that show provenance without reading each request.
		`ALTER TABLE files ADD COLUMN delivered_sha256 TEXT NOT NULL DEFAULT '';
		ALTER TABLE tasks ADD COLUMN sandbox INTEGER NOT NULL DEFAULT 0;
		ALTER TABLE tasks ADD COLUMN model TEXT NOT NULL DEFAULT '';
		UPDATE tasks SET model = coalesce(json_extract(request, '$.request.model_name'), json_extract(request, '$.model_name'),
			json_extract(request, '$.input.model_name'), json_extract(request, '$.model'), '')
			WHERE request IS NOT NULL AND json_valid(request);
		CREATE INDEX files_sha256 ON files(sha256) WHERE sha256 != '';
		CREATE INDEX files_delivered_sha256 ON files(delivered_sha256) WHERE delivered_sha256 != '';`,
		// 8: who submitted each task: '' for the command line, 'mcp' for `novita mcp` (an AI agent).
		`ALTER TABLE tasks ADD COLUMN source TEXT NOT NULL DEFAULT '';`,
	}
}

// migrate runs the steps the database has not run yet, up to target, in one transaction: a process
// that finds the work done by another while it waited for the lock does nothing.
func migrate(ctx context.Context, db *sql.DB, target int) error {
	steps := migrations()
	v, err := userVersion(ctx, db)
	if err != nil {
		return err
	}
	if v > len(steps) {
		return fmt.Errorf("the database has schema version %d but this novita knows only %d: "+
			"upgrade novita (or set NOVITA_STATE_DIR to use another journal)", v, len(steps))
	}
	if v >= target {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	for ; v < target; v++ {
		if _, err := tx.ExecContext(ctx, steps[v]); err != nil {
			return fmt.Errorf("schema migration %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func userVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}
