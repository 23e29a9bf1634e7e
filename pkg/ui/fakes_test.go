package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/novita-cli/novita/pkg/provenance"
	"github.com/novita-cli/novita/pkg/testmain"
)

// TestMain stops the shared chromium before looking for leaked goroutines (its connection's are ours).
func TestMain(m *testing.M) {
	testmain.SkipRaceExitPause()
	code := m.Run()
	chromium.close()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: errors on successful test run: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// fakeStore is an in-memory Store: what the journal will be for the lead.
type fakeStore struct {
	mu     sync.Mutex
	events []Event
	tasks  []Task
}

func (s *fakeStore) ListEvents(_ context.Context, f EventFilter) ([]Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Event
	for i := len(s.events) - 1; i >= 0 && len(out) < f.Limit; i-- {
		if matchEvent(s.events[i], f) {
			out = append(out, s.events[i])
		}
	}
	return out, nil
}

func (s *fakeStore) Event(_ context.Context, id string) (Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range s.events {
		if ev.ID == id {
			return ev, nil
		}
	}
	return Event{}, ErrNotFound
}

func (s *fakeStore) ListTasks(_ context.Context, f TaskFilter) ([]Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Task
	for i := len(s.tasks) - 1; i >= 0 && len(out) < f.Limit; i-- {
		t := s.tasks[i]
		if (f.Status == "" || t.Status == f.Status) && (f.Task == "" || t.Task == f.Task) &&
			(f.Query == "" || strings.Contains(strings.ToLower(t.Prompt), strings.ToLower(f.Query))) {
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *fakeStore) Task(_ context.Context, id string) (Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tasks {
		if t.ID == id {
			return t, nil
		}
	}
	return Task{}, ErrNotFound
}

// TaskOfFile finds a task by a file's sha256, else by the provenance embedded in content.
func (s *fakeStore) TaskOfFile(_ context.Context, sum string, content io.Reader) (Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tasks {
		for _, f := range t.Files {
			if f.SHA256 != "" && f.SHA256 == sum {
				return t, nil
			}
		}
	}
	if content == nil {
		return Task{}, ErrNotFound
	}
	b, _ := io.ReadAll(content)
	rec, ok := provenance.ReadBytes(b)
	if !ok {
		return Task{}, ErrNotFound
	}
	return Task{ID: rec.TaskID, Task: rec.Task, Prompt: rec.Prompt, Seed: rec.Seed, Model: rec.Model, FromFile: true,
		Request: rec.Request, Files: []TaskFile{{Kind: rec.Kind, Index: rec.Index, SHA256: sum, Bytes: int64(len(b)), URLExpired: true}}}, nil
}

func (s *fakeStore) addEvents(evs ...Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, evs...)
}

func (a *fakeActions) setReplayErr(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.replayErr = err
}

// calls returns the test events and downloads the actions were asked for.
func (a *fakeActions) calls() ([]TestEvent, []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.testEvents), slices.Clone(a.downloaded)
}

func (s *fakeStore) addTask(t Task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tasks = append(s.tasks, t)
}

// fakeActions forwards replays to a real HTTP target and delivers test events into the hub, as
// listen's receiver would.
type fakeActions struct {
	target string
	client *http.Client
	hub    *Hub
	now    func() time.Time

	mu         sync.Mutex
	downloaded []string // task ids
	testEvents []TestEvent
	replayErr  error
}

func (a *fakeActions) Replay(ctx context.Context, ev Event, body []byte) (ForwardResult, error) {
	a.mu.Lock()
	rerr := a.replayErr
	a.mu.Unlock()
	if rerr != nil {
		return ForwardResult{}, rerr
	}
	req, err := http.NewRequestWithContext(ctx, ev.Method, a.target, bytes.NewReader(body))
	if err != nil {
		return ForwardResult{}, err
	}
	for k, vs := range ev.Header {
		req.Header[k] = slices.Clone(vs)
	}
	start := time.Now()
	resp, err := a.client.Do(req)
	if err != nil {
		return ForwardResult{Target: a.target, Err: err.Error()}, nil
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	return ForwardResult{Target: a.target, Status: resp.StatusCode, Latency: time.Since(start), Header: resp.Header, Body: rb}, nil
}

func (a *fakeActions) SendTestEvent(_ context.Context, te TestEvent) (SentTestEvent, error) {
	a.mu.Lock()
	a.testEvents = append(a.testEvents, te)
	n := len(a.testEvents)
	a.mu.Unlock()
	id := fmt.Sprintf("test-%d", n)
	body := fmt.Sprintf(`{"event_type":"ASYNC_TASK_RESULT","payload":{"task":{"task_id":%q,"status":%q,"task_type":"TXT_TO_IMG"}}}`, id, te.Status)
	a.hub.Publish(Event{Received: a.now(), Method: "POST", Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(body), EventType: "ASYNC_TASK_RESULT", Status: te.Status, TaskType: "TXT_TO_IMG", TaskID: id})
	return SentTestEvent{TaskID: id, ReceiverStatus: 200}, nil
}

func (a *fakeActions) DownloadAgain(_ context.Context, t Task) ([]TaskFile, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.downloaded = append(a.downloaded, t.ID)
	return t.Files, nil
}

// forwardTarget is the developer's app: it records every body it receives.
type forwardTarget struct {
	srv    *httptest.Server
	bodies chan []byte
}

func newForwardTarget(t *testing.T) *forwardTarget {
	ft := &forwardTarget{bodies: make(chan []byte, 100)}
	ft.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ft.bodies <- b
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"received":true}`)
	}))
	t.Cleanup(ft.srv.Close)
	return ft
}

// next waits for the next body the target received.
func (ft *forwardTarget) next(t *testing.T) []byte {
	t.Helper()
	select {
	case b := <-ft.bodies:
		return b
	case <-time.After(10 * time.Second):
		t.Fatal("the forward target received nothing")
		return nil
	}
}

// fixture is one server with a hub, a store and actions, serving on 127.0.0.1.
type fixture struct {
	srv     *Server
	hub     *Hub
	store   *fakeStore
	actions *fakeActions
	target  *forwardTarget
	base    string // http://127.0.0.1:port
	token   string
	client  *http.Client
}

func newFixture(t *testing.T, tweak func(*Options)) *fixture {
	t.Helper()
	f := &fixture{hub: NewHub(0, 0), store: &fakeStore{}, target: newForwardTarget(t)}
	now := func() time.Time { return time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC) }
	f.actions = &fakeActions{target: f.target.srv.URL, client: &http.Client{Transport: &http.Transport{}}, hub: f.hub, now: time.Now}
	t.Cleanup(f.actions.client.CloseIdleConnections)
	opts := Options{Addr: "127.0.0.1:0", Events: f.hub, Store: f.store, Actions: f.actions, Now: now}
	if tweak != nil {
		tweak(&opts)
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.token, f.base = srv, srv.Token(), "http://"+srv.Addr()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	f.client = &http.Client{Transport: &http.Transport{}}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		f.client.CloseIdleConnections()
	})
	return f
}

// do sends a request with the token in the query string unless the path already has a query
// or noToken is set; extra headers come in pairs.
func (f *fixture) do(t *testing.T, method, path string, body string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, f.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	q := req.URL.Query()
	if q.Get("token") == "" && !strings.Contains(path, "notoken") {
		q.Set("token", f.token)
		req.URL.RawQuery = q.Encode()
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if strings.EqualFold(headers[i], "Host") {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// read returns the status and body of a response and closes it.
func read(t *testing.T, resp *http.Response) (int, string) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func sampleBody(taskID, status string) []byte {
	return []byte(fmt.Sprintf(`{"event_type":"ASYNC_TASK_RESULT","payload":{"task":{"task_id":%q,"status":%q,"task_type":"TXT_TO_IMG"},"images":[{"image_url":"https://example.invalid/a.png","image_type":"png"}]}}`, taskID, status))
}

func sampleEvent(id, taskID, status string, at time.Time) Event {
	return Event{ID: id, Received: at, Method: "POST", Header: http.Header{"Content-Type": {"application/json"}, "User-Agent": {"Go-http-client/2.0"}},
		Body: sampleBody(taskID, status), EventType: "ASYNC_TASK_RESULT", Status: status, TaskType: "TXT_TO_IMG", TaskID: taskID, Outputs: 1}
}
