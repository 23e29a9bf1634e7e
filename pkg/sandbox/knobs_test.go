package sandbox

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

func TestInjectedErrorsFirstN(t *testing.T) {
	t.Parallel()
	s := start(t, Options{Submit429First: 2, Submit5xxFirst: 1, Result429First: 1, Result5xxFirst: 2, RetryAfter: 3 * time.Second})
	body := txt2img("x", "", 128, 128, 1)
	for i, want := range []int{429, 429, 500, 200} {
		r := submit(t, s, "txt2img", body)
		if r.status != want {
			t.Fatalf("submit %d: %d, want %d", i, r.status, want)
		}
		if want == 429 && (r.header.Get("Retry-After") != "3" || r.apiError(t).Reason != "RATE_LIMIT_EXCEEDED") {
			t.Errorf("429: Retry-After %q %s", r.header.Get("Retry-After"), r.body)
		}
		if want == 500 && r.apiError(t).Reason != "CREATE_TASK_FAILED" {
			t.Errorf("500 body %s", r.body)
		}
	}
	for i, want := range []int{429, 500, 500, 404} {
		if _, r := getResult(t, s, "nope"); r.status != want {
			t.Fatalf("result %d: %d, want %d", i, r.status, want)
		} else if want == 500 && r.apiError(t).Reason != "GET_RESULT_FAILED" {
			t.Errorf("500 body %s", r.body)
		}
	}
}

func TestInjectedErrorRates(t *testing.T) {
	t.Parallel()
	s := start(t, Options{Submit429Rate: 0.3, Submit5xxRate: 0.3, Result429Rate: 0.5, Result5xxRate: 0.5, Seed: 1})
	counts := map[int]int{}
	for range 60 {
		counts[submit(t, s, "txt2img", txt2img("x", "", 128, 128, 1)).status]++
	}
	if counts[429] == 0 || counts[500] == 0 || counts[200] == 0 {
		t.Errorf("submit statuses %v", counts)
	}
	clear(counts)
	for range 40 {
		_, r := getResult(t, s, "nope")
		counts[r.status]++
	}
	if counts[429] == 0 || counts[500] == 0 || counts[404] > 20 {
		t.Errorf("result statuses %v", counts)
	}
	// the same seed replays the same sequence
	s2 := start(t, Options{Submit429Rate: 0.3, Submit5xxRate: 0.3, Seed: 1})
	s3 := start(t, Options{Submit429Rate: 0.3, Submit5xxRate: 0.3, Seed: 1})
	for range 20 {
		a, b := submit(t, s2, "txt2img", "{}"), submit(t, s3, "txt2img", "{}")
		if a.status != b.status {
			t.Fatal("same seed, different sequence")
		}
	}
}

// TestResultFaultsPerTaskCap: with every read drawn to fail, a task's reads fail exactly the cap's
// number of times and then succeed, and each task has its own budget.
func TestResultFaultsPerTaskCap(t *testing.T) {
	t.Parallel()
	s := start(t, Options{Result5xxRate: 1, ResultFaultsPerTask: 2, Seed: 7})
	for _, id := range []string{"first", "second"} {
		for i, want := range []int{500, 500, 404, 404} {
			if _, r := getResult(t, s, id); r.status != want {
				t.Fatalf("task %s read %d: %d, want %d", id, i, r.status, want)
			}
		}
	}
	// without the cap the same draws never let a read through
	s2 := start(t, Options{Result5xxRate: 1, Seed: 7})
	for i := range 5 {
		if _, r := getResult(t, s2, "first"); r.status != 500 {
			t.Fatalf("uncapped read %d: %d, want 500", i, r.status)
		}
	}
}

func TestRateLimitPerMinute(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := start(t, Options{RateLimitPerMinute: 5, Now: clk.Now})
	mustSubmit(t, s, "txt2img", txt2img("x", "", 128, 128, 4))
	r := submit(t, s, "txt2img", txt2img("x", "", 128, 128, 2))
	e := r.apiError(t)
	if r.status != 429 || e.Reason != "RATE_LIMIT_EXCEEDED" || e.Metadata["limit"] != "5" || e.Metadata["unit"] != "images per minute" {
		t.Fatalf("over the limit: %d %s", r.status, r.body)
	}
	if r.header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	mustSubmit(t, s, "txt2img", txt2img("x", "", 128, 128, 1)) // exactly at the limit
	mustSubmit(t, s, "wan-t2v", `{"prompt":"other endpoints have their own budget"}`)
	clk.Advance(61 * time.Second)
	mustSubmit(t, s, "txt2img", txt2img("x", "", 128, 128, 2))
}

