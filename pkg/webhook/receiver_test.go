package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/testmain"
)

func TestMain(m *testing.M) { testmain.Main(m) }

const sampleEvent = `{"event_type":"ASYNC_TASK_RESULT","payload":{"task":{"task_id":"t-1","status":"TASK_STATUS_SUCCEED","task_type":"TXT_TO_IMG"},"images":[{"image_url":"https://x/y.png","image_url_ttl":"3600","image_type":"png"}],"videos":[],"audios":[]}}`

type server struct {
	t    *testing.T
	rcv  *Receiver
	base string
	mu   sync.Mutex
	prob []Problem
}

func start(t *testing.T, opts Options) *server {
	t.Helper()
	s := &server{t: t}
	opts.OnProblem = func(p Problem) { s.mu.Lock(); s.prob = append(s.prob, p); s.mu.Unlock() }
	rcv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- rcv.Serve(l) }()
	<-rcv.Ready()
	s.rcv = rcv
	s.base = "http://" + l.Addr().String()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := rcv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve after Shutdown: %v", err)
		}
		for range rcv.Deliveries() {
		}
	})
	return s
}

func (s *server) do(method, path string, body []byte) (int, time.Duration) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	c.CloseIdleConnections()
	return resp.StatusCode, time.Since(t0)
}

func next(t *testing.T, r *Receiver) Delivery {
	t.Helper()
	select {
	case d := <-r.Deliveries():
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
	}
	return Delivery{}
}

