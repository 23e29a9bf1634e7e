package taskview

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

func succeeded(line int, id string) batch.Result {
	return batch.Result{Line: line, TaskID: id, Outcome: batch.Succeeded, Data: &lifecycle.Document{
		TaskID: id, TaskType: "TXT_TO_IMG", Status: "TASK_STATUS_SUCCEED", BatchID: "b-1", Line: line,
		Result: json.RawMessage(`{"task":{"task_id":"` + id + `"},"images":[{"image_url":"https://x/1.png?sig=secret"}]}`),
		Files:  []download.File{{Kind: "image", Index: 1, URL: "https://x/1.png?sig=secret", Path: "out/" + id + ".png", Bytes: 9, SHA256: "ab"}},
	}}
}

// Once a line is printed, its document keeps what the summary shows (paths, reason), not the raw
// result or the URLs: a batch of thousands must not hold them all to its end.
func TestDonePrintsTheWholeDocumentThenKeepsOnlyTheSummary(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	v := &BatchView{IO: ios, JSON: true, ID: "b-1", Wait: true}
	v.Start([]batch.Item{{Line: 1, TaskID: "t-1"}})
	r := succeeded(1, "t-1")
	v.Done(r)
	if !strings.Contains(out.String(), "sig=secret") || !strings.Contains(out.String(), `"sha256":"ab"`) {
		t.Fatalf("the printed document lacks the result or the URLs: %s", out.String())
	}
	doc := r.Data.(*lifecycle.Document)
	if doc.Result != nil || doc.Files[0].URL != "" || doc.Files[0].SHA256 != "" || doc.Files[0].Path != "out/t-1.png" {
		t.Errorf("kept after printing: %+v", doc)
	}
	if rows := v.rows([]batch.Result{r}); rows[0].Detail != "out/t-1.png" {
		t.Errorf("summary detail %q", rows[0].Detail)
	}
	if err := v.Finish(context.Background(), []batch.Result{r}, nil); err != nil {
		t.Fatal(err)
	}
}

// A line that did not succeed carries the top-level error's shape, with its task and batch.
func TestLineDocumentsCarryStructuredErrors(t *testing.T) {
	v := &BatchView{ID: "b-9"}
	failed := succeeded(2, "t-2")
	failed.Outcome = batch.Failed
	doc := failed.Data.(*lifecycle.Document)
	doc.Status, doc.Reason, doc.Files = "TASK_STATUS_FAILED", "NSFW", []download.File{}
	d := v.docOf(failed)
	if e := d.Error; e == nil || e.ExitCode != 3 || e.Reason != "TASK_FAILED" || e.TaskID != "t-2" || e.BatchID != "b-1" {
		t.Errorf("failed line: %+v", d.Error)
	}
	refused := batch.Result{Line: 3, Outcome: batch.Errored,
		Err: &novita.APIError{Op: "submit txt2img", HTTPStatus: 400, Reason: "INVALID_REQUEST_BODY", Message: "bad"}}
	d = v.docOf(refused)
	if e := d.Error; e == nil || e.ExitCode != 1 || e.HTTPStatus != 400 || e.Reason != "INVALID_REQUEST_BODY" || e.BatchID != "b-9" ||
		d.BatchID != "b-9" || d.Status != "ERROR" || d.Reason != e.Message {
		t.Errorf("refused line: %+v %+v", d.Document, d.Error)
	}
	b, _ := json.Marshal(v.docOf(succeeded(1, "t-1")))
	if strings.Contains(string(b), `"error"`) {
		t.Errorf("a line that succeeded has an error: %s", b)
	}
}

// Issue 13, item 12: "N of M tasks failed" counts tasks, and says which lines were never sent.
func TestExitErrorCountsTasksNotLines(t *testing.T) {
	v := &BatchView{ID: "b-2", Skipped: []Invalid{{Line: 1, Err: errors.New("bad")}, {Line: 5, Err: errors.New("bad")}}}
	var results []batch.Result
	for l := 2; l <= 4; l++ {
		r := succeeded(l, fmt.Sprint("t-", l))
		if l == 3 {
			r.Outcome = batch.Failed
		}
		results = append(results, r)
	}
	err := v.exitError(context.Background(), v.rows(results), nil)
	want := "batch b-2: 1 of 3 tasks failed (line 3); 2 invalid lines skipped (lines 1, 5)"
	if err == nil || err.Error() != want || clierr.Code(err) != clierr.ExitTaskFailed || clierr.SubjectOf(err).BatchID != "b-2" {
		t.Fatalf("got %v, want %q", err, want)
	}
}

