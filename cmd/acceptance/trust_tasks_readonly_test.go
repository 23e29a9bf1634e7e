package acceptance

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// `novita tasks` and `tasks show` only look: a missing journal lists nothing and is not created.
func TestTasksOnAMissingJournalCreatesNothing(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.noJournal()
	r := c.run("tasks", "--json")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "" {
		t.Fatalf("tasks without a journal: exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	if r := c.run("tasks", "show", "0123abcd"); r.code == 0 {
		t.Errorf("tasks show of an unknown task: exit 0\n%s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "state")); !os.IsNotExist(err) {
		t.Errorf("tasks created the state directory: %v", err)
	}
}

// A journal listed by `novita tasks` is left byte for byte as it was, even one chmod 0444 (tests run
// as root, so the bytes and the absence of WAL files are what is checked).
func TestTasksLeavesAReadOnlyJournalUnchanged(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	id := c.submit("txt2img", "--prompt", "a lighthouse")
	db := filepath.Join(c.dir, "state", "novita.db")
	if _, err := os.Stat(db + "-wal"); err == nil {
		t.Fatalf("the journal's WAL is still there after the command ended")
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(db)
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	r := c.run("tasks", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, id) {
		t.Fatalf("tasks on a 0444 journal: exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	if r := c.run("tasks", "show", id); r.code != 0 || !strings.Contains(r.stdout, "a lighthouse") {
		t.Fatalf("tasks show on a 0444 journal: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	after, _ := os.ReadFile(db)
	st2, _ := os.Stat(db)
	if !bytes.Equal(before, after) || !st2.ModTime().Equal(st.ModTime()) {
		t.Error("tasks changed the journal file")
	}
}