func TestRandomPath(t *testing.T) {
	a, _ := New(Options{})
	b, _ := New(Options{})
	if !strings.HasPrefix(a.Path(), "/webhook/") || len(a.Path()) != len("/webhook/")+32 || a.Path() == b.Path() {
		t.Fatalf("paths %q %q", a.Path(), b.Path())
	}
	if got := a.URL("https://x.ngrok.app/"); got != "https://x.ngrok.app"+a.Path() {
		t.Fatalf("URL = %q", got)
	}
	for _, r := range []*Receiver{a, b} {
		if err := r.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRejections(t *testing.T) {
	s := start(t, Options{})
	p := s.rcv.Path()
	if st, _ := s.do("POST", "/webhook/wrong", []byte(sampleEvent)); st != 404 {
		t.Errorf("wrong path: %d", st)
	}
	if st, _ := s.do("POST", p+"/", []byte(sampleEvent)); st != 404 {
		t.Errorf("trailing slash: %d", st)
	}
	req, _ := http.NewRequest("GET", s.base+p, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d Allow=%q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	http.DefaultClient.CloseIdleConnections()
	big := bytes.Repeat([]byte("a"), 20<<20)
	if st, _ := s.do("POST", p, big); st != 413 {
		t.Errorf("20 MiB: %d", st)
	}
	junk := make([]byte, 4096)
	_, _ = rand.Read(junk)
	if st, _ := s.do("POST", p, junk); st != 400 {
		t.Errorf("random bytes: %d", st)
	}
	if st, _ := s.do("POST", p, []byte(`[1,2]`)); st != 400 {
		t.Errorf("JSON array: %d", st)
	}
	s.mu.Lock()
	var got []int
	for _, pr := range s.prob {
		got = append(got, pr.Status)
	}
	s.mu.Unlock()
	want := []int{404, 404, 405, 413, 400, 400}
	if len(got) != len(want) {
		t.Fatalf("problems %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("problems %v, want %v", got, want)
		}
	}
	// Still serving after all that.
	if st, _ := s.do("POST", p, []byte(sampleEvent)); st != 200 {
		t.Fatalf("valid event after rejections: %d", st)
	}
	if d := next(t, s.rcv); d.Result == nil || d.Result.Task.TaskID != "t-1" {
		t.Fatalf("delivery %+v", d)
	}
}

func TestDeliveryFastDuplicateIgnored(t *testing.T) {
	s := start(t, Options{})
	p := s.rcv.Path()
	st, took := s.do("POST", p, []byte(sampleEvent))
	if st != 200 || took > time.Second {
		t.Fatalf("status %d after %v", st, took)
	}
	d := next(t, s.rcv)
	if string(d.Body) != sampleEvent || d.Duplicate || d.Ignored || d.Result.Task.Status != "TASK_STATUS_SUCCEED" || d.Method != "POST" {
		t.Fatalf("first delivery %+v", d)
	}
	// A Novita retry: same task and status, even with different formatting.
	retry := strings.ReplaceAll(sampleEvent, ",", ", ")
	if st, _ := s.do("POST", p, []byte(retry)); st != 200 {
		t.Fatalf("retry status %d", st)
	}
	if d := next(t, s.rcv); !d.Duplicate {
		t.Fatal("retry not flagged duplicate")
	}
	other := `{"event_type":"SOMETHING_NEW","payload":{"x":1}}`
	if st, _ := s.do("POST", p, []byte(other)); st != 200 {
		t.Fatalf("other event status %d", st)
	}
	d = next(t, s.rcv)
	if !d.Ignored || d.Result != nil || d.Event.EventType != "SOMETHING_NEW" || d.Duplicate {
		t.Fatalf("other event %+v", d)
	}
	_, _ = s.do("POST", p, []byte(other))
	if d := next(t, s.rcv); !d.Duplicate {
		t.Fatal("same non-task body not flagged duplicate")
	}
	// Bad payload of a task event: acknowledged, delivered without a result.
	_, _ = s.do("POST", p, []byte(`{"event_type":"ASYNC_TASK_RESULT","payload":{"task":"nope"}}`))
	if d := next(t, s.rcv); d.Result != nil || d.Ignored || d.DecodeErr == nil {
		t.Fatalf("bad payload %+v", d)
	}
}

func TestFixedPathAndFullBuffer(t *testing.T) {
	s := start(t, Options{Path: "hooks/novita", Buffer: 1, FullWait: 50 * time.Millisecond})
	if s.rcv.Path() != "/hooks/novita" {
		t.Fatalf("path %q", s.rcv.Path())
	}
	ev2 := strings.Replace(sampleEvent, "t-1", "t-2", 1)
	if st, _ := s.do("POST", "/hooks/novita", []byte(sampleEvent)); st != 200 {
		t.Fatal(st)
	}
	if st, _ := s.do("POST", "/hooks/novita", []byte(ev2)); st != 503 {
		t.Fatalf("full buffer: %d", st)
	}
	if _, dropped, _ := s.rcv.Stats(); dropped != 1 {
		t.Fatalf("dropped %d", dropped)
	}
	next(t, s.rcv)
	// The retry after a 503 is not a duplicate: the first attempt was never delivered.
	if st, _ := s.do("POST", "/hooks/novita", []byte(ev2)); st != 200 {
		t.Fatal(st)
	}
	if d := next(t, s.rcv); d.Duplicate {
		t.Fatal("retry after 503 flagged duplicate")
	}
}

func TestRespond(t *testing.T) {
	s := start(t, Options{Respond: func(r *http.Request, body []byte) Response {
		return Response{Status: 418, Header: http.Header{"X-App": {"yes"}}, Body: []byte("teapot")}
	}})
	req, _ := http.NewRequest("POST", s.base+s.rcv.Path(), strings.NewReader(sampleEvent))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	if resp.StatusCode != 418 || string(b) != "teapot" || resp.Header.Get("X-App") != "yes" {
		t.Fatalf("got %d %q %v", resp.StatusCode, b, resp.Header)
	}
	if d := next(t, s.rcv); d.Response == nil || d.Response.Status != 418 {
		t.Fatalf("delivery response %+v", d.Response)
	}
}

func TestShutdownWithoutServe(t *testing.T) {
	r, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-r.Deliveries(); ok {
		t.Fatal("deliveries not closed")
	}
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal("second shutdown:", err)
	}
}
