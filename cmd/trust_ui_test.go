package cmd

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
	saved := filepath.Join(c.dir, strings.TrimSpace(r.stdout))
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
