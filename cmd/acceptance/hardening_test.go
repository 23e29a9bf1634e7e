package acceptance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/novita-cli/novita/pkg/journal/journaltest"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// Issue 13, item 1: what an attacker sends to the receiver never reaches the terminal raw.
func TestListenEscapesHostilePathsAndEventFields(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ready := make(chan string, 1)
	c.deps.ListenReady = ready
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan result, 1)
	go func() { done <- c.runCtx(ctx, "listen", "--tunnel", "local", "--max-events", "1") }()
	var hook string
	select {
	case hook = <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("listen did not become ready")
	}
	base := hook[:strings.Index(hook, "/webhook/")]
	// Raw request lines: a CR LF in the path forges a banner line, ESC sequences set the title and
	// clear the screen.
	for _, path := range []string{"/x%0d%0aReady!%20Your%20webhook%20URL%20is%20http://evil.example/", "/%1b]0;pwned%07%1b[2J"} {
		resp, err := http.Post(base+path, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	evil := `{"event_type":"ASYNC_TASK_RESULT","payload":{"task":{"task_id":"t\u001b[2J\r\nforged","status":"TASK_STATUS_FAILED","task_type":"TXT_TO_IMG\u001b]0;x\u0007","reason":"r\u001b[31m"}}}`
	resp, err := http.Post(hook, "application/json", strings.NewReader(evil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := <-done
	for _, out := range []string{r.stdout, r.stderr} {
		for _, bad := range []string{"\x1b", "\a", "\r"} {
			if strings.Contains(out, bad) {
				t.Fatalf("raw %q reached the terminal:\nstdout %q\nstderr %q", bad, r.stdout, r.stderr)
			}
		}
	}
	starts := 0
	for _, line := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(line, "Ready!") {
			starts++
		}
	}
	if starts != 1 || !strings.Contains(r.stderr, `\r\nReady!`) {
		t.Fatalf("the forged banner line must show escaped, once:\n%s", r.stderr)
	}
	if strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, `t\x1b[2J\r\nforged`) {
		t.Fatalf("the event line must stay one escaped line: %q", r.stdout)
	}
}

// Issue 13, item 1: --json output is always valid UTF-8 JSON, whatever bytes the sender used.
func TestListenJSONIsValidUTF8(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ready := make(chan string, 1)
	c.deps.ListenReady = ready
	done := make(chan result, 1)
	go func() { done <- c.run("--json", "listen", "--tunnel", "local", "--max-events", "1") }()
	hook := <-ready
	body := []byte("{\"event_type\":\"ASYNC_TASK_RESULT\",\"payload\":{\"task\":{\"task_id\":\"bad-\xff\xfe\",\"status\":\"TASK_STATUS_SUCCEED\"}}}")
	resp, err := http.Post(hook, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := <-done
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	lines := 0
	for sc.Scan() {
		lines++
		if !utf8.Valid(sc.Bytes()) || !json.Valid(sc.Bytes()) {
			t.Fatalf("line %d is not valid UTF-8 JSON: %q", lines, sc.Bytes())
		}
	}
	if lines != 1 {
		t.Fatalf("want one NDJSON line, got %q", r.stdout)
	}
}

// Issue 13, item 10: what can be checked locally is checked before any request.
func TestLocalChecksBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	c.env["NOVITA_API_KEY"] = sb.APIKey() + "\r"
	r := c.run("submit", "txt2img", "--prompt", "a cat")
	if r.code != 2 || strings.Contains(r.stderr, "may have reached") || strings.Contains(r.stderr, sb.APIKey()) || !strings.Contains(r.stderr, "NOVITA_API_KEY") {
		t.Fatalf("a key with a control character: exit %d\n%s", r.code, r.stderr)
	}
	if n := len(sb.Requests()); n != 0 {
		t.Fatalf("%d requests reached the API", n)
	}
	c.env["NOVITA_API_KEY"] = sb.APIKey()
	if r := c.run("result", ""); r.code != 2 {
		t.Fatalf("result \"\": exit %d\n%s", r.code, r.stderr)
	}
	r = c.run("submit", "txt2img", "--prompt", "a cat", "--wait", "--tunnel", "local", "--listen-addr", "bogus")
	if r.code != 2 || !strings.Contains(r.stderr, "--listen-addr") {
		t.Fatalf("--listen-addr bogus: exit %d\n%s", r.code, r.stderr)
	}
	for _, bad := range []string{"-5s", "soon"} {
		if r := c.run("submit", "txt2img", "--prompt", "a cat", "--wait", "--timeout", bad); r.code != 2 {
			t.Fatalf("--timeout %s: exit %d\n%s", bad, r.code, r.stderr)
		}
	}
	if es, _ := journaltest.Tasks(c.env["NOVITA_STATE_DIR"]); len(es) != 0 {
		t.Fatalf("%d tasks were submitted by commands that should have stopped first", len(es))
	}
}

// Issue 13, item 7: test-event refuses what cannot work at once.
func TestTestEventValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	big := filepath.Join(c.dir, "big.bin")
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), 10<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	notJSON := filepath.Join(c.dir, "note.txt")
	os.WriteFile(notJSON, []byte("hello"), 0o600)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	dead := "http://" + l.Addr().String() + "/hooks"
	for _, args := range [][]string{
		{"test-event", "--local", "--to", "not a url"},
		{"test-event", "--local", "--to", "ftp://example.com/hooks"},
		{"test-event", "--from-file", big, "--to", dead},
		{"test-event", "--from-file", notJSON, "--to", dead},
		{"--sandbox", "test-event", "--task", "nope"},
	} {
		start := time.Now()
		r := c.run(args...)
		if r.code != 2 || time.Since(start) > 5*time.Second {
			t.Fatalf("%v: exit %d after %s\n%s", args, r.code, time.Since(start), r.stderr)
		}
	}
}

