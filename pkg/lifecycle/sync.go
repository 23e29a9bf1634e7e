package lifecycle

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
)

// A synchronous endpoint (remove-background, flux-1-schnell, the *-sync speech endpoints) answers its
// outputs inline: there is nothing to await. Its pipeline is call → journal → save:
//
//  1. Call: the body goes to the endpoint's own path (never under /v3/async/); the answer is decoded
//     with the spec's response shape (catalog.Task.DecodeSync).
//  2. Journal: the call is recorded as a finished task under the answer's task id, or under a local
//     id (LocalIDPrefix) when the answer carries none, before anything is written to disk.
//  3. Save: inline outputs (base64, hex, text) and URL outputs go through the same output template
//     as downloads; the saved files are journalled.
//
// The document is the one an async task gets, with delivered_by "sync".

// DeliveredBySync is the delivered_by of a task whose outputs came in the answer of its call.
const DeliveredBySync = "sync"

// LocalIDPrefix starts the id a synchronous call is journalled under when its answer has no task id.
const LocalIDPrefix = "local-"

// SyncCall is one call to a synchronous endpoint.
type SyncCall struct {
	Task    catalog.Task
	Body    []byte         // the request as sent
	Request map[string]any // the same, decoded: some fields say where outputs come back
	Output  string         // the -o template as given, journalled
	Outputs Outputs
	BatchID string
	Line    int
	Quiet   bool   // no download progress (a batch shows its own)
	Source  string // who made the call, journalled ("" the command line; journal.SubmitterMCP)
}

// RunSync calls a synchronous endpoint, journals the call and saves its outputs. An API error returns
// no document (nothing was created); a failure to save returns the document with the files that were
// saved.
func (r *Runner) RunSync(ctx context.Context, c SyncCall) (*Document, error) {
	start := r.now()
	raw, err := r.Client.SubmitSync(ctx, c.Task.Path, c.Body)
	if err != nil {
		return nil, err
	}
	ans, err := c.Task.DecodeSync(raw, c.Request)
	if err != nil {
		return nil, &UnreadableAnswerError{Task: c.Task.Name, Err: err}
	}
	id := ans.TaskID
	if id == "" {
		id = newLocalID()
	}
	status := string(novita.StatusSucceed) // the answer is the final result
	r.recordSubmitted(journal.Submitted{TaskID: id, Task: c.Task.Name, Endpoint: c.Task.Path, BaseURL: r.BaseURL,
		SubmittedAt: start.UTC(), Status: status, BatchID: c.BatchID, Line: c.Line, Output: c.Output, Request: c.Body,
		Sandbox: r.Sandbox, Source: c.Source})
	doc := &Document{TaskID: id, Task: c.Task.Name, TaskType: c.Task.TaskType, Status: status, DeliveredBy: DeliveredBySync,
		BatchID: c.BatchID, Line: c.Line, Result: answerDocument(c.Task, raw), Files: []download.File{}}
	r.observer().Ended(Ended{TaskID: id, Status: novita.StatusSucceed, DeliveredBy: DeliveredBySync, Elapsed: r.now().Sub(start)})
	if !c.Outputs.NoDownload {
		doc.Files, err = r.saveInline(ctx, c, id, ans.Outputs)
	}
	doc.ElapsedMS = r.now().Sub(start).Milliseconds()
	return doc, err
}

// saveInline writes the outputs of an answer through the template and journals the files saved, also
// when others failed. Nothing can be re-read: a synchronous answer is not kept by the API.
func (r *Runner) saveInline(ctx context.Context, c SyncCall, id string, outs []novita.Output) ([]download.File, error) {
	opts := download.Options{HTTPClient: r.HTTP, Overwrite: c.Outputs.Overwrite, UserAgent: r.UserAgent, Stdout: r.Stdout}
	if !c.Quiet {
		opts.Progress = r.Progress
	}
	files, err := download.Download(ctx, opts, c.Outputs.Template, download.Vars{TaskID: id, Task: c.Task.Name, Line: c.Line}, outs)
	if c.Outputs.Template == nil || c.Outputs.Template.WritesFiles() { // not standard output, not /dev/null
		r.addProvenance(id, c.Task.Name, c.Outputs.Metadata, files)
		r.recordFiles(id, files, outs)
	} else {
		r.noProvenance(c.Outputs.Metadata, c.Outputs.Template)
	}
	if files == nil {
		files = []download.File{}
	}
	return files, err
}

func newLocalID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return LocalIDPrefix + hex.EncodeToString(b)
}

