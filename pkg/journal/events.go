package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Bounds on what an event keeps: a request body beyond MaxEventBody (a webhook is a few KiB; anyone
// can POST to a receiver) and a forward target's answer beyond MaxForwardBody are cut, and their
// *Bytes fields say how large they were.
const (
	MaxEventBody   = 1 << 20
	MaxForwardBody = 64 << 10
)

// Event is one webhook delivery seen by a receiver, and what forwarding it gave.
type Event struct {
	ID         int64       `json:"id"`
	ReceivedAt time.Time   `json:"received_at"`
	Source     string      `json:"source,omitempty"` // "listen", "submit", "test-event", "replay", ...
	TaskID     string      `json:"task_id,omitempty"`
	EventType  string      `json:"event_type,omitempty"`
	Status     string      `json:"status,omitempty"`
	TaskType   string      `json:"task_type,omitempty"`
	Method     string      `json:"method,omitempty"`
	Path       string      `json:"path,omitempty"`
	Headers    http.Header `json:"headers,omitempty"`
	Body       []byte      `json:"body,omitempty"`
	BodyBytes  int64       `json:"body_bytes"`          // the size received; larger than len(Body) when cut
	Duplicate  bool        `json:"duplicate,omitempty"` // a retry of a delivery already seen
	ReplayOf   int64       `json:"replay_of,omitempty"` // the event this one replays
	Forward    *Forward    `json:"forward,omitempty"`
}

// Forward is the answer of the target an event was forwarded to.
type Forward struct {
	To        string      `json:"to"`
	Status    int         `json:"status,omitempty"` // 0 when no answer came
	LatencyMS int64       `json:"latency_ms"`
	Headers   http.Header `json:"headers,omitempty"`
	Body      []byte      `json:"body,omitempty"`
	BodyBytes int64       `json:"body_bytes,omitempty"`
	Error     string      `json:"error,omitempty"` // why no answer came
}

// RecordEvent stores a delivery (and its forward result when already known) and returns its id.
func (j *Journal) RecordEvent(ctx context.Context, e Event) (int64, error) {
	if e.ReceivedAt.IsZero() {
		e.ReceivedAt = j.now()
	}
	if e.BodyBytes < int64(len(e.Body)) {
		e.BodyBytes = int64(len(e.Body))
	}
	body := cut(e.Body, MaxEventBody)
	headers, err := json.Marshal(orEmpty(e.Headers))
	if err != nil {
		return 0, err
	}
	var replayOf any
	if e.ReplayOf != 0 {
		replayOf = e.ReplayOf
	}
	var id int64
	err = j.write(ctx, "record an event in", func(w *wtx) error {
		err := w.scan(`INSERT INTO events (received_at, source, task_id, event_type, status,
				task_type, method, path, headers, body, body_bytes, duplicate, replay_of)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			[]any{millis(e.ReceivedAt), e.Source, e.TaskID, e.EventType, e.Status, e.TaskType, e.Method, e.Path,
				string(headers), body, e.BodyBytes, e.Duplicate, replayOf}, &id)
		if err != nil || e.Forward == nil {
			return err
		}
		return setForward(w, id, *e.Forward)
	})
	return id, err
}

// RecordForward stores what forwarding event id gave (replacing an earlier answer).
func (j *Journal) RecordForward(ctx context.Context, id int64, f Forward) error {
	return j.write(ctx, "record a forward result in", func(w *wtx) error {
		return setForward(w, id, f)
	})
}

func setForward(w *wtx, id int64, f Forward) error {
	if f.BodyBytes < int64(len(f.Body)) {
		f.BodyBytes = int64(len(f.Body))
	}
	headers, err := json.Marshal(orEmpty(f.Headers))
	if err != nil {
		return err
	}
	var status any
	if f.Status != 0 {
		status = f.Status
	}
	return w.exec(`UPDATE events SET forward_to = ?, forward_status = ?, forward_ms = ?,
		forward_headers = ?, forward_body = ?, forward_body_bytes = ?, forward_error = ? WHERE id = ?`,
		f.To, status, f.LatencyMS, string(headers), cut(f.Body, MaxForwardBody), f.BodyBytes, f.Error, id)
}

func cut(b []byte, max int) []byte {
	if b == nil {
		return []byte{}
	}
	if len(b) > max {
		return b[:max]
	}
	return b
}

func orEmpty(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	return h
}

// EventQuery selects events; zero fields do not filter.
type EventQuery struct {
	Status   string // "succeed" or TASK_STATUS_SUCCEED
	TaskType string // any case
	TaskID   string
	Text     string // found anywhere in the body (ASCII case-insensitive)
	AfterID  int64  // only events newer than this id, oldest first (a live tail pages forward)
	Limit    int    // 0: all
}

// Events returns the events q selects: newest first, or oldest first after AfterID.
func (j *Journal) Events(ctx context.Context, q EventQuery) ([]Event, error) {
	var out []Event
	err := j.read(func(db *sql.DB) (err error) {
		out, err = queryEvents(ctx, db, q)
		return err
	})
	return out, err
}

// EventByID returns one event, for a replay.
func (j *Journal) EventByID(ctx context.Context, id int64) (Event, bool, error) {
	var out []Event
	err := j.read(func(db *sql.DB) (err error) {
		out, err = selectEvents(ctx, db, " WHERE id = ?", id)
		return err
	})
	if err != nil || len(out) == 0 {
		return Event{}, false, err
	}
	return out[0], true, nil
}

func queryEvents(ctx context.Context, db *sql.DB, q EventQuery) ([]Event, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if q.Status != "" {
		add("status = ?", CanonicalStatus(q.Status))
	}
	if q.TaskType != "" {
		add("task_type = ? COLLATE NOCASE", q.TaskType)
	}
	if q.TaskID != "" {
		add("task_id = ?", q.TaskID)
	}
	if q.Text != "" {
		add(`CAST(body AS TEXT) LIKE ? ESCAPE '\'`, "%"+escapeLike(q.Text)+"%")
	}
	order := " ORDER BY id DESC"
	if q.AfterID > 0 {
		add("id > ?", q.AfterID)
		order = " ORDER BY id"
	}
	clause := ""
	if len(where) > 0 {
		clause = " WHERE " + strings.Join(where, " AND ")
	}
	clause += order
	if q.Limit > 0 {
		clause, args = clause+" LIMIT ?", append(args, q.Limit)
	}
	return selectEvents(ctx, db, clause, args...)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func selectEvents(ctx context.Context, db *sql.DB, clause string, args ...any) ([]Event, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, received_at, source, task_id, event_type, status, task_type,
		method, path, headers, body, body_bytes, duplicate, coalesce(replay_of, 0), forward_to,
		coalesce(forward_status, 0), coalesce(forward_ms, 0), coalesce(forward_headers, '{}'), forward_body,
		coalesce(forward_body_bytes, 0), forward_error FROM events`+clause, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var f Forward
		var received int64
		var headers, fwdHeaders string
		if err := rows.Scan(&e.ID, &received, &e.Source, &e.TaskID, &e.EventType, &e.Status, &e.TaskType,
			&e.Method, &e.Path, &headers, &e.Body, &e.BodyBytes, &e.Duplicate, &e.ReplayOf, &f.To,
			&f.Status, &f.LatencyMS, &fwdHeaders, &f.Body, &f.BodyBytes, &f.Error); err != nil {
			return nil, err
		}
		e.ReceivedAt = fromMillis(received)
		_ = json.Unmarshal([]byte(headers), &e.Headers)
		if f.To != "" || f.Error != "" {
			_ = json.Unmarshal([]byte(fwdHeaders), &f.Headers)
			e.Forward = &f
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
