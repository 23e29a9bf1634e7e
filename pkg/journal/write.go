package journal

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Sources say who reported a status (status_history.source, tasks.delivered_by).
const (
	SourceSubmit  = "submit"  // the submit's answer
	SourcePoll    = "poll"    // the task-result endpoint
	SourceWebhook = "webhook" // a webhook delivery
	SourceImport  = "import"  // the first release's tasks.jsonl
)

// SubmitterMCP is Submitted.Source (tasks.source) for a task an AI agent submitted through `novita mcp`.
const SubmitterMCP = "mcp"

// Submitted is a task the API accepted.
type Submitted struct {
	TaskID      string
	Task        string // the catalog name (txt2img, wan-t2v, ...)
	Endpoint    string
	BaseURL     string
	SubmittedAt time.Time // zero: now
	Status      string    // as the submit answered, usually TASK_STATUS_QUEUED; "" records none
	BatchID     string
	Line        int
	Output      string // the -o template, so a resume writes where the submit would have
	Request     []byte // the JSON body sent; stored through ElideRequest, its prompt and seed extracted (not JSON: not kept)
	// Sandbox marks a task of an in-process simulator that ends with the command: it is never pending
	// after that.
	Sandbox bool
	Source  string // who submitted it: "" for the command line, SubmitterMCP for `novita mcp`
}

// StatusUpdate is a status seen for a task.
type StatusUpdate struct {
	TaskID   string
	At       time.Time // zero: now
	Status   string
	Reason   string
	TaskType string // the API's task_type (TXT_TO_IMG, ...), when the result said it
	Source   string // SourcePoll, SourceWebhook, ...
	Seed     *int64 // the seed the result reports (extra.seed): replaces the request's (-1 asks for a random one)
}

// RecordSubmitted stores a submitted task in one durable transaction: when it returns, a crash or kill
// of this process cannot lose the task. A task already known (from a status seen first) is completed.
func (j *Journal) RecordSubmitted(ctx context.Context, s Submitted) error {
	row := taskRow{id: s.TaskID, task: s.Task, endpoint: s.Endpoint, baseURL: s.BaseURL, at: s.SubmittedAt,
		submittedAt: s.SubmittedAt, batchID: s.BatchID, line: s.Line, output: s.Output, sandbox: s.Sandbox}
	// A body that is not JSON (the API would have refused it) is not kept; the task still is.
	if stored, _, err := ElideRequest(s.Request); err == nil {
		row.request = stored
		v, _ := decodeJSON(s.Request)
		row.prompt, row.model = promptOf(v), modelOf(v)
		if seed, ok := seedOf(v); ok {
			row.seed = &seed
		}
	}
	if j.fill(&row).submittedAt.IsZero() {
		row.submittedAt = row.at
	}
	return j.write(ctx, "record task "+s.TaskID+" in", func(w *wtx) error {
		seq, err := upsertTask(w, &row)
		if err != nil {
			return err
		}
		if s.Source != "" {
			if err := w.exec(`UPDATE tasks SET source = ? WHERE seq = ?`, s.Source, seq); err != nil {
				return err
			}
		}
		if s.Status == "" {
			return nil
		}
		return applyStatus(w, seq, StatusUpdate{At: row.at, Status: s.Status, Source: SourceSubmit})
	})
}

// RecordStatus stores a status seen for a task (creating the task when it is unknown). A final status
// (SUCCEED, FAILED) sets the task's end time, elapsed time and who delivered it, once. A status earlier
// in a task's life than its current one (QUEUED after PROCESSING, anything after the end) is kept in the
// history only.
func (j *Journal) RecordStatus(ctx context.Context, u StatusUpdate) error {
	row := taskRow{id: u.TaskID, at: u.At, taskType: u.TaskType, seed: u.Seed}
	return j.write(ctx, "record the status of "+u.TaskID+" in", func(w *wtx) error {
		seq, err := upsertTask(w, j.fill(&row))
		if err != nil {
			return err
		}
		u.At = row.at
		return applyStatus(w, seq, u)
	})
}

// RecordFiles stores a task's outputs, replacing what was known of each (kind, index). Relative paths
// are made absolute against the working directory (the one they were written relative to).
func (j *Journal) RecordFiles(ctx context.Context, taskID string, files []FileRecord) error {
	files, err := absolute(files)
	if err != nil {
		return err
	}
	row := taskRow{id: taskID}
	return j.write(ctx, "record the files of "+taskID+" in", func(w *wtx) error {
		seq, err := upsertTask(w, j.fill(&row))
		if err != nil {
			return err
		}
		return upsertFiles(w, seq, files)
	})
}

func absolute(files []FileRecord) ([]FileRecord, error) {
	out := make([]FileRecord, len(files))
	for i, f := range files {
		if f.Path != "" && !filepath.IsAbs(f.Path) {
			abs, err := filepath.Abs(f.Path)
			if err != nil {
				return nil, fmt.Errorf("journal: file %s: %w", f.Path, err)
			}
			f.Path = abs
		}
		out[i] = f
	}
	return out, nil
}

