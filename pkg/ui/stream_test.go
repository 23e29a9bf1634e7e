package ui

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// waitFor polls cond until it holds; the deadline only turns a hang into a failure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a bound on a hang, not a speed check
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type sseMessage struct{ id, event, data string }

// readSSE reads the next message with data, skipping comments.
func readSSE(t *testing.T, r *bufio.Reader) sseMessage {
	t.Helper()
	var m sseMessage
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && m.data != "":
			return m
		case strings.HasPrefix(line, "id: "):
			m.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			m.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			m.data = line[6:]
		}
	}
}

// skipToConnected reads up to the server's first comment, after which the client is subscribed.
func skipToConnected(t *testing.T, r *bufio.Reader) {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended before it connected: %v", err)
		}
		if line == ": connected\n" {
			return
		}
	}
}

func TestStreamDeliversPublishedEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	resp := f.do(t, "GET", "/api/events/stream", "")
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	r := bufio.NewReader(resp.Body)
	skipToConnected(t, r)
	ev := sampleEvent("e\n1", "task-1", "TASK_STATUS_SUCCEED", time.Now())
	ev.Body = append(ev.Body, "\n\ndata: injected\n"...)
	f.hub.Publish(ev)
	m := readSSE(t, r)
	var got eventJSON
	if err := json.Unmarshal([]byte(m.data), &got); err != nil {
		t.Fatalf("data %q: %v", m.data, err)
	}
	var body string
	_ = json.Unmarshal(got.Body, &body)
	if m.event != "delivery" || m.id != "e1" || got.ID != "e\n1" || got.TaskID != "task-1" || body != string(ev.Body) {
		t.Errorf("message %+v, event %+v", m, got)
	}
}

func TestSlowStreamClientIsDroppedAndNeverBlocksPublishing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.StreamBuffer = 4 })
	conn, err := net.Dial("tcp", f.srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/events/stream?token=%s HTTP/1.1\r\nHost: %s\r\n\r\n", f.token, f.srv.Addr())
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stream: %v %v", resp, err)
	}
	skipToConnected(t, bufio.NewReader(resp.Body))
	// From here on the client reads nothing: the socket buffers fill, then its queue.

	big := strings.Repeat("x", 256<<10)
	published := make(chan struct{})
	go func() {
		defer close(published)
		for i := range 400 {
			f.hub.Publish(Event{ID: fmt.Sprint(i), Body: []byte(big), Received: time.Now()})
		}
	}()
	select {
	case <-published:
	case <-time.After(30 * time.Second):
		t.Fatal("publishing blocked on a client that does not read")
	}
	waitFor(t, "the slow client to be dropped", func() bool { return f.hub.Subscribers() == 0 })

	// The stream stays usable for everyone else.
	resp2 := f.do(t, "GET", "/api/events/stream", "")
	defer resp2.Body.Close()
	r := bufio.NewReader(resp2.Body)
	skipToConnected(t, r)
	f.hub.Publish(sampleEvent("after", "task-2", "TASK_STATUS_FAILED", time.Now()))
	if m := readSSE(t, r); m.id != "after" {
		t.Errorf("next client got %q", m.id)
	}
}

// A client that stops reading while its queue still has room is cut by the write timeout.
func TestStuckStreamClientIsCutByTheWriteTimeout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.StreamBuffer, o.StreamWriteTimeout = 100_000, 100*time.Millisecond })
	conn, err := net.Dial("tcp", f.srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/events/stream?token=%s HTTP/1.1\r\nHost: %s\r\n\r\n", f.token, f.srv.Addr())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stream: %v %v", resp, err)
	}
	skipToConnected(t, bufio.NewReader(resp.Body))
	// One body shared by every event (the hub only reads it): 8000 copies of 256 KiB were most of this test's time.
	big := []byte(strings.Repeat("x", 256<<10))
	for i := range 8000 { // 64 MiB of stream (each message carries a body's 8 KiB preview): more than any socket buffer holds
		f.hub.Publish(Event{ID: fmt.Sprint(i), Body: big})
	}
	waitFor(t, "the stuck client to be cut", func() bool { return f.hub.Subscribers() == 0 })
}

func TestStreamWithoutLiveSourceSaysNoContent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.Events = nil })
	if code, _ := read(t, f.do(t, "GET", "/api/events/stream", "")); code != http.StatusNoContent {
		t.Errorf("stream without a source: %d, want 204 (EventSource stops reconnecting)", code)
	}
	if _, body := read(t, f.do(t, "GET", "/api/info", "")); !strings.Contains(body, `"live":false`) {
		t.Errorf("info: %s", body)
	}
}

func TestServeStopsWithOpenStreams(t *testing.T) {
	t.Parallel()
	hub := NewHub(0, 0)
	s, err := New(Options{Addr: "127.0.0.1:0", Events: hub})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(s.URL()[:strings.Index(s.URL(), "/?")] + "/api/events/stream?token=" + s.Token())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	skipToConnected(t, bufio.NewReader(resp.Body))
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return while a stream was open")
	}
	if _, err := io.ReadAll(resp.Body); err != nil && !strings.Contains(err.Error(), "EOF") {
		t.Logf("stream ended with %v", err)
	}
	if hub.Subscribers() != 0 {
		t.Error("the stream's subscription outlived the server")
	}
}
