// Package inspect owns the glue between the web inspector (pkg/ui) and the rest of the CLI: Store
// shows the journal's tasks and persisted webhook events through ui.Store, Recorder persists each
// delivery a listen session shows and publishes it to the inspector's live Hub under the same id,
// and Actions carries out the inspector's buttons with listen's forwarder and receiver.
//
// An event's id is its journal row id in decimal, so an event streamed live and the same event read
// back after a restart are one row in the page.
package inspect

import (
	"context"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/provenance"
	"github.com/novita-cli/novita/pkg/taskref"
	"github.com/novita-cli/novita/pkg/ui"
)

// AssumedURLTTL is how long an output URL is taken to stay valid after its task ended when the
// journal does not know its expiry: Novita's presigned URLs carry a TTL of 3600 s.
const AssumedURLTTL = time.Hour

// Store is the journal as a ui.Store.
type Store struct {
	Journal *journal.Journal
	Now     func() time.Time // nil = time.Now; decides which output URLs have expired
	// ServerKnown tells whether a task's recorded base URL is the API downloads go to now; nil:
	// any recorded base URL is.
	ServerKnown func(baseURL string) bool
}

var (
	_ ui.Store      = (*Store)(nil)
	_ ui.FileFinder = (*Store)(nil)
)

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ListEvents implements ui.Store.
func (s *Store) ListEvents(ctx context.Context, f ui.EventFilter) ([]ui.Event, error) {
	evs, err := s.Journal.Events(ctx, journal.EventQuery{Status: f.Status, TaskType: f.TaskType, Text: f.Query, Limit: f.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]ui.Event, len(evs))
	for i, e := range evs {
		out[i] = viewEvent(e)
	}
	return out, nil
}

// Event implements ui.Store: ids that are not journal row ids are unknown.
func (s *Store) Event(ctx context.Context, id string) (ui.Event, error) {
	n, ok := rowID(id)
	if !ok {
		return ui.Event{}, ui.ErrNotFound
	}
	e, found, err := s.Journal.EventByID(ctx, n)
	if err != nil {
		return ui.Event{}, err
	}
	if !found {
		return ui.Event{}, ui.ErrNotFound
	}
	return viewEvent(e), nil
}

// ListTasks implements ui.Store.
func (s *Store) ListTasks(ctx context.Context, f ui.TaskFilter) ([]ui.Task, error) {
	q := journal.Query{Task: f.Task, Text: f.Query, Limit: f.Limit}
	if f.Status != "" {
		q.Status = []string{f.Status}
	}
	ts, err := s.Journal.List(ctx, q)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]ui.Task, len(ts))
	for i, t := range ts {
		out[i] = s.viewTask(t, now)
	}
	return out, nil
}

// Task implements ui.Store, with the task's request. The id may be a unique prefix, as on the
// command line (never a file path: a URL must not reach the file system); an ambiguous one is a
// conflict naming the candidates.
func (s *Store) Task(ctx context.Context, id string) (ui.Task, error) {
	ref, err := taskref.ResolveID(ctx, s.Journal, id)
	if err != nil {
		return ui.Task{}, ui.Unavailablef("%v", err)
	}
	if ref.Warning != nil {
		return ui.Task{}, ref.Warning
	}
	d, found, err := s.Journal.Get(ctx, ref.ID)
	if err != nil {
		return ui.Task{}, err
	}
	if !found {
		return ui.Task{}, ui.ErrNotFound
	}
	t := s.viewTask(d.Task, s.now())
	t.Request = d.Request
	_, t.NegativePrompt = provenance.RequestFields(d.Request)
	return t, nil
}

