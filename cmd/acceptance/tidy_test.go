package acceptance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/sandbox"
)

func tidyDoc(t *testing.T, r result) (doc struct {
	Removed      []string `json:"removed"`
	FilesDeleted []string `json:"files_deleted"`
	FilesKept    []string `json:"files_kept"`
}) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s%s", err, r.stdout, r.stderr)
	}
	return doc
}

func TestTasksRmKeepsOutputsUnlessFiles(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	a := submitOne(t, c, "a kept file", "a.png", "--metadata", "sidecar")
	b := submitOne(t, c, "a deleted file", "b.png", "--metadata", "sidecar")
	d := submitOne(t, c, "a changed file", "d.png")

	// Without --files: the task goes, the file stays; by a prefix.
	if r := c.run("tasks", "rm", a[:8]); r.code != 0 || !strings.Contains(r.stderr, "forgot 1 task") {
		t.Fatalf("rm: exit %d\n%s", r.code, r.stderr)
	}
	c.mustExist("a.png")
	if r := c.run("tasks", "show", a); r.code != 2 {
		t.Fatalf("a forgotten task is still shown: exit %d", r.code)
	}
	// With --files, by the file itself: the output (still as downloaded) and its sidecar go.
	if err := os.WriteFile(filepath.Join(c.dir, "d.png"), []byte("edited since"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := tidyDoc(t, c.run("tasks", "rm", "b.png", d, "--files", "--json"))
	if strings.Join(doc.Removed, " ") != b+" "+d || len(doc.FilesDeleted) != 1 || len(doc.FilesKept) != 1 {
		t.Fatalf("rm --files: %+v", doc)
	}
	for _, gone := range []string{"b.png", "b.png.json"} {
		if _, err := os.Stat(filepath.Join(c.dir, gone)); err == nil {
			t.Errorf("%s was not deleted", gone)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(c.dir, "d.png")); string(got) != "edited since" {
		t.Fatal("a file changed since the download was deleted")
	}
	if r := c.run("tasks", "rm", "nope-not-a-task"); r.code != 2 || !strings.Contains(r.stderr, "not in the journal") {
		t.Fatalf("rm unknown: exit %d\n%s", r.code, r.stderr)
	}
}

func TestTasksPrune(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	old := submitOne(t, c, "an old one", "old.png")
	recent := submitOne(t, c, "a recent one", "recent.png")
	failed := c.run("submit", "txt2img", "--prompt", "[fail] broken", "--wait", "--json")
	if failed.code != 3 {
		t.Fatalf("failed submit: exit %d\n%s", failed.code, failed.stderr)
	}
	// Age the first task by hand: the journal is the user's SQLite file.
	j := journal.Open(c.env["NOVITA_STATE_DIR"])
	if err := j.RecordSubmitted(t.Context(), journal.Submitted{TaskID: old, SubmittedAt: time.Now().Add(-40 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	j.Close()

	if r := c.run("tasks", "prune"); r.code != 2 || !strings.Contains(r.stderr, "needs a filter") {
		t.Fatalf("prune without a filter: exit %d\n%s", r.code, r.stderr)
	}
	r := c.run("tasks", "prune", "--older-than", "30d", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, old) || strings.Contains(r.stdout, recent) || !strings.Contains(r.stderr, "would forget 1 task") {
		t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	doc := tidyDoc(t, c.run("tasks", "prune", "--older-than", "30d", "--files", "--json"))
	if strings.Join(doc.Removed, " ") != old || len(doc.FilesDeleted) != 1 {
		t.Fatalf("prune --older-than --files: %+v", doc)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "old.png")); err == nil {
		t.Fatal("old.png was not deleted")
	}
	doc = tidyDoc(t, c.run("tasks", "prune", "--status", "failed", "--json"))
	if len(doc.Removed) != 1 || doc.Removed[0] == recent {
		t.Fatalf("prune --status failed: %+v", doc)
	}
	c.mustExist("recent.png")
	if r := c.run("tasks", "--json"); strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, recent) {
		t.Fatalf("left: %s", r.stdout)
	}
}

// Tasks submitted to the in-process --sandbox without --wait are marked, never pending, and said so;
// prune --sandbox forgets them.
func TestInProcessSandboxTasksAreNotPending(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("--sandbox", "submit", "txt2img", "--prompt", "a throwaway")
	if r.code != 0 {
		t.Fatalf("submit --sandbox: exit %d\n%s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	r = c.run("tasks", "--pending")
	if strings.Contains(r.stdout, id) || !strings.Contains(r.stderr, "1 task of an in-process --sandbox never ended") {
		t.Fatalf("tasks --pending: %s\n%s", r.stdout, r.stderr)
	}
	if r := c.run("wait", "--pending"); r.code != 0 || !strings.Contains(r.stderr, "in-process --sandbox") {
		t.Fatalf("wait --pending: exit %d\n%s", r.code, r.stderr)
	}
	if r := c.run("wait", id[:8]); r.code != 2 || !strings.Contains(r.stderr, "it will never end") {
		t.Fatalf("wait for a gone sandbox's task: exit %d\n%s", r.code, r.stderr)
	}
	if r := c.run("tasks", "show", id); !strings.Contains(r.stdout, "gone since: it will not end") {
		t.Fatalf("show: %s", r.stdout)
	}
	if r := c.run("tasks", "show", id, "--json"); !strings.Contains(r.stdout, `"sandbox": true`) {
		t.Fatalf("show --json: %s", r.stdout)
	}
	doc := tidyDoc(t, c.run("tasks", "prune", "--sandbox", "--json"))
	if strings.Join(doc.Removed, " ") != id {
		t.Fatalf("prune --sandbox: %+v", doc)
	}
}
