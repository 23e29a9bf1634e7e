package journal

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func child(t *testing.T, mode string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{childEnv + "=" + mode}, env...)...)
	return cmd
}

// Four processes start at once on a state directory that still holds the first release's
// tasks.jsonl: exactly one imports it, and every task each of them recorded is there, once.
func TestConcurrentProcessesLoseNothingAndImportOnce(t *testing.T) {
	dir := t.TempDir()
	fixture, err := os.ReadFile(filepath.Join("testdata", "tasks-v1.jsonl"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, JSONLName), fixture, 0o600))
	const procs, per = 4, 50
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for p := 0; p < procs; p++ {
		cmd := child(t, "write", "JOURNAL_DIR="+dir, fmt.Sprintf("JOURNAL_N=%d", per), fmt.Sprintf("JOURNAL_NAME=p%d", p))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		must(t, cmd.Start())
		cmds, outs = append(cmds, cmd), append(outs, &out)
	}
	imports := 0
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("writer %d: %v\n%s", i, err, outs[i])
		}
		imports += strings.Count(outs[i].String(), "imported=1")
	}
	if imports != 1 {
		t.Errorf("%d processes imported tasks.jsonl, want exactly 1", imports)
	}
	j, _ := openTestIn(t, dir)
	ctx := context.Background()
	all, err := j.List(ctx, Query{})
	must(t, err)
	byID := map[string]Task{}
	for _, task := range all {
		byID[task.ID] = task
	}
	for p := 0; p < procs; p++ {
		for i := 0; i < per; i++ {
			id := fmt.Sprintf("p%d-%04d", p, i)
			got, ok := byID[id]
			ended := i%10 == 0
			if !ok || Final(got.Status) != ended || (len(got.Files) == 1) != ended || got.Prompt == "" || got.Seed == nil || *got.Seed != int64(i) {
				t.Fatalf("task %s: %+v (found %v)", id, got, ok)
			}
		}
	}
	if want := procs*per + 7; len(all) != want { // the fixture holds 7 tasks
		t.Errorf("%d tasks, want %d", len(all), want)
	}
	d, _, err := j.Get(ctx, "b2000000-0002-4000-8000-000000000002")
	must(t, err)
	if len(d.History) != 2 { // QUEUED, FAILED: imported once, not once per process
		t.Errorf("imported history %+v, want 2 changes", d.History)
	}
	if _, err := os.Stat(filepath.Join(dir, JSONLName+".imported")); err != nil {
		t.Errorf("tasks.jsonl not kept as tasks.jsonl.imported: %v", err)
	}
}

// A process killed (SIGKILL, no chance to clean up) right after RecordSubmitted returned: the task is
// in the journal for the next process.
func TestKillRightAfterRecordSubmittedLosesNothing(t *testing.T) {
	dir := t.TempDir()
	const id = "killed-0001"
	cmd := child(t, "hold", "JOURNAL_DIR="+dir, "JOURNAL_TASK="+id)
	stdin, err := cmd.StdinPipe()
	must(t, err)
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	must(t, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "recorded "+id {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child said %q (%v): %s", line, err, stderr.String())
	}
	must(t, cmd.Process.Kill())
	if err := cmd.Wait(); err == nil {
		t.Fatal("the child exited normally; it was meant to be killed")
	}
	j, _ := openTestIn(t, dir)
	d, ok, err := j.Get(context.Background(), id)
	if err != nil || !ok {
		t.Fatalf("the killed process's task is gone: found %v, %v", ok, err)
	}
	if d.Status != "TASK_STATUS_QUEUED" || d.Prompt != "paid for, then killed" || len(d.Request) == 0 {
		t.Errorf("task after the kill: %+v", d.Task)
	}
	pending, err := j.List(context.Background(), Query{Pending: true})
	if err != nil || len(pending) != 1 || pending[0].ID != id {
		t.Errorf("pending after the kill: %+v %v", pending, err)
	}
}

// openTestIn opens the journal of an existing directory, closed when the test ends.
func openTestIn(t *testing.T, dir string) (*Journal, string) {
	t.Helper()
	j := Open(dir)
	t.Cleanup(func() { must(t, j.Close()) })
	return j, dir
}