// TaskOfFile implements ui.FileFinder: the task with an output of this sha256 (delivered or final),
// else the one the file's embedded provenance names (from the journal when it knows it, else as the
// file tells it).
func (s *Store) TaskOfFile(ctx context.Context, sum string, content io.Reader) (ui.Task, error) {
	ids, err := s.Journal.IDsWithFile(ctx, sum)
	if err != nil {
		return ui.Task{}, err
	}
	if len(ids) > 0 {
		return s.Task(ctx, ids[0])
	}
	if content == nil {
		return ui.Task{}, ui.ErrNotFound
	}
	b, err := io.ReadAll(content)
	if err != nil {
		return ui.Task{}, err
	}
	rec, ok := provenance.ReadBytes(b)
	if !ok {
		return ui.Task{}, ui.ErrNotFound
	}
	if t, err := s.Task(ctx, rec.TaskID); err == nil {
		return t, nil
	}
	return ui.Task{ID: rec.TaskID, Task: rec.Task, Prompt: rec.Prompt, Seed: rec.Seed, SubmittedAt: rec.CreatedAt,
		Request: rec.Request, Model: rec.Model, NegativePrompt: rec.NegativePrompt, FromFile: true,
		Files: []ui.TaskFile{{Kind: rec.Kind, Index: rec.Index, Bytes: int64(len(b)), SHA256: sum, URLExpired: true}}}, nil
}

func rowID(id string) (int64, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil && n > 0 && strconv.FormatInt(n, 10) == id
}

func viewEvent(e journal.Event) ui.Event {
	ev := ui.Event{ID: strconv.FormatInt(e.ID, 10), Received: e.ReceivedAt, Method: e.Method, Header: e.Headers,
		Body: e.Body, EventType: e.EventType, Status: e.Status, TaskType: e.TaskType, TaskID: e.TaskID,
		Duplicate: e.Duplicate, Outputs: outputs(e.Body)}
	if e.BodyBytes > int64(len(e.Body)) {
		ev.BodyBytes = e.BodyBytes // kept cut: shown as such, never replayed as if whole
	}
	if e.ReplayOf != 0 {
		ev.ReplayOf = strconv.FormatInt(e.ReplayOf, 10)
	}
	if f := e.Forward; f != nil {
		ev.Forward = &ui.ForwardResult{Target: f.To, Status: f.Status, Latency: time.Duration(f.LatencyMS) * time.Millisecond,
			Header: f.Headers, Body: f.Body, Err: f.Error}
	}
	return ev
}

// outputs counts the files a delivery announces (the journal keeps the body, not the count).
func outputs(body []byte) int {
	_, res, err := novita.DecodeEvent(body)
	if err != nil || res == nil {
		return 0
	}
	return len(res.Outputs())
}

func (s *Store) viewTask(t journal.Task, now time.Time) ui.Task {
	v := ui.Task{ID: t.ID, Task: t.Name, TaskType: t.TaskType, Status: t.Status, Reason: t.Reason, Prompt: t.Prompt,
		Seed: t.Seed, SubmittedAt: t.SubmittedAt, EndedAt: t.EndedAt, Files: make([]ui.TaskFile, len(t.Files)), Sandbox: t.Sandbox,
		Model: t.Model, ServerKnown: t.BaseURL != "" && (s.ServerKnown == nil || s.ServerKnown(t.BaseURL))}
	for i, f := range t.Files {
		v.Files[i] = ui.TaskFile{Kind: f.Kind, Index: f.Index, Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256,
			Exists: isFile(f.Path), URLExpired: urlExpired(f, t, now)}
	}
	return v
}

func isFile(path string) bool {
	if path == "" {
		return false
	}
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// urlExpired uses the expiry the journal recorded, else assumes AssumedURLTTL from the moment the
// task was seen to end (its URLs were issued then). A task that did not succeed has nothing to fetch.
func urlExpired(f journal.FileRecord, t journal.Task, now time.Time) bool {
	if !f.URLExpiresAt.IsZero() {
		return !now.Before(f.URLExpiresAt)
	}
	if journal.CanonicalStatus(t.Status) != string(novita.StatusSucceed) {
		return true
	}
	issued := t.EndedAt
	if issued.IsZero() {
		issued = t.UpdatedAt
	}
	return issued.IsZero() || !now.Before(issued.Add(AssumedURLTTL))
}