// taskRow is what one write knows of a task; empty fields leave the stored ones alone.
type taskRow struct {
	id, task, endpoint, baseURL, batchID, output, taskType, prompt, model string
	at, submittedAt                                                       time.Time
	line                                                                  int
	request                                                               []byte
	seed                                                                  *int64
	sandbox                                                               bool
}

// fill defaults the row's time to now.
func (j *Journal) fill(r *taskRow) *taskRow {
	if r.at.IsZero() {
		r.at = j.now()
	}
	return r
}

// upsertTask creates the task or merges r into it, and returns its seq. A task first seen through a
// status or files gets that time as its submission time until the submit itself is recorded.
func upsertTask(w *wtx, r *taskRow) (int64, error) {
	if r.id == "" {
		return 0, fmt.Errorf("a task without an id")
	}
	submitted := r.submittedAt
	if submitted.IsZero() {
		submitted = r.at
	}
	var req any
	if r.request != nil {
		req = string(r.request)
	}
	var seq int64
	err := w.scan(`INSERT INTO tasks (id, task, endpoint, base_url, submitted_at, updated_at,
			batch_id, line, output, task_type, request, seed, prompt, sandbox, model)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?15, ?16)
		ON CONFLICT (id) DO UPDATE SET
			task = iif(?2 != '', ?2, task), endpoint = iif(?3 != '', ?3, endpoint),
			base_url = iif(?4 != '', ?4, base_url),
			submitted_at = iif(?14, ?5, submitted_at), updated_at = max(updated_at, ?6),
			elapsed_ms = iif(?14 AND ended_at IS NOT NULL, max(0, ended_at - ?5), elapsed_ms),
			batch_id = iif(?7 != '', ?7, batch_id), line = iif(?8 != 0, ?8, line),
			output = iif(?9 != '', ?9, output), task_type = iif(?10 != '', ?10, task_type),
			request = coalesce(?11, request), seed = coalesce(?12, seed), prompt = iif(?13 != '', ?13, prompt),
			sandbox = max(sandbox, ?15), model = iif(?16 != '', ?16, model)
		RETURNING seq`,
		[]any{r.id, r.task, r.endpoint, r.baseURL, millis(submitted), millis(r.at), r.batchID, r.line, r.output,
			r.taskType, req, r.seed, r.prompt, !r.submittedAt.IsZero(), r.sandbox, r.model}, &seq)
	return seq, err
}

// applyStatus moves the task to u's status (and reason) and records the change in its history.
// A repeat of the current status and reason changes nothing.
func applyStatus(w *wtx, seq int64, u StatusUpdate) error {
	if u.Status == "" && u.Reason == "" {
		return nil
	}
	var status, reason string
	var ended sql.NullInt64
	if err := w.scan(`SELECT status, reason, ended_at FROM tasks WHERE seq = ?`, []any{seq}, &status, &reason, &ended); err != nil {
		return err
	}
	next := u.Status
	if next == "" {
		next = status // a reason alone keeps the status
	}
	if next == status && u.Reason == reason {
		return nil
	}
	at := millis(u.At)
	if err := w.exec(`INSERT INTO status_history (task, at, status, reason, source) VALUES (?, ?, ?, ?, ?)`,
		seq, at, next, u.Reason, u.Source); err != nil {
		return err
	}
	switch {
	case rank(next) < rank(status):
		return nil // a late report of an earlier state (a poll answer after the webhook): history only
	case Final(next) && !ended.Valid:
		return w.exec(`UPDATE tasks SET status = ?, reason = ?, ended_at = ?,
			elapsed_ms = max(0, ? - submitted_at), delivered_by = ? WHERE seq = ?`, next, u.Reason, at, at, u.Source, seq)
	default:
		return w.exec(`UPDATE tasks SET status = ?, reason = ? WHERE seq = ?`, next, u.Reason, seq)
	}
}

// rank orders statuses the way a task moves through them, so a stale report never moves it back.
func rank(status string) int {
	switch {
	case status == "":
		return 0
	case Final(status):
		return 3
	case strings.HasSuffix(strings.ToUpper(status), "QUEUED"):
		return 1
	}
	return 2
}

// Final reports whether a status is one a task does not leave (SUCCEED, FAILED).
func Final(status string) bool {
	s := strings.TrimPrefix(strings.ToUpper(status), "TASK_STATUS_")
	return s == "SUCCEED" || s == "FAILED"
}

func upsertFiles(w *wtx, seq int64, files []FileRecord) error {
	for _, f := range files {
		var expires any
		if !f.URLExpiresAt.IsZero() {
			expires = millis(f.URLExpiresAt)
		}
		if err := w.exec(`INSERT INTO files (task, kind, idx, path, bytes, sha256, url_expires_at, delivered_sha256)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
			ON CONFLICT (task, kind, idx) DO UPDATE SET
				path = iif(?4 != '', ?4, path), bytes = iif(?4 != '', ?5, bytes),
				sha256 = iif(?4 != '', ?6, sha256), url_expires_at = coalesce(?7, url_expires_at),
				delivered_sha256 = iif(?4 != '', ?8, delivered_sha256)`,
			seq, f.Kind, f.Index, f.Path, f.Bytes, f.SHA256, expires, f.DeliveredSHA256); err != nil {
			return err
		}
	}
	return nil
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
