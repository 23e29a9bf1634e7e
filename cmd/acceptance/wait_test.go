package acceptance

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/sandbox"
)

func pendingTasks(t *testing.T, c *cli) []journal.Task {
	t.Helper()
	j := journal.Open(c.env["NOVITA_STATE_DIR"])
	defer j.Close()
	ts, err := j.List(context.Background(), journal.Query{Pending: true})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// Issue 15, item 4: wait --pending waits for every task the journal never saw end, at once, saves each
// where its submit would have, and leaves nothing pending; a second run has nothing to do.
func TestWaitPendingFinishesEveryUnfinishedTask(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	var ids []string
	for i := range 3 {
		r := c.run("submit", "txt2img", "--prompt", fmt.Sprint("left behind ", i), "--width", "128", "--height", "128",
			"-o", "kept/{task_id}.{ext}")
		if r.code != 0 {
			t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
		}
		ids = append(ids, strings.TrimSpace(r.stdout))
	}
	if r := c.run("submit", "txt2img", "--prompt", "seen to end", "--wait", "--tunnel", "none", "-o", "done.png"); r.code != 0 {
		t.Fatalf("submit --wait: exit %d\n%s", r.code, r.stderr)
	}
	other := startSandbox(t, sandbox.Options{}) // another API: its task cannot be read from sb
	c.useSandbox(other)
	if r := c.run("submit", "txt2img", "--prompt", "elsewhere"); r.code != 0 {
		t.Fatalf("submit elsewhere: exit %d\n%s", r.code, r.stderr)
	}
	c.useSandbox(sb)
	if n := len(pendingTasks(t, c)); n != 4 {
		t.Fatalf("%d pending tasks before, want 4", n)
	}
	reads := len(sb.Requests())
	r := c.run("wait", "--pending")
	if r.code != 0 {
		t.Fatalf("wait --pending: exit %d\n%s", r.code, r.stderr)
	}
	got := r.lines()
	if len(got) != 3 {
		t.Fatalf("wait --pending printed %d paths, want 3:\n%s", len(got), r.stdout)
	}
	for _, id := range ids {
		c.mustExist(filepath.Join("kept", id+".png")) // the submit's own -o
	}
	if !strings.Contains(r.stderr, "pending tasks: 3 tasks, 3 succeeded") {
		t.Errorf("no summary:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "warning: 1 pending task submitted to "+other.URL()) {
		t.Errorf("the task of another API should be left alone, with a warning:\n%s", r.stderr)
	}
	if left := pendingTasks(t, c); len(left) != 1 || left[0].BaseURL != other.URL() {
		t.Errorf("pending after wait --pending: %+v", left)
	}
	for _, req := range sb.Requests()[reads:] {
		if req.Method == "POST" {
			t.Errorf("wait --pending submitted something: %s %s", req.Method, req.Path)
		}
	}
	again := c.run("wait", "--pending")
	if again.code != 0 || again.stdout != "" || !strings.Contains(again.stderr, "no pending tasks of "+sb.URL()) {
		t.Errorf("nothing left to do: exit %d stdout %q stderr %s", again.code, again.stdout, again.stderr)
	}
}

// Outputs that can no longer be fetched (their URLs expired, even after a fresh read) are told per
// task, and the exit code is a batch's with errors (1).
func TestWaitPendingTellsExpiredOutputsPerTask(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{Now: expiringClock()}))
	var ids []string
	for i := range 2 {
		r := c.run("submit", "txt2img", "--prompt", fmt.Sprint("old ", i))
		if r.code != 0 {
			t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
		}
		ids = append(ids, strings.TrimSpace(r.stdout))
	}
	r := c.run("--json", "wait", "--pending")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	docs := map[string]batchDoc{}
	for _, l := range r.lines() {
		var d batchDoc
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		docs[d.TaskID] = d
	}
	for _, id := range ids {
		d, ok := docs[id]
		if !ok || d.Error == nil || !strings.Contains(d.Error.Message, "expire") || d.Error.TaskID != id {
			t.Errorf("task %s: %+v", id, d.Error)
		}
		if !strings.Contains(r.stderr, id) {
			t.Errorf("the summary does not name task %s:\n%s", id, r.stderr)
		}
	}
	if strings.Count(r.stderr, "expire") < 2 {
		t.Errorf("the summary should say, per task, that its URLs expired:\n%s", r.stderr)
	}
}

