package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Event is one webhook delivery as the inspector shows it. ID must be the same in the EventSource and
// in the Store, so that a live event and its persisted copy are shown once.
type Event struct {
	ID       string
	Received time.Time
	Method   string
	Header   http.Header
	Body     []byte // exactly as received, unless BodyBytes says it was cut when kept
	// BodyBytes is the size received when the kept Body is shorter (the journal cuts large bodies);
	// 0 means Body is whole.
	BodyBytes int64
	EventType string // "ASYNC_TASK_RESULT", or whatever the sender said
	Status    string // TASK_STATUS_SUCCEED, ... ("" when the payload did not decode)
	TaskType  string // TXT_TO_IMG, ...
	TaskID    string
	Outputs   int
	Duplicate bool           // a retry of an event seen before
	ReplayOf  string         // the ID of the event this one replays, when it is a replay
	Forward   *ForwardResult // nil when the event was not forwarded
}

// ForwardResult is what the forward target answered (listen --forward-to, or a replay).
type ForwardResult struct {
	Target  string
	Status  int // 0 when no answer came
	Latency time.Duration
	Header  http.Header
	Body    []byte
	Err     string // why there was no usable answer, e.g. "connection refused"
}

// EventFilter narrows an event list. Zero fields match everything.
type EventFilter struct {
	Status   string // canonical TASK_STATUS_* form
	TaskType string // as in Event.TaskType, compared case-insensitively
	Query    string // text searched in bodies, case-insensitively
	Limit    int    // newest first; always > 0 when the server calls the Store
}

// Task is one journal entry as the gallery shows it.
type Task struct {
	ID          string
	Task        string // catalog name: txt2img, wan-t2v, ...
	TaskType    string
	Status      string // canonical TASK_STATUS_* form, or whatever the journal holds
	Reason      string
	Prompt      string
	Seed        *int64 // nil when the request had none
	SubmittedAt time.Time
	EndedAt     time.Time // zero while pending
	Request     []byte    // the request body as JSON (large inputs already replaced by the journal)
	Files       []TaskFile
	// Provenance beyond the prompt and seed, from the request or a file's embedded metadata.
	Model, NegativePrompt string
	// Sandbox: the task ran in an in-process --sandbox simulator, gone since: nothing to download.
	Sandbox bool
	// FromFile: the journal never saw this task; it is known from a dropped file's embedded metadata.
	FromFile bool
	// ServerKnown: the task was submitted to the API this inspector downloads from (its outputs can
	// be read again there). A task of another base URL, or of an in-process sandbox that is gone, is not.
	ServerKnown bool
}

// TaskFile is one output of a task. Path is the only way a file reaches the browser: the server opens
// exactly this path and never one built from a request.
type TaskFile struct {
	Kind       string // image, video, audio
	Index      int    // 1-based within its kind
	Path       string // absolute; "" when the output was never downloaded
	Bytes      int64
	SHA256     string
	Exists     bool // Path is a file on disk now
	URLExpired bool // the output URL can no longer be downloaded
}

// TaskFilter narrows a task list. Zero fields match everything.
type TaskFilter struct {
	Status string // canonical TASK_STATUS_* form
	Task   string // catalog name
	Query  string // full-text search over prompts
	Limit  int    // newest first; always > 0 when the server calls the Store
}

// TestEvent asks for a test delivery.
type TestEvent struct {
	Status string // TASK_STATUS_SUCCEED or TASK_STATUS_FAILED
	Task   string // catalog name, e.g. txt2img
}

// SentTestEvent is the outcome of a test delivery.
type SentTestEvent struct {
	TaskID         string
	ReceiverStatus int // what the receiver answered
}

// EventSource is the live side: the receiver of `listen --ui` (Hub implements it).
type EventSource interface {
	// Recent returns up to limit of the latest events, newest first; all it keeps when limit <= 0.
	Recent(limit int) []Event
	// Subscribe calls fn for every event published from now on, until unsubscribe is called. fn does
	// not block (the server copies into a bounded buffer and drops a client that falls behind), so
	// the source may call it from its receiving goroutine.
	Subscribe(fn func(Event)) (unsubscribe func())
}

// Store is the persisted side: the journal.
type Store interface {
	ListEvents(ctx context.Context, f EventFilter) ([]Event, error)
	Event(ctx context.Context, id string) (Event, error) // ErrNotFound when unknown
	ListTasks(ctx context.Context, f TaskFilter) ([]Task, error)
	Task(ctx context.Context, id string) (Task, error) // ErrNotFound when unknown
}

// FileFinder is a Store that can also find the task of an output file dropped on the page: by its
// sha256 in the journal, or (with content) by the provenance embedded in it. ErrNotFound when
// neither knows it.
type FileFinder interface {
	TaskOfFile(ctx context.Context, sha256 string, content io.Reader) (Task, error)
}

// Actions are what the inspector's buttons do. Errors wrapping ErrUnavailable (see Unavailablef) are
// shown to the user as a conflict (409) with their message; any other error as a failure (502).
type Actions interface {
	// Replay sends body (ev.Body, or an edited copy already checked to be valid JSON) with ev's method
	// and headers to the forward target, and returns the answer.
	Replay(ctx context.Context, ev Event, body []byte) (ForwardResult, error)
	// SendTestEvent has a test event delivered to the receiver.
	SendTestEvent(ctx context.Context, te TestEvent) (SentTestEvent, error)
	// DownloadAgain downloads t's outputs again; the server calls it only when at least one of
	// t.Files has a URL that has not expired. It returns the files as they are now.
	DownloadAgain(ctx context.Context, t Task) ([]TaskFile, error)
}

// Unavailablef is an error wrapping ErrUnavailable whose message is exactly the formatted text.
func Unavailablef(format string, args ...any) error {
	return unavailable{fmt.Sprintf(format, args...)}
}

type unavailable struct{ msg string }

func (u unavailable) Error() string        { return u.msg }
func (u unavailable) Is(target error) bool { return target == ErrUnavailable }

var (
	// ErrNotFound is what a Store returns for an unknown id.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable marks an action that cannot run in this setting (no forward target, no
	// receiver, expired URLs); its message tells the user what to do instead.
	ErrUnavailable = errors.New("unavailable")
)
