package acceptance

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestSandboxCommandPrintsExportsAndServesUntilInterrupted(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ready := make(chan string, 1)
	c.deps.SandboxReady = ready
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() {
		done <- c.runCtx(ctx, "sandbox", "--addr", "127.0.0.1:0", "--api-key", "sk_local_test", "--task-duration", "100ms")
	}()
	var url string
	select {
	case url = <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not start")
	}
	// A second CLI process, configured by the two exports, uses it.
	user := newCLI(t)
	user.env["NOVITA_BASE_URL"], user.env["NOVITA_API_KEY"] = url, "sk_local_test"
	sub := user.run("submit", "txt2img", "--prompt", "a cat", "--width", "128", "--height", "128")
	if sub.code != 0 {
		t.Fatalf("submit against novita sandbox: %d %s", sub.code, sub.stderr)
	}
	id := strings.TrimSpace(sub.stdout)
	time.Sleep(200 * time.Millisecond)
	res := user.run("result", id)
	if res.code != 0 || !strings.Contains(res.stdout, "SUCCEED") || !strings.Contains(res.stdout, "png") {
		t.Fatalf("result: %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	cancel()
	r := <-done
	if r.code != 0 {
		t.Fatalf("sandbox exit %d\n%s", r.code, r.stderr)
	}
	want := "export NOVITA_BASE_URL=" + url + "\nexport NOVITA_API_KEY=sk_local_test\n"
	if r.stdout != want {
		t.Fatalf("stdout %q, want %q", r.stdout, want)
	}
	if !strings.Contains(r.stderr, "POST /v3/async/txt2img 200") || strings.Contains(r.stderr, "sk_local_test") {
		t.Fatalf("one log line per request, never the key:\n%s", r.stderr)
	}
}

// The sandbox's help says what it makes: webp is made for real (a lossless WebP), so the help must not
// say that a webp request is refused.
func TestSandboxHelpMatchesTheFormatsItMakes(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("--sandbox", "submit", "txt2img", "--prompt", "a cat", "--width", "128", "--height", "128",
		"--image-type", "webp", "--wait", "-o", "cat.webp")
	if r.code != 0 {
		t.Fatalf("webp from the sandbox: exit %d\n%s", r.code, r.stderr)
	}
	h := c.run("sandbox", "--help")
	if strings.Contains(h.stdout, "cannot encode webp") || !strings.Contains(h.stdout, "WebP") {
		t.Errorf("sandbox --help contradicts what it makes:\n%s", h.stdout)
	}
}