// Issue 13, item 11: after an in-process --sandbox run, no advice to resume what is gone.
func TestInProcessSandboxTimeoutDoesNotSuggestAResume(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.deps.SandboxOptions = &sandbox.Options{TaskDuration: time.Minute}
	r := c.run("--sandbox", "submit", "txt2img", "--prompt", "slow", "--wait", "--timeout", "300ms")
	if r.code != 5 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "novita wait") || !strings.Contains(r.stderr, "novita sandbox") {
		t.Fatalf("the hint should say the sandbox is gone, not how to resume:\n%s", r.stderr)
	}
}

// Issue 13, item 12: listen --download without a key warns that a forged body chooses the files.
func TestListenDownloadWithoutKeyWarns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ready := make(chan string, 1)
	c.deps.ListenReady = ready
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() { done <- c.runCtx(ctx, "listen", "--tunnel", "local", "--download") }()
	<-ready
	cancel()
	r := <-done
	if !strings.Contains(r.stderr, "warning: --download without an API key") {
		t.Fatalf("banner lacks the warning:\n%s", r.stderr)
	}
}

// Issue 13, item 12: `wait A B A` waits for A once.
func TestWaitTheSameIDTwiceWaitsOnce(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	var ids []string
	for _, p := range []string{"one", "two"} {
		r := c.run("submit", "txt2img", "--prompt", p, "--width", "128", "--height", "128")
		if r.code != 0 {
			t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
		}
		ids = append(ids, strings.TrimSpace(r.stdout))
	}
	r := c.run("--json", "wait", ids[0], ids[1], ids[0])
	if r.code != 0 || len(r.lines()) != 2 {
		t.Fatalf("exit %d, want two documents:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// Issue 13, item 12: a FAILED event's line says why.
func TestListenLineOfAFailedEventShowsTheReason(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ready := make(chan string, 1)
	c.deps.ListenReady = ready
	done := make(chan result, 1)
	go func() { done <- c.run("listen", "--tunnel", "local", "--max-events", "1") }()
	hook := <-ready
	r := c.run("test-event", "--local", "--to", hook, "--status", "FAILED", "--set", "payload.task.reason=out of credits")
	if r.code != 0 {
		t.Fatalf("test-event: exit %d\n%s", r.code, r.stderr)
	}
	l := <-done
	if !strings.Contains(l.stdout, "FAILED") || !strings.Contains(l.stdout, `reason="out of credits"`) {
		t.Fatalf("listen line: %q", l.stdout)
	}
}
