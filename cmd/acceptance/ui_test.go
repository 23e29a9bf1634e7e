package acceptance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox"
	"github.com/novita-cli/novita/pkg/testevent"
)

// inspectorClient talks to a running inspector as the page does (token in the query string).
type inspectorClient struct {
	t      *testing.T
	base   string // http://127.0.0.1:port/ui-PREFIX (the page's routes live under the run's prefix)
	token  string
	client *http.Client
}

func newInspectorClient(t *testing.T, pageURL string) *inspectorClient {
	t.Helper()
	u, err := url.Parse(pageURL)
	if err != nil || u.Query().Get("token") == "" || u.Hostname() != "127.0.0.1" {
		t.Fatalf("inspector URL %q: want http://127.0.0.1:PORT/ui-PREFIX/?token=...", pageURL)
	}
	ic := &inspectorClient{t: t, base: "http://" + u.Host + strings.TrimSuffix(u.Path, "/"), token: u.Query().Get("token"), client: &http.Client{Transport: &http.Transport{}}}
	t.Cleanup(ic.client.CloseIdleConnections)
	return ic
}

// do sends a request (with the token unless noToken) and returns the status and body.
func (ic *inspectorClient) do(method, path string, body []byte, noToken bool) (int, []byte) {
	ic.t.Helper()
	u := ic.base + path
	if !noToken {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		u += sep + "token=" + ic.token
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		ic.t.Fatal(err)
	}
	resp, err := ic.client.Do(req)
	if err != nil {
		ic.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (ic *inspectorClient) getJSON(path string, v any) {
	ic.t.Helper()
	code, b := ic.do(http.MethodGet, path, nil, false)
	if code != http.StatusOK {
		ic.t.Fatalf("GET %s: %d %s", path, code, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		ic.t.Fatalf("GET %s: %v in %s", path, err, b)
	}
}

type taskDoc struct {
	ID    string `json:"id"`
	Task  string `json:"task"`
	Files []struct {
		Path   string `json:"path"`
		Exists bool   `json:"exists"`
		URL    string `json:"url"`
	} `json:"files"`
	CanDownloadAgain bool `json:"can_download_again"`
}

type eventDoc struct {
	ID       string `json:"id"`
	TaskID   string `json:"task_id"`
	Status   string `json:"status"`
	Body     string `json:"body"`
	ReplayOf string `json:"replay_of"`
	Forward  *struct {
		Status  int                 `json:"status"`
		Headers map[string][]string `json:"headers"`
	} `json:"forward"`
}

func eventFixture(t *testing.T, task string, st novita.Status, id string) []byte {
	t.Helper()
	b, err := testevent.Fixture(task, st, id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startUI runs `novita ui` until the test ends and returns a client for it.
func startUI(t *testing.T, c *cli, args ...string) *inspectorClient {
	t.Helper()
	ready := make(chan string, 1)
	c.deps.UIReady = ready
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() { done <- c.runCtx(ctx, append([]string{"ui", "--addr", "127.0.0.1:0"}, args...)...) }()
	var page string
	select {
	case page = <-ready:
	case r := <-done:
		t.Fatalf("ui exited %d before serving\n%s", r.code, r.stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("ui did not start")
	}
	t.Cleanup(func() {
		cancel()
		if r := <-done; r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, page) {
			t.Errorf("ui: exit %d, stdout %q (want nothing), the URL should be on stderr:\n%s", r.code, r.stdout, r.stderr)
		}
	})
	return newInspectorClient(t, page)
}

func TestUIServesTheJournalsTasksBehindItsToken(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "a lighthouse at dusk", "--wait")
	if r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	saved := c.abs(strings.TrimSpace(r.stdout))
	ic := startUI(t, c)

	if code, _ := ic.do(http.MethodGet, "/api/tasks", nil, true); code != http.StatusUnauthorized {
		t.Fatalf("without the token: %d, want 401", code)
	}
	if code, _ := ic.do(http.MethodGet, "/api/tasks?token=0123456789abcdef0123456789abcdef0123456789abcdef", nil, true); code != http.StatusForbidden {
		t.Fatalf("with a wrong token: %d, want 403", code)
	}
	var tasks []taskDoc
	ic.getJSON("/api/tasks", &tasks)
	if len(tasks) != 1 || tasks[0].Task != "txt2img" || len(tasks[0].Files) != 1 || !tasks[0].Files[0].Exists || tasks[0].Files[0].Path != saved {
		t.Fatalf("tasks %+v, want the submitted task with its file %s", tasks, saved)
	}
	png, _ := os.ReadFile(saved)
	if code, b := ic.do(http.MethodGet, "/"+tasks[0].Files[0].URL, nil, false); code != 200 || !bytes.Equal(b, png) {
		t.Fatalf("the file: %d, %d bytes (want %d)", code, len(b), len(png))
	}

	// Download again: the output comes back from the API into the recorded template.
	if err := os.Remove(saved); err != nil {
		t.Fatal(err)
	}
	if !tasks[0].CanDownloadAgain {
		t.Fatal("a fresh task's URLs should still be valid")
	}
	code, b := ic.do(http.MethodPost, "/api/tasks/"+tasks[0].ID+"/download", nil, false)
	if code != 200 {
		t.Fatalf("download again: %d %s", code, b)
	}
	if again, err := os.ReadFile(saved); err != nil || !bytes.Equal(again, png) {
		t.Fatalf("the file should be back: %v", err)
	}
	// Replay and test events need a receiver: the page is told what to run.
	code, b = ic.do(http.MethodPost, "/api/test-event", []byte(`{"status":"FAILED","task":"txt2img"}`), false)
	if code != http.StatusConflict || !strings.Contains(string(b), "novita listen --ui") {
		t.Fatalf("test event in plain ui: %d %s", code, b)
	}
}

func TestUIDownloadAgainWithoutAKeySaysSo(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.useSandbox(sb)
	if r := c.run("submit", "txt2img", "--prompt", "a fox", "--wait"); r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	delete(c.env, "NOVITA_API_KEY")
	ic := startUI(t, c)
	var tasks []taskDoc
	ic.getJSON("/api/tasks", &tasks)
	code, b := ic.do(http.MethodPost, "/api/tasks/"+tasks[0].ID+"/download", nil, false)
	if code != http.StatusConflict || !strings.Contains(string(b), "NOVITA_API_KEY") {
		t.Fatalf("download again without a key: %d %s", code, b)
	}
}

func TestUIRefusesWhatWouldExposeIt(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{
		{"ui", "--addr", "0.0.0.0:0"},
		{"ui", "--addr", "192.0.2.1:4949"},
		{"ui", "--addr", "no-port"},
		{"listen", "--tunnel", "local", "--ui", "--ui-addr", "0.0.0.0:0"},
		{"listen", "--tunnel", "local", "--open"},
		{"listen", "--tunnel", "local", "--respond-status", "42"},
		{"listen", "--tunnel", "local", "--respond-status", "SOON=500"},
		{"listen", "--tunnel", "local", "--respond-delay", "forever"},
	} {
		r := c.run(args...)
		if r.code != 2 || r.stdout != "" {
			t.Errorf("%v: exit %d (want 2)\n%s", args, r.code, r.stderr)
		}
		if args[0] == "ui" && strings.HasPrefix(args[2], "0.0.0.0") && !strings.Contains(r.stderr, "--allow-remote") {
			t.Errorf("%v should name --allow-remote:\n%s", args, r.stderr)
		}
	}
}

// sseReader reads the inspector's event stream.
type sseReader struct {
	body io.Closer
	rd   *bufio.Reader
}

func openStream(t *testing.T, ic *inspectorClient) *sseReader {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ic.base+"/api/events/stream?token="+ic.token, nil)
	resp, err := ic.client.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("event stream: %v %v", err, resp)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return &sseReader{body: resp.Body, rd: bufio.NewReader(resp.Body)}
}

// next returns the next delivery on the stream (the reader must not block forever: the caller's
// listen answers within seconds, and the server pings).
func (s *sseReader) next(t *testing.T) eventDoc {
	t.Helper()
	for {
		line, err := s.rd.ReadString('\n')
		if err != nil {
			t.Fatalf("event stream ended: %v", err)
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			var ev eventDoc
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Fatalf("event %q: %v", data, err)
			}
			return ev
		}
	}
}

func TestListenUIStreamsReplaysAndKeepsEvents(t *testing.T) {
	t.Parallel()
	app := newHookApp(t, http.StatusOK)
	c := newCLI(t)
	ready, uiReady := make(chan string, 1), make(chan string, 1)
	c.deps.ListenReady, c.deps.UIReady = ready, uiReady
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() {
		done <- c.runCtx(ctx, "listen", "--tunnel", "local", "--print-url", "--ui", "--ui-addr", "127.0.0.1:0",
			"--forward-to", app.srv.URL+"/hook")
	}()
	var hook, page string
	for hook == "" || page == "" {
		select {
		case hook = <-ready:
		case page = <-uiReady:
		case r := <-done:
			t.Fatalf("listen exited %d\n%s", r.code, r.stderr)
		case <-time.After(10 * time.Second):
			t.Fatal("listen --ui did not start")
		}
	}
	if strings.HasPrefix(hook, strings.SplitN(page, "/?", 2)[0]) {
		t.Fatalf("the inspector must not share the receiver's listener: %s %s", hook, page)
	}
	ic := newInspectorClient(t, page)
	stream := openStream(t, ic)

	event := eventFixture(t, "txt2img", novita.StatusSucceed, "live-1")
	resp, err := http.Post(hook, "application/json", bytes.NewReader(event))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	live := stream.next(t)
	if live.TaskID != "live-1" || live.Body != string(event) || live.Forward == nil || live.Forward.Status != 200 {
		t.Fatalf("streamed %+v", live)
	}

	// Replay: the app gets the same body again, and the replay is an event of its own.
	code, b := ic.do(http.MethodPost, "/api/events/"+live.ID+"/replay", nil, false)
	if code != 200 {
		t.Fatalf("replay: %d %s", code, b)
	}
	app.mu.Lock()
	bodies := append([][]byte(nil), app.bodies...)
	app.mu.Unlock()
	if len(bodies) != 2 || !bytes.Equal(bodies[0], event) || !bytes.Equal(bodies[1], event) {
		t.Fatalf("the app got %d bodies, want the event twice", len(bodies))
	}
	if rep := stream.next(t); rep.ReplayOf != live.ID {
		t.Fatalf("the replay should stream as a replay of %s: %+v", live.ID, rep)
	}

	// A test event from the page takes the receiver's path: relayed, streamed.
	code, b = ic.do(http.MethodPost, "/api/test-event", []byte(`{"status":"FAILED","task":"img2video"}`), false)
	if code != 200 {
		t.Fatalf("test event: %d %s", code, b)
	}
	if te := stream.next(t); te.Status != "TASK_STATUS_FAILED" || te.Forward == nil || te.Forward.Status != 200 {
		t.Fatalf("test event streamed as %+v", te)
	}

	cancel()
	r := <-done
	if r.code != 0 && r.code != 130 {
		t.Fatalf("listen: exit %d\n%s", r.code, r.stderr)
	}
	if r.lines()[0] != hook || strings.Contains(r.stdout, ic.token) || !strings.Contains(r.stderr, "Inspector: "+page) {
		t.Fatalf("stdout must carry the webhook URL and events only, the inspector URL goes to stderr:\n%s\n%s", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "replayed event "+live.ID) {
		t.Errorf("the replay should be reported:\n%s", r.stderr)
	}

	// A later `novita ui` shows the kept events under the same ids.
	ui := startUI(t, c)
	var kept []eventDoc
	ui.getJSON("/api/events", &kept)
	if len(kept) != 3 || kept[2].ID != live.ID || kept[2].TaskID != "live-1" || kept[1].ReplayOf != live.ID {
		t.Fatalf("kept events %+v", kept)
	}
}

func TestListenFaultInjectionReachesTheSender(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ready := make(chan string, 1)
	c.deps.ListenReady = ready
	done := make(chan result, 1)
	const delay = 300 * time.Millisecond
	go func() {
		done <- c.run("listen", "--tunnel", "local", "--max-events", "3",
			"--respond-status", "FAILED=500", "--respond-delay", "SUCCEED="+delay.String())
	}()
	hook := <-ready
	post := func(st novita.Status, id string) (int, string, time.Duration) {
		start := time.Now()
		resp, err := http.Post(hook, "application/json", bytes.NewReader(eventFixture(t, "txt2img", st, id)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("X-Novita-Listen-Injected"), time.Since(start)
	}
	if code, note, _ := post(novita.StatusFailed, "bad-1"); code != 500 || note != "--respond-status FAILED=500" {
		t.Fatalf("FAILED delivery answered %d (%q), want the injected 500", code, note)
	}
	if code, _, took := post(novita.StatusSucceed, "ok-1"); code != 200 || took < delay {
		t.Fatalf("SUCCEED delivery answered %d after %v, want 200 after %v", code, took, delay)
	}
	if code, note, _ := post(novita.StatusProcessing, "plain-1"); code != 200 || note != "" {
		t.Fatalf("a delivery no rule matches answered %d (%q), want the plain 200", code, note)
	}
	r := <-done
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stdout, "<--"); n != 2 {
		t.Errorf("%d answer lines, want 2 (the plain 200 is not an injected answer):\n%s", n, r.stdout)
	}
	for _, want := range []string{"<-- [500] injected: --respond-status FAILED=500", "<-- [200] injected: --respond-delay SUCCEED=300ms"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "Injecting: --respond-status FAILED=500 --respond-delay SUCCEED=300ms") {
		t.Errorf("the banner should say what is injected:\n%s", r.stderr)
	}
}