// answerDocument is the answer as the document's "result": JSON as received, except that the output
// fields the spec says carry base64 or hex (saved as files) read "<inline data: N characters>", so
// --json prints a readable document. A non-JSON answer (the file itself) is null.
func answerDocument(task catalog.Task, raw []byte) json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return json.RawMessage("null")
	}
	if task.Response != nil {
		for _, f := range task.Response.Outputs {
			if f.Encoding == catalog.EncodingBase64 || f.Encoding == "hex" {
				v = elideAt(v, strings.Split(f.Field, "."))
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return json.RawMessage("null")
	}
	return json.RawMessage(bytes.TrimRight(buf.Bytes(), "\n"))
}

// elideAt replaces the strings at a response path ("image_file", "images[].image_file", "data.audio")
// that are not URLs.
func elideAt(v any, path []string) any {
	if len(path) == 0 {
		if s, ok := v.(string); ok && !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
			return fmt.Sprintf("<inline data: %d characters>", len(s))
		}
		return v
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	key, each := strings.CutSuffix(path[0], "[]")
	if e, ok := obj[key]; ok {
		if list, isList := e.([]any); each && isList {
			for i := range list {
				list[i] = elideAt(list[i], path[1:])
			}
		} else if !each {
			obj[key] = elideAt(e, path[1:])
		}
	}
	return v
}

// SyncBatch is many calls to one synchronous endpoint (submit --batch of a synchronous task).
type SyncBatch struct {
	ID          string
	Task        catalog.Task
	Output      string // the -o template as given, journalled with each call
	Outputs     Outputs
	Concurrency int
	// Done receives every line that is over, in completion order, with its *Document in Data when
	// there is one; Progress gets the counts after each change. Both are serialised.
	Done     func(batch.Result)
	Progress func(batch.Counts)
}

// SyncLine is one line of a SyncBatch.
type SyncLine struct {
	Line    int
	Body    []byte
	Request map[string]any
}

// RunSyncBatch makes the calls of a batch, Concurrency at a time, and returns one result per line in
// line order: Succeeded, Errored (the call or the saving failed) or NotSubmitted (ctx ended before the
// line was started). A call already sent when ctx ends is completed and saved: it is paid for.
func (r *Runner) RunSyncBatch(ctx context.Context, b SyncBatch, lines []SyncLine) []batch.Result {
	results := make([]batch.Result, len(lines))
	started := make([]bool, len(lines))
	counts := batch.Counts{Total: len(lines)}
	var mu sync.Mutex
	report := func(i int, res batch.Result) {
		mu.Lock()
		defer mu.Unlock()
		results[i] = res
		if res.Outcome == batch.Succeeded {
			counts.Submitted++
			counts.Succeeded++
		} else {
			counts.Errored++
		}
		if b.Done != nil {
			b.Done(res)
		}
		if b.Progress != nil {
			b.Progress(counts)
		}
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(b.Concurrency, len(lines))) {
		wg.Go(func() {
			for i := range jobs {
				l := lines[i]
				start := r.now()
				doc, err := r.RunSync(context.WithoutCancel(ctx), SyncCall{Task: b.Task, Body: l.Body, Request: l.Request,
					Output: b.Output, Outputs: b.Outputs, BatchID: b.ID, Line: l.Line, Quiet: true})
				res := batch.Result{Line: l.Line, Outcome: batch.Succeeded, Err: err, Elapsed: r.now().Sub(start)}
				if doc != nil {
					res.TaskID, res.Data = doc.TaskID, doc
				}
				if err != nil {
					res.Outcome = batch.Errored
				}
				report(i, res)
			}
		})
	}
dispatch:
	for i := range lines {
		if ctx.Err() != nil { // checked first: a select with both cases ready picks either
			break
		}
		select {
		case jobs <- i:
			started[i] = true
		case <-ctx.Done():
			break dispatch
		}
	}
	close(jobs)
	wg.Wait()
	for i, ok := range started {
		if !ok {
			results[i] = batch.Result{Line: lines[i].Line, Outcome: batch.NotSubmitted}
		}
	}
	return results
}

// UnreadableAnswerError is a synchronous call's answer whose outputs could not be read: the call was
// made (and billed), so the caller says how to see the answer itself.
type UnreadableAnswerError struct {
	Task string
	Err  error
}

func (e *UnreadableAnswerError) Error() string {
	return e.Task + " answered, but its outputs could not be read: " + e.Err.Error()
}

func (e *UnreadableAnswerError) Unwrap() error { return e.Err }
