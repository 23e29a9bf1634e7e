package novita

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
)

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testClient(url string) *Client {
	c := NewClient(url, "sk_test_secret", "test")
	c.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	return c
}

func TestDecodesEverySampleResult(t *testing.T) {
	cases := []struct {
		file     string
		status   Status
		outputs  int
		kind     string
		ttl      int64
		typ      string
		progress int64
	}{
		{"task-result-images-number-ttl.json", StatusSucceed, 2, KindImage, 3600, "png", 100},
		{"task-result-video-succeed.json", StatusSucceed, 1, KindVideo, 3600, "mp4", 100},
		{"task-result-audio-succeed.json", StatusSucceed, 1, KindAudio, 3600, "wav", 100},
		{"task-result-failed.json", StatusFailed, 0, "", 0, "", 0},
		{"task-result-processing.json", StatusProcessing, 0, "", 0, "", 35},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			raw := sample(t, tc.file)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v3/async/task-result" || r.URL.Query().Get("task_id") != "abc" {
					t.Errorf("unexpected request %s", r.URL)
				}
				if r.Header.Get("Authorization") != "Bearer sk_test_secret" || !strings.HasPrefix(r.Header.Get("User-Agent"), "novita-cli/") {
					t.Errorf("missing auth or user agent headers")
				}
				w.Write(raw)
			}))
			defer srv.Close()
			res, err := testClient(srv.URL).TaskResult(context.Background(), "abc")
			if err != nil {
				t.Fatal(err)
			}
			outs := res.Outputs()
			if res.Task.Status != tc.status || len(outs) != tc.outputs || int64(res.Task.ProgressPercent) != tc.progress {
				t.Fatalf("status %s outputs %d progress %d", res.Task.Status, len(outs), res.Task.ProgressPercent)
			}
			if tc.outputs > 0 && (outs[0].Kind != tc.kind || outs[0].TTL != tc.ttl || outs[0].Type != tc.typ || outs[0].Index != 1) {
				t.Fatalf("first output %+v", outs[0])
			}
			if string(res.Raw) != string(raw) {
				t.Fatalf("raw result not kept as received")
			}
		})
	}
}

func TestFailedSampleKeepsReasonAndETA(t *testing.T) {
	r, err := DecodeTaskResult(sample(t, "task-result-processing.json"))
	if err != nil || r.Task.ETA != 42 {
		t.Fatalf("eta %d err %v", r.Task.ETA, err)
	}
	f, _ := DecodeTaskResult(sample(t, "task-result-failed.json"))
	if !strings.Contains(f.Task.Reason, "model not found") || !f.Task.Status.Final() {
		t.Fatalf("failed sample: %+v", f.Task)
	}
}

func TestWebhookSampleDecodes(t *testing.T) {
	ev, res, err := DecodeEvent(sample(t, "webhook-txt2img-succeed.json"))
	if err != nil || ev.EventType != EventAsyncTaskResult || res.Task.TaskID != "f6aec953-2e81-4e8b-938e-2ceab54d6df9" {
		t.Fatalf("%v %+v", err, ev)
	}
	if o := res.Outputs(); len(o) != 1 || o[0].TTL != 3600 || o[0].Type != "jpeg" {
		t.Fatalf("outputs %+v", o)
	}
	if res.Images[0].NSFWDetectionResult != nil {
		t.Fatalf("null nsfw result should stay nil")
	}
	other, res2, err := DecodeEvent([]byte(`{"event_type":"SOMETHING_ELSE","payload":{"x":1}}`))
	if err != nil || res2 != nil || other.EventType != "SOMETHING_ELSE" {
		t.Fatalf("other events must decode without a result: %v", err)
	}
}

func TestFlexIntForms(t *testing.T) {
	for in, want := range map[string]int64{`3600`: 3600, `"3600"`: 3600, `""`: 0, `null`: 0, `12.0`: 12, `" 7 "`: 7} {
		var f FlexInt
		if err := f.UnmarshalJSON([]byte(in)); err != nil || int64(f) != want {
			t.Errorf("%s: got %d err %v", in, f, err)
		}
	}
	var f FlexInt
	if err := f.UnmarshalJSON([]byte(`"soon"`)); err == nil {
		t.Errorf("a non-numeric string must be an error")
	}
}

func TestBothErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		file   string
		status int
		reason string
		msg    string
		exit   int
	}{
		{"error-invalid-key.json", 403, "INVALID_API_KEY", "invalid api key", 4},
		{"error-alt-shape.json", 401, "INVALID_API_KEY", "Invalid API key provided", 4},
		{"error-invalid-request.json", 400, "INVALID_REQUEST_BODY", "request.prompt: length must be between 1 and 1024", 1},
	} {
		body := sample(t, tc.file)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			w.Write(body)
		}))
		_, err := testClient(srv.URL).Submit(context.Background(), "txt2img", []byte(`{}`))
		srv.Close()
		var ae *APIError
		if !errors.As(err, &ae) || ae.HTTPStatus != tc.status || ae.Reason != tc.reason || ae.Message != tc.msg {
			t.Fatalf("%s: %#v", tc.file, err)
		}
		if clierr.Code(err) != tc.exit {
			t.Errorf("%s: exit %d want %d", tc.file, clierr.Code(err), tc.exit)
		}
		if strings.Contains(err.Error(), "sk_test_secret") {
			t.Errorf("key leaked into error")
		}
	}
}

func TestReadRetries429WithRetryAfterThenSucceeds(t *testing.T) {
	var n atomic.Int32
	rl := sample(t, "error-rate-limit.json")
	ok := sample(t, "task-result-processing.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(429)
			w.Write(rl)
			return
		}
		w.Write(ok)
	}))
	defer srv.Close()
	c := testClient(srv.URL)
	var waits []time.Duration
	c.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	if _, err := c.TaskResult(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || len(waits) != 1 || waits[0] != 2*time.Second {
		t.Fatalf("requests %d waits %v: Retry-After must be honoured", n.Load(), waits)
	}
}

func TestRead500ThenSuccessAndBounded(t *testing.T) {
	var n atomic.Int32
	ok := sample(t, "task-result-processing.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.WriteHeader(500)
			w.Write([]byte(`{"code":500,"reason":"GET_RESULT_FAILED","message":"oops"}`))
			return
		}
		w.Write(ok)
	}))
	defer srv.Close()
	if _, err := testClient(srv.URL).TaskResult(context.Background(), "x"); err != nil || n.Load() != 3 {
		t.Fatalf("err %v after %d requests", err, n.Load())
	}
	always := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer always.Close()
	c := testClient(always.URL)
	_, err := c.TaskResult(context.Background(), "x")
	var ae *APIError
	if !errors.As(err, &ae) || ae.HTTPStatus != 503 {
		t.Fatalf("retries must be bounded and end with the API error: %v", err)
	}
}

func TestSubmitIsNotRetriedAfter500ButIsAfter429(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(500)
	}))
	defer srv.Close()
	if _, err := testClient(srv.URL).Submit(context.Background(), "txt2img", []byte(`{}`)); err == nil || n.Load() != 1 {
		t.Fatalf("submit after a 500 must not be retried (could pay twice): %d requests", n.Load())
	}
	var m atomic.Int32
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.Add(1) == 1 {
			w.WriteHeader(429)
			return
		}
		w.Write([]byte(`{"task_id":"t-1"}`))
	}))
	defer srv2.Close()
	id, err := testClient(srv2.URL).Submit(context.Background(), "txt2img", []byte(`{}`))
	if err != nil || id != "t-1" || m.Load() != 2 {
		t.Fatalf("429 on submit is safe to retry: id %q err %v requests %d", id, err, m.Load())
	}
}

