package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Task is one task as the journal knows it.
type Task struct {
	ID          string          `json:"task_id"`
	Name        string          `json:"task,omitempty"` // the catalog name (txt2img, wan-t2v, ...)
	Endpoint    string          `json:"endpoint,omitempty"`
	BaseURL     string          `json:"base_url,omitempty"`
	SubmittedAt time.Time       `json:"submitted_at"`
	EndedAt     time.Time       `json:"ended_at,omitzero"` // zero while the task was never seen to end
	UpdatedAt   time.Time       `json:"updated_at"`
	Status      string          `json:"status,omitempty"`
	Reason      string          `json:"reason,omitempty"`
	TaskType    string          `json:"task_type,omitempty"`
	BatchID     string          `json:"batch_id,omitempty"`
	Line        int             `json:"line,omitempty"`
	Output      string          `json:"output,omitempty"`
	Prompt      string          `json:"prompt,omitempty"`
	Model       string          `json:"model,omitempty"`
	Seed        *int64          `json:"seed,omitempty"`
	ElapsedMS   int64           `json:"elapsed_ms,omitempty"`
	DeliveredBy string          `json:"delivered_by,omitempty"`
	Sandbox     bool            `json:"sandbox,omitempty"` // submitted to an in-process --sandbox simulator, gone since
	Source      string          `json:"source,omitempty"`  // who submitted it: "" the command line, "mcp" an AI agent
	Request     json.RawMessage `json:"request,omitempty"` // the stored (elided) request; filled by Get only
	Files       []FileRecord    `json:"files,omitempty"`   // downloaded and known outputs, by kind and index
}

// Query selects tasks for List; zero fields do not filter. Results are newest first: in the order the
// tasks were first recorded, which is their submission order (a task is recorded as its submit answers).
type Query struct {
	Status  []string  // any of these; "succeed", "SUCCEED" and "TASK_STATUS_SUCCEED" are the same
	Task    string    // the catalog name
	Since   time.Time // submitted at or after
	BatchID string
	Text    string    // full-text search over prompts: every word must match; "fox*" matches a prefix
	Pending bool      // only tasks never seen to end that can still end (not of an in-process sandbox)
	Before  time.Time // submitted before
	Sandbox bool      // only tasks of an in-process sandbox
	Limit   int       // 0: all
}

const taskColumns = `t.seq, t.id, t.task, t.endpoint, t.base_url, t.submitted_at, t.ended_at, t.updated_at,
	t.status, t.reason, t.task_type, t.batch_id, t.line, t.output, t.prompt, t.seed, t.elapsed_ms, t.delivered_by, t.sandbox, t.model,
	t.source`

// List returns the tasks q selects, with their files.
func (j *Journal) List(ctx context.Context, q Query) ([]Task, error) {
	var out []Task
	err := j.read(func(db *sql.DB) (err error) {
		out, err = listTasks(ctx, db, q)
		return err
	})
	return out, err
}

func listTasks(ctx context.Context, db *sql.DB, q Query) ([]Task, error) {
	var where []string
	var args []any
	from, order := "tasks t", "t.seq"
	if words := ftsQuery(q.Text); words != "" {
		// The full-text index drives the query in descending rowid order and stops at the limit;
		// "IN (SELECT rowid ...)" would collect every match first (tens of ms for a common word).
		from, order = "tasks_fts f CROSS JOIN tasks t ON t.seq = f.rowid", "f.rowid"
		where, args = append(where, "tasks_fts MATCH ?"), append(args, words)
	}
	if len(q.Status) > 0 {
		marks := make([]string, len(q.Status))
		for i, s := range q.Status {
			marks[i] = "?"
			args = append(args, CanonicalStatus(s))
		}
		where = append(where, "t.status IN ("+strings.Join(marks, ", ")+")")
	}
	if q.Task != "" {
		where, args = append(where, "t.task = ?"), append(args, q.Task)
	}
	if !q.Since.IsZero() {
		where, args = append(where, "t.submitted_at >= ?"), append(args, millis(q.Since))
	}
	if q.BatchID != "" {
		where, args = append(where, "t.batch_id = ? AND t.batch_id != ''"), append(args, q.BatchID) // the second term lets tasks_batch serve
	}
	if q.Pending {
		where = append(where, "t.ended_at IS NULL AND t.sandbox = 0")
	}
	if !q.Before.IsZero() {
		where, args = append(where, "t.submitted_at < ?"), append(args, millis(q.Before))
	}
	if q.Sandbox {
		where = append(where, "t.sandbox = 1")
	}
	stmt := "SELECT " + taskColumns + " FROM " + from
	if len(where) > 0 {
		stmt += " WHERE " + strings.Join(where, " AND ")
	}
	stmt += " ORDER BY " + order + " DESC"
	if q.Limit > 0 {
		stmt, args = stmt+" LIMIT ?", append(args, q.Limit)
	}
	return queryTasks(ctx, db, stmt, args...)
}

// CanonicalStatus turns "succeed" or "SUCCEED" into TASK_STATUS_SUCCEED.
func CanonicalStatus(s string) string {
	u := strings.ToUpper(strings.TrimSpace(s))
	if u == "" || strings.HasPrefix(u, "TASK_STATUS_") {
		return u
	}
	return "TASK_STATUS_" + u
}

