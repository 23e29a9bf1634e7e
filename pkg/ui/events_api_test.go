package ui

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func decodeEvents(t *testing.T, body string) []eventJSON {
	t.Helper()
	var out []eventJSON
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return out
}

func ids(evs []eventJSON) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.ID)
	}
	return strings.Join(s, ",")
}

func TestEventListMergesStoreAndLiveNewestFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	t0 := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	f.store.addEvents(
		sampleEvent("s1", "task-a", "TASK_STATUS_SUCCEED", t0),
		sampleEvent("both", "task-b", "TASK_STATUS_FAILED", t0.Add(2*time.Second)))
	f.hub.Publish(sampleEvent("both", "task-b", "TASK_STATUS_FAILED", t0.Add(2*time.Second)))
	f.hub.Publish(sampleEvent("live", "task-c", "TASK_STATUS_SUCCEED", t0.Add(3*time.Second)))

	code, body := read(t, f.do(t, "GET", "/api/events", ""))
	if got := ids(decodeEvents(t, body)); code != 200 || got != "live,both,s1" {
		t.Fatalf("list: %d %s, want live,both,s1 (each once, newest first)", code, got)
	}
	_, body = read(t, f.do(t, "GET", "/api/events?status=failed", ""))
	if got := ids(decodeEvents(t, body)); got != "both" {
		t.Errorf("status=failed: %s", got)
	}
	_, body = read(t, f.do(t, "GET", "/api/events?q=TASK-C", ""))
	if got := ids(decodeEvents(t, body)); got != "live" {
		t.Errorf("q=TASK-C: %s", got)
	}
	_, body = read(t, f.do(t, "GET", "/api/events?limit=1", ""))
	if got := ids(decodeEvents(t, body)); got != "live" {
		t.Errorf("limit=1: %s", got)
	}
	for _, q := range []string{"status=DONE", "limit=0", "limit=abc", "q=" + strings.Repeat("x", 2000)} {
		if code, body := read(t, f.do(t, "GET", "/api/events?"+q, "")); code != 400 || !strings.Contains(body, "error") {
			t.Errorf("%s: %d %q, want 400 with a message", q, code, body)
		}
	}
}

func TestEventDetailShowsBodyHeadersAndForward(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ev := sampleEvent("e1", "task-1", "TASK_STATUS_SUCCEED", time.Now())
	ev.Forward = &ForwardResult{Target: "http://127.0.0.1:3000/hook", Status: 500, Latency: 1500 * time.Microsecond,
		Header: http.Header{"X-App": {"1"}}, Body: []byte(`{"oops":true}`)}
	f.store.addEvents(ev)
	code, body := read(t, f.do(t, "GET", "/api/events/e1", ""))
	var got eventJSON
	if err := json.Unmarshal([]byte(body), &got); err != nil || code != 200 {
		t.Fatalf("%d %q %v", code, body, err)
	}
	var bodyText string
	_ = json.Unmarshal(got.Body, &bodyText)
	if bodyText != string(ev.Body) || got.Headers.Get("User-Agent") == "" || got.Forward == nil ||
		got.Forward.Status != 500 || got.Forward.LatencyMS != 1.5 || got.Forward.Headers.Get("X-App") != "1" {
		t.Errorf("detail = %+v", got)
	}
	if code, _ := read(t, f.do(t, "GET", "/api/events/nope", "")); code != 404 {
		t.Errorf("unknown id: %d, want 404", code)
	}
}

func TestExportIsNDJSONWithBodiesEmbedded(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	t0 := time.Now()
	f.hub.Publish(sampleEvent("e1", "task-1", "TASK_STATUS_SUCCEED", t0))
	f.hub.Publish(sampleEvent("e2", "task-2", "TASK_STATUS_FAILED", t0.Add(time.Second)))
	bad := sampleEvent("e3", "", "", t0.Add(2*time.Second))
	bad.Body = []byte("not json\nat all")
	f.hub.Publish(bad)

	resp := f.do(t, "GET", "/api/events/export", "")
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-ndjson") {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `attachment; filename="novita-events-20260314-150926.ndjson"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	sc := bufio.NewScanner(resp.Body)
	var lines []map[string]any
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	if _, ok := lines[2]["body"].(map[string]any); !ok || lines[2]["id"] != "e1" {
		t.Errorf("a JSON body is embedded as an object: %v", lines[2])
	}
	if lines[0]["body"] != "not json\nat all" {
		t.Errorf("a non-JSON body is kept as a string: %v", lines[0]["body"])
	}
	_, body := read(t, f.do(t, "GET", "/api/events/export?status=FAILED", ""))
	if n := strings.Count(body, "\n"); n != 1 || !strings.Contains(body, `"e2"`) {
		t.Errorf("filtered export: %q", body)
	}
}