// Offline fails fast: nothing listens, so four more tries in a row would meet the same refusal.
func TestSubmitFailsFastOnConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens: connection refused
	c := testClient("http://" + addr)
	var tries int
	c.OnRetry = func(string, int, time.Duration, error) { tries++ }
	_, err = c.Submit(context.Background(), "txt2img", []byte(`{}`))
	if err == nil || tries != 0 || !Offline(err) {
		t.Fatalf("connection refused should fail at once, was retried %d times (%v)", tries, err)
	}
	if !strings.Contains(err.Error(), "submit txt2img") {
		t.Errorf("network errors must say what was being done: %v", err)
	}
}

func TestSubmitNotRetriedAfterTimeout(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.ReadAll(r.Body) // the server notices the client hanging up only once the body is read
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	c := testClient(srv.URL)
	c.SubmitTimeout = 50 * time.Millisecond
	if _, err := c.Submit(context.Background(), "txt2img", []byte(`{}`)); err == nil || n.Load() != 1 {
		t.Fatalf("a timed-out submit may have reached the server: must not retry (%d requests)", n.Load())
	}
}

func TestMalformedJSONIsAClearError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`<html>oops`)) }))
	defer srv.Close()
	_, err := testClient(srv.URL).TaskResult(context.Background(), "x")
	if err == nil || !strings.Contains(err.Error(), "not a task result") || !strings.Contains(err.Error(), "<html>oops") {
		t.Fatalf("%v", err)
	}
	_, err = testClient(srv.URL).Submit(context.Background(), "txt2img", []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Fatalf("%v", err)
	}
}

func TestContextCancellationStopsRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	c := NewClient(srv.URL, "k", "test")
	c.Retry.BaseDelay = time.Hour
	c.Retry.MaxDelay = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.TaskResult(ctx, "x")
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Fatalf("cancel must end the wait promptly: %v", err)
	}
	if clierr.Code(err) != clierr.ExitInterrupted {
		t.Errorf("a cancelled call maps to exit 130, got %d", clierr.Code(err))
	}
}

func TestTraceRedactsTheKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"task_id":"echo sk_test_secret"}`))
	}))
	defer srv.Close()
	var buf strings.Builder
	c := testClient(srv.URL)
	c.Trace = &buf
	c.Submit(context.Background(), "txt2img", []byte(`{"a":1}`))
	if strings.Contains(buf.String(), "sk_test_secret") || !strings.Contains(buf.String(), "Authorization: [REDACTED]") {
		t.Fatalf("trace:\n%s", buf.String())
	}
}

func TestBackoffHonoursRetryAfterAndCaps(t *testing.T) {
	p := DefaultRetryPolicy()
	if d := p.Backoff(1, 3*time.Second); d != 3*time.Second {
		t.Fatalf("Retry-After: %v", d)
	}
	if d := p.Backoff(1, time.Hour); d != p.MaxRetryAfter {
		t.Fatalf("Retry-After must be capped: %v", d)
	}
	for n := 1; n < 20; n++ {
		if d := p.Backoff(n, 0); d > p.MaxDelay || d <= 0 {
			t.Fatalf("attempt %d: %v outside (0, %v]", n, d, p.MaxDelay)
		}
	}
	if d := parseRetryAfter(time.Now().Add(10*time.Second).UTC().Format(http.TimeFormat), time.Now()); d < 8*time.Second || d > 11*time.Second {
		t.Fatalf("HTTP-date Retry-After: %v", d)
	}
}

func TestSubmitErrorsThatMayHaveCreatedATaskSaySo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }))
	defer srv.Close()
	_, err := testClient(srv.URL).Submit(context.Background(), "txt2img", []byte(`{}`))
	if !strings.Contains(clierr.HintOf(err), "may have reached Novita") || clierr.Code(err) != 1 {
		t.Fatalf("a 5xx on submit must warn that a task may exist: %v / %q", err, clierr.HintOf(err))
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.HTTPStatus != 502 {
		t.Fatal("the API error must still be reachable for --json output")
	}
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(400) }))
	defer bad.Close()
	_, err = testClient(bad.URL).Submit(context.Background(), "txt2img", []byte(`{}`))
	if clierr.HintOf(err) != "" {
		t.Fatalf("a 400 created nothing: no hint expected, got %q", clierr.HintOf(err))
	}
}
