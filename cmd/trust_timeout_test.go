package cmd

import (
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// --timeout bounds the download too: an output that trickles in (never stalled, never done) ends the
// command with the timeout's exit code and its resume hint, its partial file kept.
func TestTimeoutBoundsATricklingDownload(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{DownloadBytesPerSec: 512})
	c := newCLI(t)
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "a cat", "--wait", "--timeout", "2s")
	if r.code != 5 || !strings.Contains(r.stderr, "novita wait") {
		t.Fatalf("exit %d, want 5 with the resume hint\n%s", r.code, r.stderr)
	}
}
