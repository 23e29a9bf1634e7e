package submit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/receiver"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// BatchOptions is what --batch adds to a submit, whose flags build the base body of every line.
type BatchOptions struct {
	File        string // the batch file, or "-" for stdin
	Concurrency int    // submits (and reads) in flight
	// SkipInvalid submits the valid lines when some are invalid (they are warned about); without it
	// the batch stops before any submit, exit 2, listing every invalid line.
	SkipInvalid bool
	// ProgressEvery is the period of the plain progress lines when stderr is not a terminal; 0 = 5s.
	ProgressEvery time.Duration
	set           bool
}

// batchLines are the bodies of a batch's valid lines, each kept encoded (a map per line would cost
// kilobytes each until its submit), and the invalid lines left out.
type batchLines struct {
	bodies  [][]byte
	valid   []batch.Line
	invalid []taskview.Invalid
}

// buildBatch reads the batch file and builds every line's body, all before anything is sent: invalid
// lines stop the batch (exit 2, each listed) unless --skip-invalid, where they are warned about. The
// webhook URL is added to each body as it is sent.
func buildBatch(ctx context.Context, o *Options) (*batchLines, error) {
	io, b, task := o.IO, o.Batch, o.Task
	if b.Concurrency < 1 {
		return nil, clierr.Usagef("--concurrency must be at least 1, got %d", b.Concurrency)
	}
	lines, err := readBatchLines(o.Input, b.File)
	if err != nil {
		return nil, err
	}
	base, err := body.ReadData(task, o.Input) // once: a file or stdin cannot be read again per line
	if err != nil {
		return nil, err
	}
	in := o.Input
	in.Data = ""
	out := &batchLines{}
	for _, l := range lines {
		req, err := buildLine(ctx, task, in, base, l)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			out.invalid = append(out.invalid, taskview.Invalid{Line: l.N, Err: err})
			continue
		}
		raw, err := body.Marshal(req)
		if err != nil {
			return nil, err
		}
		out.bodies, out.valid = append(out.bodies, raw), append(out.valid, l)
	}
	if len(out.invalid) > 0 && !b.SkipInvalid {
		return nil, invalidLinesError(b.File, out.invalid)
	}
	for _, iv := range out.invalid { // one warning per problem: a joined error would print bare lines
		for _, p := range taskview.Problems(iv.Err) {
			io.Warnf("%s line %d skipped: %s", batchName(b.File), iv.Line, p)
		}
	}
	if len(out.valid) == 0 {
		return nil, clierr.Usagef("%s has no task lines (blank lines and # comments are skipped)", batchName(b.File))
	}
	return out, nil
}

// dryRunBatch prints each line's body as one NDJSON line and sends nothing.
func dryRunBatch(o *Options, api *factory.API, bl *batchLines) error {
	io := o.IO
	io.Statusf("dry run: would POST %d bodies to %s%s (nothing sent)", len(bl.bodies), api.BaseURL, o.Task.Path)
	for i, raw := range bl.bodies {
		req, err := body.Decode(raw)
		if err != nil {
			return err
		}
		if o.WebhookURL != "" {
			body.SetWebhook(req, o.Task.WebhookPath(), o.WebhookURL)
		}
		if err := iostreams.WriteJSONLine(io.Out, map[string]any{"line": bl.valid[i].N, "body": body.Elide(req)}); err != nil {
			return err
		}
	}
	return nil
}

// warnBatchModels warns once about each model name of the batch's bodies the cached list does not know.
func warnBatchModels(o *Options, api *factory.API, bodies [][]byte) {
	if !o.Task.Known() {
		return
	}
	warn, seen := o.Models.Warner(api), map[string]bool{}
	for _, raw := range bodies {
		req, err := body.Decode(raw) // one line at a time: the maps do not pile up
		if err != nil {
			continue
		}
		for _, w := range warn(o.Task.Name, req) {
			if !seen[w] {
				seen[w] = true
				o.IO.Warnf("%s", w)
			}
		}
	}
}