func TestFailures(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	res := waitFinal(t, s, mustSubmit(t, s, "txt2img", txt2img("a cat [fail]", "", 128, 128, 1)))
	if res.Task.Status != novita.StatusFailed || res.Task.Reason != ReasonPromptFailure || len(res.Images) != 0 {
		t.Errorf("[fail]: %s", res.Raw)
	}
	assertSameKeys(t, res.Raw, readSample(t, "task-result-failed.json"), "task")

	s.SetOptions(Options{TaskDuration: 20 * time.Millisecond, FailRate: 1})
	res = waitFinal(t, s, mustSubmit(t, s, "txt2img", txt2img("a cat", "", 128, 128, 1)))
	if res.Task.Status != novita.StatusFailed || res.Task.Reason != ReasonRandomFailure {
		t.Errorf("FailRate 1: %s", res.Raw)
	}
	s.SetOptions(Options{TaskDuration: 20 * time.Millisecond, FailRate: 0.5, Seed: 3})
	ids := make([]string, 30) // all submitted first, then awaited: their 20 ms run at once
	for i := range ids {
		ids[i] = mustSubmit(t, s, "txt2img", txt2img("a cat", "", 128, 128, 1))
	}
	failed := 0
	for _, id := range ids {
		if waitFinal(t, s, id).Task.Status == novita.StatusFailed {
			failed++
		}
	}
	if failed == 0 || failed == 30 {
		t.Errorf("FailRate 0.5: %d of 30 failed", failed)
	}
}

func TestDownloadCutAfterOncePerFile(t *testing.T) {
	t.Parallel()
	s := start(t, Options{DownloadCutAfter: 1000})
	res := waitFinal(t, s, mustSubmit(t, s, "txt2img", txt2img("cut", "", 256, 256, 1)))
	u := res.Images[0].ImageURL
	want, _ := s.OutputSHA256(u)

	resp1, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	part, err := io.ReadAll(resp1.Body)
	resp1.Body.Close()
	if err == nil || len(part) != 1000 {
		t.Fatalf("first download: %d bytes, err %v (want a cut after 1000)", len(part), err)
	}
	// resuming with Range succeeds: the cut happens once per file
	r := download(t, u, "Range", "bytes=1000-")
	if r.status != http.StatusPartialContent {
		t.Fatalf("resume: %d", r.status)
	}
	if got := sha256Hex(append(part, r.body...)); got != want {
		t.Error("resumed bytes differ")
	}
}

func TestExpireOnResumeOncePerOutput(t *testing.T) {
	t.Parallel()
	s := start(t, Options{ExpireOnResume: true})
	res := waitFinal(t, s, mustSubmit(t, s, "txt2img", txt2img("expire", "", 256, 256, 1)))
	u := res.Images[0].ImageURL
	if r := download(t, u); r.status != http.StatusOK {
		t.Fatalf("a whole download: %d, want 200 (only a resume expires)", r.status)
	}
	if r := download(t, u, "Range", "bytes=10-"); r.status != http.StatusForbidden || !strings.Contains(string(r.body), "expired") {
		t.Fatalf("first resume: %d %s, want 403 expired", r.status, r.body)
	}
	fresh := waitFinal(t, s, res.Task.TaskID).Images[0].ImageURL
	if r := download(t, fresh, "Range", "bytes=10-"); r.status != http.StatusPartialContent {
		t.Fatalf("resume with the URL read again: %d, want 206 (once per output)", r.status)
	}
}

func TestDownloadBytesPerSec(t *testing.T) {
	t.Parallel()
	s := start(t, Options{DownloadBytesPerSec: 100 << 10})
	res := waitFinal(t, s, mustSubmit(t, s, "txt2video", `{"model_name":"m","prompts":[{"prompt":"slow","frames":16}],"width":256,"height":256,"steps":5}`))
	s.SetOptions(Options{})
	size := int64(len(download(t, res.Videos[0].VideoURL).body)) + 40<<10
	// the padded file at twice its size per second takes half a second at least
	s.SetOptions(Options{DownloadBytesPerSec: size * 2, VideoPadBytes: size})
	begin := time.Now()
	r := download(t, res.Videos[0].VideoURL)
	if d := time.Since(begin); int64(len(r.body)) != size || d < 300*time.Millisecond {
		t.Errorf("%d bytes at %d B/s took %s (%d bytes)", size, size*2, d, len(r.body))
	}
}

func TestLoggerAndRequests(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	s := start(t, Options{Logger: &log, APIKey: "sk_secret_key"})
	body := txt2img("logged", "", 128, 128, 1)
	r := call(t, http.MethodPost, s.URL()+"/v3/async/txt2img", "Bearer sk_secret_key", []byte(body))
	if r.status != 200 {
		t.Fatal(r.status)
	}
	_, _ = getResult(t, s, "missing")
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Method != "POST" || reqs[0].Path != "/v3/async/txt2img" || string(reqs[0].Body) != body ||
		reqs[0].Status != 200 || reqs[0].Header.Get("Authorization") != "Bearer sk_secret_key" {
		t.Fatalf("requests %+v", reqs)
	}
	if reqs[1].Query.Get("task_id") != "missing" || reqs[1].Status != 404 {
		t.Errorf("second request %+v", reqs[1])
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "POST /v3/async/txt2img 200 ") || !strings.HasPrefix(lines[1], "GET /v3/async/task-result 404 ") {
		t.Errorf("log %q", log.String())
	}
	if strings.Contains(log.String(), "sk_secret_key") {
		t.Error("the key reached the log")
	}
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
