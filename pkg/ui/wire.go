package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"time"
)

// eventJSON is an Event as the page and the NDJSON export see it.
type eventJSON struct {
	ID        string          `json:"id"`
	Received  time.Time       `json:"received"`
	Method    string          `json:"method"`
	Headers   http.Header     `json:"headers"`
	Body      json.RawMessage `json:"body"`
	BodyBytes int             `json:"body_bytes"`
	// BodyTruncated: body is a preview (a list, the live stream) or was cut when kept; the event's
	// own URL has all that was kept.
	BodyTruncated bool         `json:"body_truncated,omitempty"`
	EventType     string       `json:"event_type"`
	Status        string       `json:"status"`
	TaskType      string       `json:"task_type"`
	TaskID        string       `json:"task_id"`
	Outputs       int          `json:"outputs"`
	Duplicate     bool         `json:"duplicate"`
	ReplayOf      string       `json:"replay_of,omitempty"`
	Forward       *forwardJSON `json:"forward,omitempty"`
}

type forwardJSON struct {
	Target    string          `json:"target"`
	Status    int             `json:"status"`
	LatencyMS float64         `json:"latency_ms"`
	Headers   http.Header     `json:"headers"`
	Body      json.RawMessage `json:"body"`
	BodyBytes int             `json:"body_bytes"`
	// BodyTruncated: body is a preview (a list, the live stream) or was cut when kept; the event's
	// own URL has all that was kept.
	BodyTruncated bool   `json:"body_truncated,omitempty"`
	Error         string `json:"error,omitempty"`
}

// bodyJSON encodes a body as a JSON string (for the page, which shows text), or, with embed, as the
// JSON document itself when it is one (for the export, so that `jq .body.payload` works).
func bodyJSON(b []byte, embed bool) json.RawMessage {
	if embed && json.Valid(b) {
		var buf bytes.Buffer
		if json.Compact(&buf, b) == nil {
			return buf.Bytes()
		}
	}
	s, _ := json.Marshal(string(b)) // a string always encodes; invalid UTF-8 becomes U+FFFD
	return s
}

func toEventJSON(ev Event, embed bool) eventJSON {
	j := eventJSON{ID: ev.ID, Received: ev.Received, Method: ev.Method, Headers: headerOrEmpty(ev.Header),
		Body: bodyJSON(ev.Body, embed), BodyBytes: max(len(ev.Body), int(ev.BodyBytes)), BodyTruncated: ev.BodyBytes > int64(len(ev.Body)),
		EventType: ev.EventType, Status: ev.Status,
		TaskType: ev.TaskType, TaskID: ev.TaskID, Outputs: ev.Outputs, Duplicate: ev.Duplicate, ReplayOf: ev.ReplayOf}
	if ev.Forward != nil {
		fr := toForwardJSON(*ev.Forward, embed)
		j.Forward = &fr
	}
	return j
}

func toForwardJSON(fr ForwardResult, embed bool) forwardJSON {
	return forwardJSON{Target: fr.Target, Status: fr.Status, LatencyMS: float64(fr.Latency.Microseconds()) / 1000,
		Headers: headerOrEmpty(fr.Header), Body: bodyJSON(fr.Body, embed), BodyBytes: len(fr.Body), Error: fr.Err}
}

func headerOrEmpty(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	return h
}

// taskJSON is a Task as the gallery sees it; files carry the URL they are served under.
type taskJSON struct {
	ID               string     `json:"id"`
	Task             string     `json:"task"`
	TaskType         string     `json:"task_type"`
	Status           string     `json:"status"`
	Reason           string     `json:"reason,omitempty"`
	Prompt           string     `json:"prompt"`
	Seed             *string    `json:"seed"` // a string: JavaScript numbers lose digits past 2^53
	SubmittedAt      time.Time  `json:"submitted_at"`
	EndedAt          *time.Time `json:"ended_at,omitempty"`
	Request          *string    `json:"request"` // the JSON text as recorded
	Files            []fileJSON `json:"files"`
	CanDownloadAgain bool       `json:"can_download_again"`
	Model            string     `json:"model,omitempty"`
	NegativePrompt   string     `json:"negative_prompt,omitempty"`
	Sandbox          bool       `json:"sandbox,omitempty"`
	FromFile         bool       `json:"from_file,omitempty"`
}

type fileJSON struct {
	Kind        string `json:"kind"`
	Index       int    `json:"index"`
	Name        string `json:"name"`
	Path        string `json:"path"`
	Bytes       int64  `json:"bytes"`
	SHA256      string `json:"sha256"`
	Exists      bool   `json:"exists"`
	URLExpired  bool   `json:"url_expired"`
	URL         string `json:"url,omitempty"` // only for a file that exists
	ContentType string `json:"content_type"`
}

func toTaskJSON(t Task) taskJSON {
	j := taskJSON{ID: t.ID, Task: t.Task, TaskType: t.TaskType, Status: t.Status, Reason: t.Reason, Prompt: t.Prompt,
		SubmittedAt: t.SubmittedAt, Files: []fileJSON{}, CanDownloadAgain: canDownloadAgain(t),
		Model: t.Model, NegativePrompt: t.NegativePrompt, Sandbox: t.Sandbox, FromFile: t.FromFile}
	if !t.EndedAt.IsZero() {
		e := t.EndedAt
		j.EndedAt = &e
	}
	if t.Seed != nil {
		seed := strconv.FormatInt(*t.Seed, 10)
		j.Seed = &seed
	}
	if len(t.Request) > 0 {
		req := string(t.Request)
		j.Request = &req
	}
	for n, f := range t.Files {
		fj := fileJSON{Kind: f.Kind, Index: f.Index, Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256,
			Exists: f.Exists && f.Path != "", URLExpired: f.URLExpired, ContentType: contentType(f.Path)}
		if f.Path != "" {
			fj.Name = filepath.Base(f.Path)
		}
		if fj.Exists && !t.FromFile {
			fj.URL = fmt.Sprintf("files/%s/%d", url.PathEscape(t.ID), n)
		}
		j.Files = append(j.Files, fj)
	}
	return j
}

// canDownloadAgain: the task's server is known and still runs (an in-process sandbox ended with its
// command; a task known only from a file's metadata has none), and some output URL is still valid.
func canDownloadAgain(t Task) bool {
	if t.Sandbox || t.FromFile || !t.ServerKnown {
		return false
	}
	for _, f := range t.Files {
		if !f.URLExpired {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError answers {"error": msg}; the page shows msg as text.
func writeError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}