// ftsQuery turns what a user typed into an FTS5 query that cannot be a syntax error: each word quoted
// (so "-", ":" or a stray quote are just text), all required, a trailing * kept as a prefix match.
func ftsQuery(text string) string {
	var terms []string
	for _, w := range strings.Fields(text) {
		prefix := strings.HasSuffix(w, "*")
		w = strings.TrimRight(w, "*")
		if w == "" {
			continue
		}
		t := `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		if prefix {
			t += "*"
		}
		terms = append(terms, t)
	}
	return strings.Join(terms, " ")
}

// Newest returns the task recorded last.
func (j *Journal) Newest(ctx context.Context) (Task, bool, error) {
	ts, err := j.List(ctx, Query{Limit: 1})
	if err != nil || len(ts) == 0 {
		return Task{}, false, err
	}
	return ts[0], true, nil
}

// BatchMembers returns a batch's tasks in line order.
func (j *Journal) BatchMembers(ctx context.Context, batchID string) ([]Task, error) {
	var out []Task
	err := j.read(func(db *sql.DB) (err error) {
		out, err = queryTasks(ctx, db, "SELECT "+taskColumns+
			" FROM tasks t WHERE t.batch_id = ? AND t.batch_id != '' ORDER BY t.line, t.seq", batchID)
		return err
	})
	return out, err
}

// StatusChange is one line of a task's status history.
type StatusChange struct {
	At     time.Time `json:"at"`
	Status string    `json:"status"`
	Reason string    `json:"reason,omitempty"`
	Source string    `json:"source,omitempty"`
}

// Detail is everything the journal holds about one task.
type Detail struct {
	Task
	History []StatusChange `json:"history"`
	Events  []Event        `json:"events,omitempty"`
}

// Get returns the task id with its request, status history, files and webhook events.
func (j *Journal) Get(ctx context.Context, id string) (Detail, bool, error) {
	var d Detail
	var found bool
	err := j.read(func(db *sql.DB) error {
		ts, err := queryTasks(ctx, db, "SELECT "+taskColumns+" FROM tasks t WHERE t.id = ?", id)
		if err != nil || len(ts) == 0 {
			return err
		}
		found, d.Task = true, ts[0]
		var req sql.NullString
		if err := db.QueryRowContext(ctx, `SELECT request FROM tasks WHERE id = ?`, id).Scan(&req); err != nil {
			return err
		}
		if req.Valid {
			d.Request = json.RawMessage(req.String)
		}
		if d.History, err = history(ctx, db, id); err != nil {
			return err
		}
		d.Events, err = queryEvents(ctx, db, EventQuery{TaskID: id})
		return err
	})
	return d, found, err
}

func history(ctx context.Context, db *sql.DB, id string) ([]StatusChange, error) {
	rows, err := db.QueryContext(ctx, `SELECT h.at, h.status, h.reason, h.source FROM status_history h
		JOIN tasks t ON t.seq = h.task WHERE t.id = ? ORDER BY h.at, h.rowid`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []StatusChange{}
	for rows.Next() {
		var c StatusChange
		var at int64
		if err := rows.Scan(&at, &c.Status, &c.Reason, &c.Source); err != nil {
			return nil, err
		}
		c.At = fromMillis(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// queryTasks runs a SELECT of taskColumns and attaches each task's files.
func queryTasks(ctx context.Context, db *sql.DB, stmt string, args ...any) ([]Task, error) {
	rows, err := db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	var seqs []int64
	for rows.Next() {
		var t Task
		var seq, submitted, updated int64
		var ended, seed, elapsed sql.NullInt64
		if err := rows.Scan(&seq, &t.ID, &t.Name, &t.Endpoint, &t.BaseURL, &submitted, &ended, &updated,
			&t.Status, &t.Reason, &t.TaskType, &t.BatchID, &t.Line, &t.Output, &t.Prompt, &seed, &elapsed,
			&t.DeliveredBy, &t.Sandbox, &t.Model, &t.Source); err != nil {
			return nil, err
		}
		t.SubmittedAt, t.UpdatedAt = fromMillis(submitted), fromMillis(updated)
		if ended.Valid {
			t.EndedAt = fromMillis(ended.Int64)
		}
		if seed.Valid {
			t.Seed = &seed.Int64
		}
		t.ElapsedMS = elapsed.Int64
		out = append(out, t)
		seqs = append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	files, err := filesOf(ctx, db, seqs)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Files = files[seqs[i]]
	}
	return out, nil
}

// filesOf loads the files of the tasks seqs, by task; a long list reads the whole table once instead.
func filesOf(ctx context.Context, db *sql.DB, seqs []int64) (map[int64][]FileRecord, error) {
	out := map[int64][]FileRecord{}
	if len(seqs) == 0 {
		return out, nil
	}
	stmt := `SELECT task, kind, idx, path, bytes, sha256, delivered_sha256, url_expires_at FROM files`
	var args []any
	if len(seqs) <= 500 {
		stmt += " WHERE task IN (?" + strings.Repeat(", ?", len(seqs)-1) + ")"
		for _, s := range seqs {
			args = append(args, s)
		}
	}
	rows, err := db.QueryContext(ctx, stmt+" ORDER BY task, kind, idx", args...)
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var f FileRecord
		var expires sql.NullInt64
		if err := rows.Scan(&seq, &f.Kind, &f.Index, &f.Path, &f.Bytes, &f.SHA256, &f.DeliveredSHA256, &expires); err != nil {
			return nil, err
		}
		if expires.Valid {
			f.URLExpiresAt = fromMillis(expires.Int64)
		}
		out[seq] = append(out[seq], f)
	}
	return out, rows.Err()
}
