package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/testmain"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
)

func TestMain(m *testing.M) { testmain.Main(m) }

// newFakeClock is the clock tests move by hand.
func newFakeClock() *clock.Fake { return clock.NewFake(time.Date(2024, 6, 2, 15, 0, 41, 0, time.UTC)) }

// start runs a sandbox on a loopback port and closes it (and the test client's connections) at the end.
func start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.TaskDuration == 0 {
		opts.TaskDuration = 30 * time.Millisecond
	}
	s := New(opts)
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		http.DefaultClient.CloseIdleConnections()
	})
	return s
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) apiError(t testing.TB) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	return e
}

// call sends one request; auth is "" for none, else the Authorization header value.
func call(t testing.TB, method, url, auth string, body []byte) resp {
	t.Helper()
	return callType(t, method, url, auth, body, "application/json")
}

// callType is call with the body's Content-Type (a multipart form's carries its boundary).
func callType(t testing.TB, method, url, auth string, body []byte, contentType string) resp {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", contentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp{res.StatusCode, res.Header, b}
}

func bearer(s *Server) string { return "Bearer " + s.APIKey() }

func submit(t testing.TB, s *Server, endpoint, body string) resp {
	t.Helper()
	return call(t, http.MethodPost, s.URL()+"/v3/async/"+endpoint, bearer(s), []byte(body))
}

// mustSubmit submits and returns the task id.
func mustSubmit(t testing.TB, s *Server, endpoint, body string) string {
	t.Helper()
	r := submit(t, s, endpoint, body)
	if r.status != http.StatusOK {
		t.Fatalf("submit %s: %d %s", endpoint, r.status, r.body)
	}
	var out struct {
		TaskID string `json:"task_id"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || out.TaskID == "" {
		t.Fatalf("submit answer %s: %v", r.body, err)
	}
	return out.TaskID
}

func getResult(t testing.TB, s *Server, id string) (*novita.TaskResult, resp) {
	t.Helper()
	r := call(t, http.MethodGet, s.URL()+"/v3/async/task-result?task_id="+id, bearer(s), nil)
	if r.status != http.StatusOK {
		return nil, r
	}
	res, err := novita.DecodeTaskResult(r.body)
	if err != nil {
		t.Fatal(err)
	}
	return res, r
}

// waitFinal polls until the task ends.
func waitFinal(t testing.TB, s *Server, id string) *novita.TaskResult {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a bound on a hang, not a speed check: -race on a busy machine is slow
	for time.Now().Before(deadline) {
		res, r := getResult(t, s, id)
		if res == nil {
			t.Fatalf("result: %d %s", r.status, r.body)
		}
		if res.Task.Status.Final() {
			return res
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("task %s did not end", id)
	return nil
}

func download(t testing.TB, u string, header ...string) resp {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return resp{res.StatusCode, res.Header, b}
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// txt2img is a small valid txt2img body; extra is spliced into "extra".
func txt2img(prompt, extra string, w, h, n int) string {
	if extra == "" {
		extra = "{}"
	}
	b, _ := json.Marshal(map[string]any{
		"extra": json.RawMessage(extra),
		"request": map[string]any{"model_name": "m.safetensors", "prompt": prompt, "width": w, "height": h,
			"image_num": n, "steps": 20, "guidance_scale": 7.5, "sampler_name": "Euler a"},
	})
	return string(b)
}
