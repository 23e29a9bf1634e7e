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
	"os"
	"strconv"
	"time"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/ui"
)

// AssumedURLTTL is how long an output URL is taken to stay valid after its task ended when the
// journal does not know its expiry: Novita's presigned URLs carry a TTL of 3600 s.
const AssumedURLTTL = time.Hour

// Store is the journal as a ui.Store.
type Store struct {
	Journal *journal.Journal
	Now     func() time.Time // nil = time.Now; decides which output URLs have expired
}

var _ ui.Store = (*Store)(nil)

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
		out[i] = viewTask(t, now)
	}
	return out, nil
}

// Task implements ui.Store, with the task's request.
func (s *Store) Task(ctx context.Context, id string) (ui.Task, error) {
	d, found, err := s.Journal.Get(ctx, id)
	if err != nil {
		return ui.Task{}, err
	}
	if !found {
		return ui.Task{}, ui.ErrNotFound
	}
	t := viewTask(d.Task, s.now())
	t.Request = d.Request
	return t, nil
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

func viewTask(t journal.Task, now time.Time) ui.Task {
	v := ui.Task{ID: t.ID, Task: t.Name, TaskType: t.TaskType, Status: t.Status, Reason: t.Reason, Prompt: t.Prompt,
		Seed: t.Seed, SubmittedAt: t.SubmittedAt, EndedAt: t.EndedAt, Files: make([]ui.TaskFile, len(t.Files))}
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