func TestReplaySendsTheSameBodyToTheTarget(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ev := f.hub.Publish(sampleEvent("e1", "task-1", "TASK_STATUS_SUCCEED", time.Now()))
	code, body := read(t, f.do(t, "POST", "/api/events/e1/replay", ""))
	if code != 200 || !strings.Contains(body, `"status":200`) {
		t.Fatalf("replay: %d %s", code, body)
	}
	if got := f.target.next(t); string(got) != string(ev.Body) {
		t.Errorf("target got %s, want %s", got, ev.Body)
	}
	if code, _ := read(t, f.do(t, "POST", "/api/events/unknown/replay", "")); code != 404 {
		t.Errorf("replay of an unknown event: %d", code)
	}
}

func TestEditAndReplayValidatesJSONFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.hub.Publish(sampleEvent("e1", "task-1", "TASK_STATUS_SUCCEED", time.Now()))
	for _, bad := range []string{"", "   ", `{"event_type": }`, `{"a":1} trailing`, `{"a":1`} {
		code, body := read(t, f.do(t, "POST", "/api/events/e1/replay-edited", bad))
		if code != 400 || !strings.Contains(body, "not valid JSON") {
			t.Errorf("body %q: %d %q, want 400 saying it is not valid JSON", bad, code, body)
		}
	}
	select {
	case b := <-f.target.bodies:
		t.Fatalf("an invalid edit was sent: %q", b)
	default:
	}
	edited := `{"event_type":"ASYNC_TASK_RESULT","payload":{"task":{"status":"TASK_STATUS_FAILED"}}}`
	if code, body := read(t, f.do(t, "POST", "/api/events/e1/replay-edited", edited)); code != 200 {
		t.Fatalf("valid edit: %d %s", code, body)
	}
	if got := f.target.next(t); string(got) != edited {
		t.Errorf("target got %s, want the edited body", got)
	}
	big := `{"x":"` + strings.Repeat("a", maxEditedBody) + `"}`
	if code, _ := read(t, f.do(t, "POST", "/api/events/e1/replay-edited", big)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized edit: %d, want 413", code)
	}
}

func TestSendTestEvent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	for _, bad := range []string{`{"status":"QUEUED"}`, `{"status":"nope"}`, `{"task":"txt2img; rm -rf /"}`, `not json`} {
		if code, body := read(t, f.do(t, "POST", "/api/test-event", bad)); code != 400 || !strings.Contains(body, "error") {
			t.Errorf("%s: %d %q, want 400", bad, code, body)
		}
	}
	code, body := read(t, f.do(t, "POST", "/api/test-event", `{"status":"failed","task":"wan-t2v"}`))
	if code != 200 || !strings.Contains(body, `"receiver_status":200`) {
		t.Fatalf("%d %s", code, body)
	}
	if got, _ := f.actions.calls(); len(got) != 1 || got[0] != (TestEvent{Status: "TASK_STATUS_FAILED", Task: "wan-t2v"}) {
		t.Errorf("actions got %+v", got)
	}
	if r := f.hub.Recent(1); len(r) != 1 || r[0].Status != "TASK_STATUS_FAILED" {
		t.Errorf("the test event did not reach the hub: %+v", r)
	}
}

func TestActionsUnavailable(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.Actions = nil })
	f.hub.Publish(sampleEvent("e1", "task-1", "TASK_STATUS_SUCCEED", time.Now()))
	for _, p := range []string{"/api/events/e1/replay", "/api/test-event"} {
		if code, body := read(t, f.do(t, "POST", p, "{}")); code != 409 || !strings.Contains(body, "novita listen --ui") {
			t.Errorf("%s without actions: %d %q", p, code, body)
		}
	}

	g := newFixture(t, nil)
	g.hub.Publish(sampleEvent("e1", "task-1", "TASK_STATUS_SUCCEED", time.Now()))
	g.actions.setReplayErr(fmt.Errorf("wrapped: %w", Unavailablef("no forward target: start listen with --forward-to")))
	if code, body := read(t, g.do(t, "POST", "/api/events/e1/replay", "")); code != 409 || !strings.Contains(body, "start listen with --forward-to") {
		t.Errorf("unavailable replay: %d %q", code, body)
	}
	g.actions.setReplayErr(fmt.Errorf("boom"))
	if code, body := read(t, g.do(t, "POST", "/api/events/e1/replay", "")); code != 502 || !strings.Contains(body, "boom") {
		t.Errorf("failed replay: %d %q", code, body)
	}
}
