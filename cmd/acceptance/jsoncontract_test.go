package acceptance

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// expiringClock moves two hours on at every look, so every output URL the sandbox signs has expired
// (its TTL is an hour) by the time it is fetched, even right after a fresh task-result read.
func expiringClock() func() time.Time {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(2 * time.Hour)
		return now
	}
}

type taskDocWithError struct {
	doc
	BatchID string    `json:"batch_id"`
	Error   *errorObj `json:"error"`
}

// Issue 13, item 6: a download that fails after the task succeeded gives the task's document, with the
// files that were saved, AND the error that made the command fail, in the top-level error's shape.
func TestJSONFailedDownloadCarriesFilesAndError(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{Now: expiringClock()}))
	r := c.run("--json", "submit", "txt2img", "--prompt", "gone", "--wait", "--tunnel", "none", "-o", "out/{task_id}.{ext}")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	var d taskDocWithError
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if err := dec.Decode(&raw); err != nil || dec.More() || json.Unmarshal([]byte(r.stdout), &d) != nil {
		t.Fatalf("stdout is not one document: %v\n%s", err, r.stdout)
	}
	if string(raw["files"]) != "[]" || d.Status != "TASK_STATUS_SUCCEED" {
		t.Errorf("the document should list the (no) files saved and the task's status: %s", r.stdout)
	}
	e := d.Error
	if e == nil || e.ExitCode != 1 || e.TaskID != d.TaskID || e.Reason != "ERROR" || !strings.Contains(e.Message, "expired") ||
		!strings.Contains(e.Hint, "novita result "+d.TaskID+" --download") {
		t.Fatalf("error object %+v", e)
	}
}

// Issue 13, item 6: a batch line's document carries batch_id, and a line that did not succeed carries
// the same structured error as the top-level error document.
func TestJSONBatchLinesCarryBatchIDAndStructuredErrors(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	file := writeBatchFile(t, c, "two.txt", []string{"a fine cat", "a [fail] dog"})
	r := c.run("--json", "submit", "txt2img", "--width", "128", "--height", "128", "--batch", file, "--wait",
		"-o", "out/{line}.{ext}")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
	}
	id := batchIDOf(t, r.stderr)
	if len(r.lines()) != 2 {
		t.Fatalf("want one document per line:\n%s", r.stdout)
	}
	for _, l := range r.lines() {
		var d batchDoc
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		if d.BatchID != id {
			t.Errorf("line %d: batch_id %q, want %q", d.Line, d.BatchID, id)
		}
		switch d.Line {
		case 1:
			if d.Error != nil || d.Status != "TASK_STATUS_SUCCEED" {
				t.Errorf("line 1: %s", l)
			}
		case 2:
			e := d.Error
			if e == nil || e.ExitCode != 3 || e.Reason != "TASK_FAILED" || e.TaskID != d.TaskID || e.BatchID != id ||
				!strings.Contains(e.Message, "failed") {
				t.Errorf("line 2: error %+v", e)
			}
		}
	}
}

// Issue 13, item 6: the documents of a timeout (exit 5) and of an interrupt carry the task or batch as
// fields, not only inside the message.
func TestJSONTimeoutDocumentsNameTheTaskAndTheBatch(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{TaskDuration: time.Minute}))
	r := c.run("--json", "submit", "txt2img", "--prompt", "slow", "--wait", "--timeout", "300ms")
	if r.code != 5 {
		t.Fatalf("exit %d, want 5\n%s", r.code, r.stderr)
	}
	var top struct {
		Error errorObj `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &top); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	e := top.Error
	if e.ExitCode != 5 || e.Reason != "TIMEOUT" || e.TaskID == "" || e.Hint != "resume with: novita wait "+e.TaskID {
		t.Fatalf("timeout document %+v", e)
	}

	file := writeBatchFile(t, c, "slow.txt", []string{"slow one", "slow two"})
	r = c.run("--json", "submit", "txt2img", "--batch", file, "--wait", "--timeout", "300ms")
	if r.code != 5 {
		t.Fatalf("batch: exit %d, want 5\n%s", r.code, r.stderr)
	}
	id := batchIDOf(t, r.stderr)
	lines := r.lines()
	if len(lines) == 0 || json.Unmarshal([]byte(lines[len(lines)-1]), &top) != nil {
		t.Fatalf("no error document:\n%s", r.stdout)
	}
	if e := top.Error; e.ExitCode != 5 || e.BatchID != id || e.Hint != "resume with: novita wait --batch "+id {
		t.Fatalf("batch timeout document %+v", e)
	}
}

// Issue 13, item 12: an error names what was being done once, not "submit txt2img: submit txt2img: ...".
func TestRetryLinesNameTheOperationOnce(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{Submit429First: 1, Result5xxFirst: 1, RetryAfter: 10 * time.Millisecond}))
	r := c.run("submit", "txt2img", "--prompt", "busy", "--wait", "--tunnel", "none", "-o", "out.png")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, op := range []string{"submit txt2img", "read task "} {
		if !strings.Contains(r.stderr, op) {
			t.Errorf("stderr does not mention %q:\n%s", op, r.stderr)
		}
	}
	for _, line := range strings.Split(r.stderr, "\n") {
		for _, op := range []string{"submit txt2img", "read task"} {
			if strings.Count(line, op+" ") > 1 || strings.Count(line, op+":") > 1 {
				t.Errorf("%q named twice: %s", op, line)
			}
		}
	}
}

// Issue 13, item 12: the summary counts tasks among tasks, not among lines that were never sent.
func TestBatchSummaryCountsTasksNotLines(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	file := writeBatchFile(t, c, "mixed.txt", []string{"{not json", "a [fail] cat", "{also broken", "a [fail] dog"})
	r := c.run("submit", "txt2img", "--width", "128", "--height", "128", "--batch", file, "--skip-invalid", "--wait",
		"-o", "out/{line}.{ext}")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
	}
	want := fmt.Sprintf("batch %s: 2 of 2 tasks failed (lines 2, 4); 2 invalid lines skipped (lines 1, 3)", batchIDOf(t, r.stderr))
	if !strings.Contains(r.stderr, want) {
		t.Fatalf("stderr lacks %q:\n%s", want, r.stderr)
	}
}
