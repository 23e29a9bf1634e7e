package acceptance

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeAPI is a small fake Novita for adversarial tests: loopback only, closed with the test, and
// it answers what each test sets, bounded (every handler returns at once).
type fakeAPI struct {
	*httptest.Server
	mu      sync.Mutex
	submits int
	// taskIDs are handed out by submits in turn (the last one repeats).
	taskIDs []string
	// status and reason of every task-result read.
	status, reason string
	// badFirst, when set, is the raw body of a 502 answering the first task-result read.
	badFirst string
	reads    int
	// handle, when set, answers everything else.
	handle func(w http.ResponseWriter, r *http.Request)
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	h := &fakeAPI{taskIDs: []string{"t-1"}, status: "TASK_STATUS_SUCCEED"}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	return h
}

func (h *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/v3/async/"):
		id := h.taskIDs[min(h.submits, len(h.taskIDs)-1)]
		h.submits++
		json.NewEncoder(w).Encode(map[string]string{"task_id": id})
	case r.URL.Path == "/v3/async/task-result" && h.badFirst != "" && h.reads == 0:
		h.reads++
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte(h.badFirst))
	case r.URL.Path == "/v3/async/task-result":
		h.reads++
		json.NewEncoder(w).Encode(map[string]any{"task": map[string]any{"task_id": r.URL.Query().Get("task_id"),
			"task_type": "TXT_TO_IMG", "status": h.status, "reason": h.reason}, "images": []any{}})
	case h.handle != nil:
		h.handle(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (h *fakeAPI) use(c *cli) {
	c.env["NOVITA_BASE_URL"] = h.URL
	c.env["NOVITA_API_KEY"] = "sk-test"
}

// osc52 writes to the clipboard; clear wipes the screen: neither may reach a terminal raw.
const (
	osc52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
	clear = "\x1b[2J\x1b[H"
)

func noRawEscapes(t *testing.T, what, s string) {
	t.Helper()
	if strings.ContainsAny(s, "\x1b\x07\r") {
		t.Errorf("%s carries raw control characters: %q", what, s)
	}
}

// A task id with terminal escapes is a protocol error at submit: printed escaped, never on stdout,
// never journalled, with how to look the task up.
func TestSubmitRefusesTaskIDWithControlCharacters(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	api.taskIDs = []string{"abc" + osc52 + clear}
	c := newCLI(t)
	api.use(c)
	r := c.run("--debug", "submit", "txt2img", "--prompt", "a cat")
	if r.code != 1 || r.stdout != "" {
		t.Fatalf("exit %d stdout %q; want 1 and nothing on stdout\n%s", r.code, r.stdout, r.stderr)
	}
	noRawEscapes(t, "stderr", r.stderr)
	if !strings.Contains(r.stderr, `\x1b]52`) || !strings.Contains(r.stderr, "Novita console") {
		t.Errorf("stderr should show the id escaped and say how to look it up:\n%s", r.stderr)
	}
	if tasks := c.run("tasks", "--json"); strings.Contains(tasks.stdout, "abc") {
		t.Errorf("the unusable id was journalled: %s", tasks.stdout)
	}
}

// A failure reason with escapes reaches no terminal raw: not the wait's lines, not --debug's trace.
func TestHostileReasonEscapedEverywhere(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	api.status, api.reason = "TASK_STATUS_FAILED", "boom"+osc52+clear
	api.badFirst = "upstream said " + osc52 + clear
	c := newCLI(t)
	api.use(c)
	r := c.run("--debug", "submit", "txt2img", "--prompt", "a cat", "--wait", "--tunnel", "none")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
	}
	noRawEscapes(t, "submit --wait stderr", r.stderr)
	noRawEscapes(t, "submit --wait stdout", r.stdout)
	for _, args := range [][]string{{"wait", "t-1"}, {"result", "t-1"}, {"wait", "--pending"}, {"tasks"}, {"tasks", "show", "t-1"}} {
		r := c.run(append([]string{"--debug"}, args...)...)
		noRawEscapes(t, strings.Join(args, " ")+" stderr", r.stderr)
		noRawEscapes(t, strings.Join(args, " ")+" stdout", r.stdout)
	}
}
