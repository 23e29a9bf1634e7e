package acceptance

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// "Download again" writes the path the journal recorded, wherever `novita ui` runs; it never
// replaces a different file there and never rewrites the recorded path.
func TestUIDownloadAgainWritesTheRecordedPathOnly(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "a lighthouse", "--wait")
	if r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	saved := c.abs(strings.TrimSpace(r.stdout))
	png, _ := os.ReadFile(saved)
	os.WriteFile(saved, []byte("my own edit"), 0o644)
	elsewhere := t.TempDir()
	t.Chdir(elsewhere) // the inspector runs in another directory
	ic := startUI(t, c)
	var tasks []taskDoc
	ic.getJSON("/api/tasks", &tasks)
	id := tasks[0].ID

	code, b := ic.do(http.MethodPost, "/api/tasks/"+id+"/download", nil, false)
	if code != http.StatusConflict || !strings.Contains(string(b), "already exists") {
		t.Fatalf("download again over a different file: %d %s; want 409 saying why", code, b)
	}
	if got, _ := os.ReadFile(saved); string(got) != "my own edit" {
		t.Fatal("the user's file was overwritten")
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Fatalf("files written where the inspector runs: %v", entries)
	}

	os.Remove(saved)
	if code, b := ic.do(http.MethodPost, "/api/tasks/"+id+"/download", nil, false); code != 200 {
		t.Fatalf("download again of a missing file: %d %s", code, b)
	}
	if got, _ := os.ReadFile(saved); !bytes.Equal(got, png) {
		t.Fatal("the output did not come back to its recorded path")
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Fatalf("files written where the inspector runs: %v", entries)
	}
	ic.getJSON("/api/tasks", &tasks)
	if tasks[0].Files[0].Path != saved {
		t.Fatalf("the recorded path changed to %s", tasks[0].Files[0].Path)
	}
}

// /files serves the recorded output only: a symlink, a FIFO or a changed file at the recorded path
// is answered 409 with why (a FIFO must not hang the request).
func TestUIFilesServeOnlyTheRecordedFile(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "a lighthouse", "--wait")
	if r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	saved := c.abs(strings.TrimSpace(r.stdout))
	secret := filepath.Join(c.dir, "secret.txt")
	os.WriteFile(secret, []byte("TOP-SECRET"), 0o600)
	ic := startUI(t, c)
	var tasks []taskDoc
	ic.getJSON("/api/tasks", &tasks)
	url := "/" + tasks[0].Files[0].URL // relative to the page
	replace := map[string]func() error{
		"symlink": func() error { os.Remove(saved); return os.Symlink(secret, saved) },
		"fifo":    func() error { os.Remove(saved); return mkfifo(saved) },
		"changed": func() error { os.Remove(saved); return os.WriteFile(saved, []byte("something else"), 0o644) },
	}
	for _, name := range []string{"symlink", "fifo", "changed"} {
		if err := replace[name](); err != nil {
			t.Logf("%s: %v (skipped)", name, err)
			continue
		}
		code, b := ic.do(http.MethodGet, url, nil, false)
		if code != http.StatusConflict || strings.Contains(string(b), "TOP-SECRET") {
			t.Errorf("%s at the recorded path: %d %q; want 409 with why", name, code, b)
		}
	}
}