// runBatch submits one task per line of a batch file and, with --wait, waits for all of them through
// one webhook receiver and one shared poller, then downloads their outputs.
func runBatch(ctx context.Context, o *Options) error {
	io, b, task := o.IO, o.Batch, o.Task
	outs, err := o.Output.Outputs()
	if err != nil {
		return err // before paying for any task
	}
	bl, err := buildBatch(ctx, o)
	if err != nil {
		return err
	}
	bodies, valid, invalid := bl.bodies, bl.valid, bl.invalid
	if err := checkBatchOutputs(o, outs, bl, o.Wait); err != nil {
		return err // before paying for any task
	}
	api, err := o.API()
	if err != nil {
		return err
	}
	warnBatchModels(o, api, bodies)
	if o.DryRun {
		return dryRunBatch(o, api, bl)
	}
	if err := cmdutil.NeedKey(api); err != nil {
		return err
	}
	if err := cmdutil.NeedJournal(ctx, o.Journal()); err != nil {
		return err // before paying: a task the journal cannot record could not be resumed
	}
	PrintBalance(ctx, io, o.Advice.ScrubText, api)
	id := newBatchID()
	io.Statusf("batch %s: %s from %s, %d at a time (%s)", id, iostreams.Count(len(valid), "task"), batchName(b.File), b.Concurrency,
		o.Advice.ResumeHint("novita wait --batch "+id))
	var router *hooks.Router
	if o.Wait && o.WebhookURL == "" {
		if router, err = receiver.OpenWaitReceiver(ctx, o.Tunnel, api); err != nil {
			return err
		}
		defer router.Close()
	}
	items := make([]batch.Item, len(valid))
	for i, raw := range bodies {
		items[i] = batch.Item{Line: valid[i].N, Body: raw}
	}
	bodies, bl = nil, nil
	view := &taskview.BatchView{IO: io, JSON: o.JSON, ID: id, Wait: o.Wait, Timeout: o.Timeout,
		Every: b.ProgressEvery, Skipped: invalid, Advice: o.Advice}
	spec := lifecycle.Batch{ID: id, File: b.File, Endpoint: task.Endpoint, Task: task.Name, Output: o.Output.Output,
		Concurrency: b.Concurrency, Wait: o.Wait, Timeout: o.Timeout, Outputs: outs, WebhookURL: o.WebhookURL,
		WebhookPath: o.Task.WebhookPath(),
		Done:        view.Done, Progress: view.Progress, Paused: view.Paused}
	if router != nil {
		spec.WebhookURL, spec.Deliveries, spec.AfterWait = router.URL, router.Results(), router.CloseAsync
	}
	view.Start(items)
	results, err := o.NewRunner(api, taskview.Quiet{IO: io}).RunBatch(ctx, spec, items)
	return view.Finish(ctx, results, err)
}

// checkBatchOutputs refuses a template that would give several tasks the same files (-o out.png for
// a batch), also without --wait since wait --batch uses the journalled template, and when this run
// saves (--wait, or a synchronous task) checks each line's outputs can be saved.
func checkBatchOutputs(o *Options, outs lifecycle.Outputs, bl *batchLines, saves bool) error {
	if outs.NoDownload {
		return nil
	}
	valid := bl.valid
	vars := make([]download.Vars, len(valid))
	for i, l := range valid {
		vars[i] = download.Vars{Task: o.Task.Name, Line: l.N}
	}
	if err := outs.Template.CheckTasks(vars); err != nil {
		return err
	}
	if !saves {
		return nil
	}
	for i, v := range vars {
		req, err := body.Decode(bl.bodies[i]) // one line at a time: the maps do not pile up
		if err != nil {
			return err
		}
		if err := outs.Template.Preflight(o.plannedCheck(v, outs, req)); err != nil {
			return err
		}
	}
	return nil
}

func invalidLinesError(file string, invalid []taskview.Invalid) error {
	head := fmt.Sprintf("%s: %d invalid line", batchName(file), len(invalid))
	if len(invalid) > 1 {
		head += "s"
	}
	errs := []error{errors.New(head + " (nothing was submitted):")}
	for _, iv := range invalid { // one line per problem: a line with several names them all
		for _, p := range taskview.Problems(iv.Err) {
			errs = append(errs, fmt.Errorf("  line %d: %s", iv.Line, p))
		}
	}
	return clierr.WithHint(clierr.KindUsage, errors.Join(errs...),
		"fix them, or submit the valid lines with --skip-invalid")
}

func batchName(file string) string {
	if file == "-" {
		return "stdin"
	}
	return file
}

func newBatchID() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "b-" + hex.EncodeToString(b)
}
