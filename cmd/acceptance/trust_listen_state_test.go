package acceptance

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// A delivery listen --download verified updates the task in the journal, and wait --pending then
// neither waits for it nor downloads its output a second time.
func TestListenDownloadUpdatesJournalAndWaitPendingSkipsIt(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.useSandbox(sb)
	ready := make(chan string, 1)
	c.deps.ListenReady = ready
	done := make(chan result, 1)
	go func() {
		done <- c.runCtx(context.Background(), "listen", "--tunnel", "local", "--download", "-o", "hooks/{task_id}-{index}.{ext}", "--max-events", "1")
	}()
	var url string
	select {
	case url = <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("listen did not become ready")
	}
	s := c.run("submit", "txt2img", "--prompt", "a cat", "--webhook-url", url)
	if s.code != 0 {
		t.Fatalf("submit: %d\n%s", s.code, s.stderr)
	}
	id := strings.TrimSpace(s.stdout)
	if r := <-done; r.code != 0 {
		t.Fatalf("listen: %d\n%s", r.code, r.stderr)
	}
	if r := c.run("tasks", "--pending", "--json"); strings.Contains(r.stdout, id) {
		t.Fatalf("the task listen saw end is still pending:\n%s", r.stdout)
	}
	r := c.run("tasks", "show", id)
	if !strings.Contains(r.stdout, "SUCCEED") {
		t.Fatalf("tasks show does not say it succeeded:\n%s", r.stdout)
	}
	w := c.run("wait", id)
	if w.code != 0 {
		t.Fatalf("wait: %d\n%s", w.code, w.stderr)
	}
	if _, err := os.Stat(filepath.Join(c.dir, id)); err == nil {
		t.Fatalf("wait downloaded the output a second time (under %s/)\n%s", id, w.stderr)
	}
	if !strings.Contains(w.stdout, filepath.Join("hooks", id+"-1.png")) {
		t.Errorf("wait should name the file listen saved:\n%s", w.stdout)
	}
}
