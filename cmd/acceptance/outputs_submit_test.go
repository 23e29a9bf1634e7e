package acceptance

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// The submit side of issue 13 items 2, 3 and 8: output problems are found before anything is paid for.

// Item 2: submit txt2img --batch b.txt --wait -o out.png --overwrite printed out.png three times and
// kept one file. It is refused before any task is submitted.
func TestBatchWithFixedOutputIsRefusedBeforeSubmitting(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	file := writeBatchFile(t, c, "b.txt", []string{"one", "two", "three"})
	for _, args := range [][]string{
		{"submit", "txt2img", "--batch", file, "--wait", "-o", "out.png", "--overwrite"},
		{"submit", "txt2img", "--batch", file, "-o", "{task}.png"}, // journalled for wait --batch
		{"submit", "txt2img", "--batch", file, "--wait", "-o", "-"},
	} {
		r := c.run(args...)
		if r.code != 2 || !strings.Contains(r.stderr, "{line}") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if n := requestsTo(sb, "/v3/async/txt2img"); n != 0 {
		t.Errorf("%d tasks submitted (paid) before the refusal", n)
	}
	if r := c.run("submit", "txt2img", "--batch", file, "--wait", "-o", "out-{line}.png", "--width", "128", "--height", "128"); r.code != 0 || len(r.lines()) != 3 {
		t.Errorf("-o out-{line}.png: exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
}

// Item 3: these submitted first and failed after paying (exit 1); now exit 2 before any submit.
func TestSubmitFindsOutputProblemsBeforePaying(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	os.WriteFile(filepath.Join(c.dir, "taken.png"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(c.dir, "notes.txt"), []byte("a file"), 0o644)
	cases := map[string][]string{
		"taken.png":                       {"taken.png already exists", "--overwrite"},
		"notes.txt/out.png":               {"notes.txt is a file", "-o"},
		strings.Repeat("x", 300) + ".png": {"more than the 255"},
	}
	if runtime.GOOS == "linux" {
		cases["/sys/novita-out/{index}.{ext}"] = []string{"cannot write in /sys"}
	}
	for tmpl, mentions := range cases {
		r := c.run("submit", "txt2img", "--prompt", "p", "--wait", "-o", tmpl)
		if r.code != 2 {
			t.Errorf("-o %.40s: exit %d, want 2\n%s", tmpl, r.code, r.stderr)
		}
		for _, m := range mentions {
			if !strings.Contains(r.stderr, m) {
				t.Errorf("-o %.40s: stderr does not mention %q:\n%s", tmpl, m, r.stderr)
			}
		}
	}
	if r := c.run("--json", "submit", "txt2img", "--prompt", "p", "--wait", "-o", "-"); r.code != 2 {
		t.Errorf("--json -o -: exit %d", r.code)
	}
	if n := requestsTo(sb, "/v3/async/txt2img"); n != 0 {
		t.Errorf("%d tasks submitted (paid) before the refusals", n)
	}
	if r := c.run("submit", "txt2img", "--prompt", "p", "--width", "128", "--height", "128", "--wait", "-o", "taken.png", "--overwrite"); r.code != 0 {
		t.Errorf("--overwrite: exit %d\n%s", r.code, r.stderr)
	}
}

// Item 8: submit --wait -o - writes the one output, and nothing else, on stdout.
func TestSubmitWaitToStdout(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	r := c.run("submit", "txt2img", "--prompt", "p", "--width", "128", "--height", "128", "--wait", "-o", "-")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "\x89PNG\r\n\x1a\n") || strings.HasSuffix(r.stdout, "-\n") {
		t.Errorf("exit %d, stdout starts %q\n%s", r.code, r.stdout[:min(len(r.stdout), 8)], r.stderr)
	}
	if l := leftovers(t, c.dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

// Item 8: -o - (or a device) holds one output; a request for several is refused before paying.
func TestStdoutTemplateWithSeveralOutputsIsRefusedBeforePaying(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "p", "-n", "2", "--wait", "-o", "-")
	if r.code != 2 || !strings.Contains(r.stderr, "asks for 2") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := requestsTo(sb, "/v3/async/txt2img"); n != 0 {
		t.Fatalf("%d tasks submitted (paid) before the refusal", n)
	}
}