// --pending goes alone.
func TestWaitPendingRefusesOtherSelections(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{{"wait", "--pending", "abc"}, {"wait", "--pending", "--last"}, {"wait", "--pending", "--batch", "b-1"}} {
		if r := c.run(args...); r.code != 2 {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
}

// Issue 13, item 12: wait --batch after lines that were never submitted says which, with the file.
func TestWaitBatchRemindsOfLinesNeverSubmitted(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	const n, limit = 8, 3
	sb := startSandbox(t, sandbox.Options{RateLimitPerMinute: limit})
	c.useSandbox(sb)
	file := tilesFile(t, c, n)
	ctx := interruptAtFirst429(sb)
	r := c.runCtx(ctx, "submit", "txt2img", "--width", "128", "--height", "128", "--batch", file)
	if r.code != 130 {
		t.Fatalf("exit %d, want 130\n%s", r.code, r.stderr)
	}
	id := batchIDOf(t, r.stderr)
	w := c.run("wait", "--batch", id, "-o", "tiles/{line}.{ext}")
	if w.code != 0 || len(w.lines()) != limit {
		t.Fatalf("wait --batch: exit %d, %d paths\n%s", w.code, len(w.lines()), w.stderr)
	}
	sent := map[int]bool{}
	for _, e := range batchEntries(t, c, id) {
		sent[e.Line] = true
	}
	var unsent []int
	for l := 1; l <= n; l++ {
		if !sent[l] {
			unsent = append(unsent, l)
		}
	}
	want := fmt.Sprintf("warning: batch %s: lines %s of %s were never submitted", id, taskview.LineList(unsent), file)
	if !strings.Contains(w.stderr, want) || !strings.Contains(w.stderr, "submit them again") {
		t.Fatalf("stderr lacks %q:\n%s", want, w.stderr)
	}
	if !strings.Contains(w.stderr, fmt.Sprintf("%d lines, %d succeeded, %d not submitted", n, limit, n-limit)) {
		t.Errorf("the summary should count the lines never submitted:\n%s", w.stderr)
	}
}

// Issue 15, item 4: a single wait warns about outputs left undownloaded whose links expire soon, as
// submit --wait does; --preview is checked before any waiting.
func TestWaitWarnsAboutOutputsLeftBehind(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{URLTTL: 5 * time.Minute}))
	r := c.run("submit", "txt2img", "--prompt", "later")
	if r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	w := c.run("wait", id, "--no-download")
	if w.code != 0 || !strings.Contains(w.stderr, "outputs of task "+id+" were not downloaded and their URLs expire in 5 min") {
		t.Fatalf("exit %d, no warning:\n%s", w.code, w.stderr)
	}
	c.env["NOVITA_PREVIEW"] = "pictures"
	for _, args := range [][]string{{"wait", id}, {"result", id, "--download"}} {
		if b := c.run(args...); b.code != 2 || !strings.Contains(b.stderr, "NOVITA_PREVIEW") {
			t.Errorf("%v with a bad NOVITA_PREVIEW: exit %d\n%s", args, b.code, b.stderr)
		}
	}
}

// A batch none of whose lines became a task has nothing to wait for: wait --batch says so (exit 1),
// rather than that the batch is unknown.
func TestWaitBatchOfLinesAllRefused(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{Submit5xxFirst: 100}))
	file := tilesFile(t, c, 3)
	r := c.run("submit", "txt2img", "--batch", file)
	if r.code != 1 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	id := batchIDOf(t, r.stderr)
	w := c.run("wait", "--batch", id)
	if w.code != 1 || !strings.Contains(w.stderr, "none of its 3 lines became a task") || !strings.Contains(w.stderr, file) {
		t.Fatalf("exit %d\n%s", w.code, w.stderr)
	}
}

// Issue 13, item 6: `--json wait --batch` of a batch that is already over prints a document for every
// line (from the journal), not nothing.
func TestJSONWaitBatchOfAFinishedBatchPrintsEveryLine(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	file := writeBatchFile(t, c, "b.txt", []string{"one", "two", "three"})
	r := c.run("submit", "txt2img", "--batch", file, "--wait", "--width", "128", "--height", "128", "-o", "out/{line}.{ext}")
	if r.code != 0 {
		t.Fatalf("batch: exit %d\n%s", r.code, r.stderr)
	}
	id := batchIDOf(t, r.stderr)
	r = c.run("--json", "wait", "--batch", id)
	lines := r.lines()
	if r.code != 0 || len(lines) != 3 {
		t.Fatalf("exit %d, want three documents:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, l := range lines {
		var d struct {
			TaskID, Status, BatchID string
			Line                    int
			Files                   []struct{ Path string }
		}
		if err := json.Unmarshal([]byte(l), &d); err != nil || d.Status != "TASK_STATUS_SUCCEED" || len(d.Files) != 1 || d.Line == 0 {
			t.Fatalf("line document %s (%v)", l, err)
		}
	}
}

// A task that was over before `wait` asked is said to have already succeeded, not to have succeeded
// "via polling in 0s"; one that was still running when the wait began says how and when it ended.
func TestWaitSaysATaskHadAlreadySucceeded(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{TaskDuration: 2 * time.Second}))
	submit := func() string {
		r := c.run("submit", "txt2img", "--prompt", "done before the wait")
		if r.code != 0 {
			t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
		}
		return strings.TrimSpace(r.stdout)
	}
	running := submit()
	w := c.run("wait", running, "--no-download")
	if w.code != 0 || !strings.Contains(w.stderr, "task "+running+" succeeded via polling in") {
		t.Fatalf("a running task: exit %d\n%s", w.code, w.stderr)
	}
	again := c.run("wait", running, "--no-download")
	if again.code != 0 || !strings.Contains(again.stderr, "task "+running+" had already succeeded") ||
		strings.Contains(again.stderr, "via polling") {
		t.Fatalf("a finished task: exit %d\n%s", again.code, again.stderr)
	}
}