// A big batch stopped early lists the lines it never sent in one line, not one row each.
func TestSummaryOfABigBatchFoldsTheLinesNeverSent(t *testing.T) {
	var rows []Row
	for l := 1; l <= 500; l++ {
		r := Row{Line: l, ID: fmt.Sprint("t-", l), Outcome: batch.Succeeded}
		if l > 100 {
			r = Row{Line: l, Outcome: batch.NotSubmitted}
		}
		rows = append(rows, r)
	}
	rows[9].Outcome, rows[9].Detail = batch.Failed, "NSFW"
	var b strings.Builder
	writeSummary(&b, "batch b-3", rows)
	got := b.String()
	if strings.Count(got, "\n") != 5 || !strings.Contains(got, "(400 lines not submitted: lines 101-500)") ||
		!strings.Contains(got, "10    t-10") || !strings.HasSuffix(got, "batch b-3: 500 lines, 99 succeeded, 1 failed, 400 not submitted\n") {
		t.Fatalf("summary:\n%s", got)
	}
}

// Tasks from several batches (wait --pending) are named by id, and a task from no batch file has no
// line number.
func TestPendingRunNamesTasksByID(t *testing.T) {
	v := &BatchView{Label: "pending tasks", ResumeCommand: "novita wait --pending"}
	rows := []Row{{ID: "t-a", Outcome: batch.Errored, Detail: "URL expired"}, {ID: "t-b", Line: 4, Outcome: batch.Succeeded}}
	err := v.exitError(context.Background(), rows, nil)
	if err == nil || err.Error() != "pending tasks: 1 of 2 tasks did not complete (t-a)" {
		t.Fatalf("got %v", err)
	}
	stopped := v.exitError(context.Background(), []Row{{ID: "t-c", Outcome: batch.Pending}}, batch.ErrTimeout)
	if clierr.HintOf(stopped) != "resume with: novita wait --pending" {
		t.Errorf("hint %q", clierr.HintOf(stopped))
	}
	var b strings.Builder
	writeSummary(&b, v.name(), rows)
	if !strings.Contains(b.String(), "-     t-a") {
		t.Errorf("a task without a line shows a number:\n%s", b.String())
	}
}

// The advice for a wait cut short comes from the command side, about the task the error names, and
// says instead why no command can help when the API is gone.
func TestStopHint(t *testing.T) {
	stop := clierr.About(&waiter.StopError{TaskID: "t-7", Cause: waiter.ErrTimeout}, clierr.Subject{TaskID: "t-7"})
	if h := (Advice{}).StopHint(stop); h != "resume with: novita wait t-7" {
		t.Errorf("hint %q", h)
	}
	gone := Advice{Resume: func(string) string { return "the sandbox is gone" }}
	if h := gone.StopHint(stop); h != "the sandbox is gone" {
		t.Errorf("hint %q", h)
	}
	for _, err := range []error{errors.New("boom"), clierr.About(errors.New("boom"), clierr.Subject{TaskID: "t-7"}),
		clierr.New(clierr.KindTimeout, errors.New("no task named"))} {
		if h := (Advice{}).StopHint(err); h != "" {
			t.Errorf("%v: hint %q", err, h)
		}
	}
}

// The error document: exit code, the API's status and reason when there was one, the message with
// secrets removed and control characters escaped, and the subject.
func TestNewErrorDoc(t *testing.T) {
	err := clierr.About(fmt.Errorf("read task x: %w", &novita.APIError{Op: "read task x", HTTPStatus: 403,
		Reason: "INVALID_API_KEY", Message: "key sk-SECRET\x1b[2J"}), clierr.Subject{TaskID: "x"})
	d := NewErrorDoc(err, "check the key", func(s string) string { return strings.ReplaceAll(s, "sk-SECRET", "[REDACTED]") })
	if d.ExitCode != 4 || d.HTTPStatus != 403 || d.Reason != "INVALID_API_KEY" || d.TaskID != "x" || d.Hint != "check the key" ||
		strings.Contains(d.Message, "SECRET") || strings.Contains(d.Message, "\x1b") {
		t.Fatalf("%+v", d)
	}
}

// A finished task whose download failed prints its document with the files saved and the error.
func TestFinishPrintsTheErrorInTheDocument(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	doc := &lifecycle.Document{TaskID: "t-5", Status: "TASK_STATUS_SUCCEED", Result: json.RawMessage(`{}`),
		Files: []download.File{{Kind: "image", Index: 1, Path: "a.png"}}}
	err := Finish(ios, true, doc, errors.New("download image 2: HTTP 404"), Advice{})
	if !clierr.IsReported(err) || clierr.Code(err) != 1 {
		t.Fatalf("err %v", err)
	}
	var got TaskDoc
	if jerr := json.Unmarshal(out.Bytes(), &got); jerr != nil || len(got.Files) != 1 || got.Error == nil ||
		got.Error.TaskID != "t-5" || got.Error.Message != "task t-5: download image 2: HTTP 404" ||
		got.Error.Hint != "the task succeeded; resume with: novita result t-5 --download" {
		t.Fatalf("document %s (%v)", out.String(), jerr)
	}
}
