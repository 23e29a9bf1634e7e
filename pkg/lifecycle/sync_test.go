package lifecycle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/novita-cli/novita/pkg/testmain"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox"
)

func TestMain(m *testing.M) { testmain.Main(m) }

// syncEnv is a sandbox serving the synchronous endpoints, a runner pointed at it with a journal, and
// a directory for the outputs.
type syncEnv struct {
	sb  *sandbox.Server
	r   *Runner
	j   *journal.Journal
	dir string
}

func newSyncEnv(t *testing.T) *syncEnv {
	t.Helper()
	sb := sandbox.New(sandbox.Options{})
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	hc := &http.Client{Transport: tr}
	j := journal.Open(t.TempDir())
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		_ = sb.Close()
		_ = j.Close()
	})
	c := novita.NewClient(sb.URL(), sb.APIKey(), "test")
	c.HTTPClient = hc
	return &syncEnv{sb: sb, j: j, dir: t.TempDir(),
		r: &Runner{Client: c, BaseURL: sb.URL(), Journal: j, HTTP: hc, UserAgent: "test"}}
}

// call builds the task's sample request (pkg/body's) and makes the call, outputs under e.dir.
func (e *syncEnv) call(t *testing.T, name string, in body.Input, line int) (*Document, error) {
	t.Helper()
	task, ok := catalog.Lookup(name)
	if !ok || !task.Sync() {
		t.Fatalf("%s is not a synchronous catalog task", name)
	}
	req, err := body.Build(context.Background(), task, in)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := body.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	output := filepath.Join(e.dir, "{task_id}-{kind}-{index}.{ext}")
	tmpl, err := download.ParseTemplate(output)
	if err != nil {
		t.Fatal(err)
	}
	return e.r.RunSync(context.Background(), SyncCall{Task: task, Body: raw, Request: req, Output: output,
		Outputs: Outputs{Template: tmpl}, Line: line})
}

func sample(name string) body.Input {
	task, _ := catalog.Lookup(name)
	return body.SampleInput(task, filepath.Join("..", "body", "testdata"))
}

