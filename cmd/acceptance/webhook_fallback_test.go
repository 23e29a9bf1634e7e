package acceptance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// An endpoint that refuses the webhook field (400 naming extra) still gets its task: the CLI submits
// again without it, says so, polls, and remembers the endpoint for the next submit.
func TestSubmitFallsBackWhenTheWebhookFieldIsRefused(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{RejectExtra: []string{"txt2img"}})
	c := newCLI(t)
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "a fox", "--width", "128", "--height", "128",
		"--webhook-url", "https://hooks.example/abc", "--wait")
	if r.code != 0 || !strings.Contains(r.stderr, "txt2img refused the webhook field") ||
		!strings.Contains(r.stderr, "submitted again without it, polling") || !strings.Contains(r.stderr, "succeeded via polling") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	posts := 0
	for _, q := range sb.Requests() {
		if q.Method == "POST" {
			posts++
		}
	}
	if posts != 2 {
		t.Errorf("%d submits, want the refused one and one without the webhook", posts)
	}
	r = c.run("submit", "txt2img", "--prompt", "a fox", "--webhook-url", "https://hooks.example/abc")
	if r.code != 0 || !strings.Contains(r.stderr, "txt2img refused a webhook field before: submitting without one") {
		t.Fatalf("second submit: exit %d\n%s", r.code, r.stderr)
	}
	last := sb.Requests()[len(sb.Requests())-1]
	if strings.Contains(string(last.Body), "webhook") || last.Status != 200 {
		t.Errorf("second submit sent %s (%d)", last.Body, last.Status)
	}
	// With --wait and no --webhook-url: no receiver is opened for an endpoint known to refuse it.
	before := len(sb.Requests())
	r = c.run("submit", "txt2img", "--prompt", "a fox", "--width", "128", "--height", "128", "--wait", "--tunnel", "local")
	if r.code != 0 || !strings.Contains(r.stderr, "no receiver; polling") || !strings.Contains(r.stderr, "succeeded via polling") {
		t.Fatalf("--wait: exit %d\n%s", r.code, r.stderr)
	}
	for _, q := range sb.Requests()[before:] {
		if q.Method == "POST" && (strings.Contains(string(q.Body), "webhook") || q.Status != 200) {
			t.Errorf("--wait sent %s (%d)", q.Body, q.Status)
		}
	}
}

// Every local problem of a request is reported at once, each on its own line.
func TestEveryLocalProblemOnItsOwnLine(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("--sandbox", "submit", "txt2img", "--prompt", "a fox", "--steps", "500", "--width", "5", "--sampler", "eulr a")
	if r.code != 2 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var errs []string
	for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if strings.HasPrefix(l, "error: ") {
			errs = append(errs, l)
		}
		if strings.Contains(l, `\n`) {
			t.Errorf("a literal \\n in %q", l)
		}
	}
	want := []string{"--width", "--steps", `did you mean "Euler a"?`}
	if len(errs) != len(want) {
		t.Fatalf("%d error lines, want %d:\n%s", len(errs), len(want), r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	r = c.run("--sandbox", "submit", "txt2img", "--prompt", "a fox", "--sampler", "euler a", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, `"sampler_name": "Euler a"`) {
		t.Errorf("any letter case: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A batch line with several problems names them all, one line each, with its line number.
func TestBatchLineNamesAllItsProblems(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if err := os.WriteFile(filepath.Join(c.dir, "b.jsonl"), []byte("{\"prompt\":\"ok\"}\n{\"steps\":500,\"width\":5}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := c.run("--sandbox", "submit", "txt2img", "--batch", "b.jsonl")
	if r.code != 2 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, w := range []string{"error: b.jsonl: 1 invalid line (nothing was submitted):", "error:   line 2: txt2img: request.steps", "error:   line 2: txt2img: request.width"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr, `\n`) {
		t.Errorf("a literal \\n:\n%s", r.stderr)
	}
}

// The unified video API takes its webhook in callback_url: submit puts it there (not in extra), and a
// rerun drops the old one as it drops extra.webhook.
func TestUnifiedVideoWebhookGoesToCallbackURL(t *testing.T) {
	t.Parallel()
	if _, ok := catalog.Lookup("/v3/video/create"); !ok {
		t.Skip("no spec for /v3/video/create yet")
	}
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.useSandbox(sb)
	r := c.run("submit", "/v3/video/create", "--model", "hailuo-02", "--prompt", "waves", "--webhook-url", "https://hooks.example/abc")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	last := sb.Requests()[len(sb.Requests())-1]
	if last.Path != "/v3/video/create" || !strings.Contains(string(last.Body), `"callback_url":"https://hooks.example/abc"`) ||
		strings.Contains(string(last.Body), `"extra"`) {
		t.Fatalf("sent %s %s", last.Path, last.Body)
	}
	r = c.run("rerun", id, "--dry-run")
	if r.code != 0 || strings.Contains(r.stdout, "callback_url") || !strings.Contains(r.stdout, "hailuo-02") {
		t.Errorf("rerun --dry-run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
