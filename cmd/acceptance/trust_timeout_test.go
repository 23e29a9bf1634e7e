package acceptance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// --timeout bounds the download too: an output that trickles in (never stalled, never done) ends the
// command with the timeout's exit code and its resume hint, its partial file kept.
func TestTimeoutBoundsATricklingDownload(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{DownloadBytesPerSec: 512})
	c := newCLI(t)
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "a cat", "--wait", "--timeout", "2s")
	if r.code != 5 || !strings.Contains(r.stderr, "novita wait") {
		t.Fatalf("exit %d, want 5 with the resume hint\n%s", r.code, r.stderr)
	}
}

// --timeout bounds the downloads of a batch and of a wait for several tasks as it does one task's.
func TestTimeoutBoundsTricklingDownloadsOfBatchesAndSeveralTasks(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{DownloadBytesPerSec: 512})
	c := newCLI(t)
	c.useSandbox(sb)
	file := filepath.Join(c.dir, "prompts.txt")
	if err := os.WriteFile(file, []byte("a cat\na dog\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := c.run("submit", "txt2img", "--batch", file, "--wait", "--timeout", "2s")
	if r.code != 5 {
		t.Errorf("batch: exit %d, want 5\n%s", r.code, r.stderr)
	}
	a := c.submit("txt2img", "--prompt", "a cow")
	b := c.submit("txt2img", "--prompt", "a hen")
	r = c.run("wait", a, b, "--timeout", "3s")
	if r.code != 5 || !strings.Contains(r.stderr, "within --timeout") {
		t.Errorf("wait for two tasks: exit %d, want 5 naming --timeout\n%s", r.code, r.stderr)
	}
}