func TestRunSyncSavesInlineOutputsAndJournalsThem(t *testing.T) {
	e := newSyncEnv(t)
	doc, err := e.call(t, "remove-background", sample("remove-background"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if doc.DeliveredBy != DeliveredBySync || doc.Status != string(novita.StatusSucceed) || !strings.HasPrefix(doc.TaskID, LocalIDPrefix) {
		t.Errorf("document %+v: want delivered_by sync, SUCCEED and a local id (the answer has no task id)", doc)
	}
	if len(doc.Files) != 1 {
		t.Fatalf("files %+v, want the one image", doc.Files)
	}
	f := doc.Files[0]
	data, err := os.ReadFile(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if !bytes.HasPrefix(data, []byte("\x89PNG")) || int64(len(data)) != f.Bytes || hex.EncodeToString(sum[:]) != f.SHA256 {
		t.Errorf("%s is not the PNG the document describes (%d bytes)", f.Path, len(data))
	}
	if !strings.HasPrefix(filepath.Base(f.Path), doc.TaskID+"-image-1.") {
		t.Errorf("saved as %s: the template's {task_id} should be the local id %s", f.Path, doc.TaskID)
	}
	// The document keeps the answer readable: the base64 it carried is in the file, not in --json.
	if len(doc.Result) > 512 || !bytes.Contains(doc.Result, []byte("<inline data:")) {
		t.Errorf("result %s: inline data should be elided", doc.Result)
	}
	en, ok, err := e.j.Get(context.Background(), doc.TaskID)
	if err != nil || !ok {
		t.Fatalf("the call is not journalled: %v", err)
	}
	if en.Name != "remove-background" || en.Status != string(novita.StatusSucceed) || en.Endpoint != "/v3/remove-background" ||
		len(en.Files) != 1 || en.Files[0].Path != f.Path {
		t.Errorf("journal entry %+v", en)
	}
}

// flux-1-schnell answers a task id and image URLs: the id is kept, the URLs are downloaded.
func TestRunSyncKeepsTheAnswersTaskIDAndDownloadsURLs(t *testing.T) {
	e := newSyncEnv(t)
	in := sample("flux-1-schnell")
	in.Flags["image-num"] = "2"
	doc, err := e.call(t, "flux-1-schnell", in, 0)
	if err != nil {
		t.Fatal(err)
	}
	if doc.TaskID == "" || strings.HasPrefix(doc.TaskID, LocalIDPrefix) {
		t.Errorf("task id %q: want the one the answer carries", doc.TaskID)
	}
	if len(doc.Files) != 2 || doc.Files[0].URL == "" {
		t.Fatalf("files %+v: want two images downloaded from their URLs", doc.Files)
	}
	for _, f := range doc.Files {
		if _, err := os.Stat(f.Path); err != nil {
			t.Error(err)
		}
	}
}

// An API error creates nothing: no document, no journal entry, no file.
func TestRunSyncErrorLeavesNothingBehind(t *testing.T) {
	e := newSyncEnv(t)
	e.r.Client.APIKey = "sk_wrong"
	doc, err := e.call(t, "remove-background", sample("remove-background"), 0)
	var ae *novita.APIError
	if doc != nil || !errors.As(err, &ae) || !ae.IsAuth() {
		t.Fatalf("RunSync = %+v, %v; want the API's auth error and no document", doc, err)
	}
	if es, _ := e.j.List(context.Background(), journal.Query{}); len(es) != 0 {
		t.Errorf("journal %+v, want nothing", es)
	}
	if files, _ := os.ReadDir(e.dir); len(files) != 0 {
		t.Errorf("files left: %v", files)
	}
}

func TestRunSyncBatchRunsEveryLineAndReportsEach(t *testing.T) {
	e := newSyncEnv(t)
	task, _ := catalog.Lookup("flux-1-schnell")
	var lines []SyncLine
	for i, prompt := range []string{"one", "two", "please [fail]", "four", "five"} {
		in := sample("flux-1-schnell")
		in.Flags["prompt"] = prompt
		req, err := body.Build(context.Background(), task, in)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := body.Marshal(req)
		lines = append(lines, SyncLine{Line: i + 1, Body: raw, Request: req})
	}
	tmpl, _ := download.ParseTemplate(filepath.Join(e.dir, "{line}-{index}.{ext}"))
	var mu sync.Mutex
	var done []int
	var last batch.Counts
	results := e.r.RunSyncBatch(context.Background(), SyncBatch{ID: "b-test", Task: task, Outputs: Outputs{Template: tmpl},
		Concurrency: 2,
		Done: func(r batch.Result) {
			mu.Lock()
			defer mu.Unlock()
			done = append(done, r.Line)
		},
		Progress: func(c batch.Counts) { last = c },
	}, lines)
	if len(results) != 5 || len(done) != 5 {
		t.Fatalf("%d results, %d lines reported; want 5 of each", len(results), len(done))
	}
	for i, r := range results {
		want := batch.Succeeded
		if i == 2 {
			want = batch.Errored
		}
		if r.Line != i+1 || r.Outcome != want {
			t.Errorf("result %d: line %d %s (%v), want line %d %s", i, r.Line, r.Outcome, r.Err, i+1, want)
		}
		if want == batch.Succeeded {
			doc, _ := r.Data.(*Document)
			if doc == nil || doc.BatchID != "b-test" || doc.Line != i+1 || len(doc.Files) != 1 {
				t.Errorf("line %d document %+v", i+1, doc)
			}
		}
	}
	if last != (batch.Counts{Total: 5, Submitted: 4, Succeeded: 4, Errored: 1}) {
		t.Errorf("final counts %+v", last)
	}
	if es, _ := e.j.List(context.Background(), journal.Query{}); len(es) != 4 {
		t.Errorf("%d journal entries, want the 4 calls that answered", len(es))
	}
}

func TestRunSyncBatchStartsNothingOnceStopped(t *testing.T) {
	e := newSyncEnv(t)
	task, _ := catalog.Lookup("remove-background")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	results := e.r.RunSyncBatch(ctx, SyncBatch{Task: task, Concurrency: 1}, []SyncLine{{Line: 1, Body: []byte(`{}`)}, {Line: 2, Body: []byte(`{}`)}})
	for _, r := range results {
		if r.Outcome != batch.NotSubmitted {
			t.Errorf("line %d: %s, want not submitted", r.Line, r.Outcome)
		}
	}
	if n := len(e.sb.Requests()); n != 0 {
		t.Errorf("%d requests after the batch was stopped", n)
	}
}

// The --json document of a synchronous call shows the answer, with only the inline outputs (saved as
// files) elided: URLs and other fields stay as received.
func TestAnswerDocumentElidesOnlyInlineOutputs(t *testing.T) {
	task, _ := catalog.Lookup("seedream-3-0-txt2img")
	raw := []byte(`{"binary_data_base64": ["` + strings.Repeat("QUFB", 300) + `"], "image_urls": ["https://cdn.example/a.png"], "note": "<kept>"}`)
	got := string(answerDocument(task, raw))
	want := `{"binary_data_base64":["<inline data: 1200 characters>"],"image_urls":["https://cdn.example/a.png"],"note":"<kept>"}`
	if got != want {
		t.Errorf("answerDocument = %s\nwant %s", got, want)
	}
	if got := string(answerDocument(task, []byte("RIFF....WAVE"))); got != "null" {
		t.Errorf("a binary answer gives %s, want null", got)
	}
}
