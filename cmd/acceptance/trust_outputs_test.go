package acceptance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// The README's own example, run twice: the second run must stop before paying, since its templated
// outputs ({index}) are already there, and name --overwrite.
func TestSubmitTwiceWithIndexTemplateRefusedBeforePaying(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.useSandbox(sb)
	args := []string{"submit", "txt2img", "--prompt", "a cat", "-n", "2", "--wait", "-o", "cats/{index}.{ext}"}
	if r := c.run(args...); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	before := countSubmits(sb)
	r := c.run(args...)
	if r.code != 2 || !strings.Contains(r.stderr, "--overwrite") || !strings.Contains(r.stderr, filepath.Join("cats", "1.png")) {
		t.Fatalf("second run: exit %d, want 2 naming cats/1.png and --overwrite\n%s", r.code, r.stderr)
	}
	if n := countSubmits(sb); n != before {
		t.Fatalf("the second run paid for %d tasks before refusing", n-before)
	}
	// With --overwrite it goes ahead.
	if r := c.run(append(args, "--overwrite")...); r.code != 0 {
		t.Fatalf("--overwrite: exit %d\n%s", r.code, r.stderr)
	}
}

// A batch whose lines plan outputs that exist is refused before the first submit.
func TestBatchPlannedOutputsCheckedBeforePaying(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.useSandbox(sb)
	os.WriteFile(filepath.Join(c.dir, "p.txt"), []byte("a cat\n{\"prompt\":\"a dog\",\"image_num\":2}\n"), 0o644)
	os.MkdirAll(filepath.Join(c.dir, "out"), 0o755)
	os.WriteFile(filepath.Join(c.dir, "out", "2-2.png"), []byte("mine"), 0o644)
	r := c.run("submit", "txt2img", "--batch", "p.txt", "--wait", "-o", "out/{line}-{index}.{ext}")
	if r.code != 2 || !strings.Contains(r.stderr, filepath.Join("out", "2-2.png")) {
		t.Fatalf("exit %d, want 2 naming out/2-2.png\n%s", r.code, r.stderr)
	}
	if n := countSubmits(sb); n != 0 {
		t.Fatalf("%d tasks paid for", n)
	}
	if b, _ := os.ReadFile(filepath.Join(c.dir, "out", "2-2.png")); string(b) != "mine" {
		t.Fatal("the user's file was replaced")
	}
}

func countSubmits(sb *sandbox.Server) int {
	n := 0
	for _, r := range sb.Requests() {
		if r.Method == "POST" && strings.HasPrefix(r.Path, "/v3/async/") {
			n++
		}
	}
	return n
}
