package submit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
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

// runBatch submits one task per line of a batch file and, with --wait, waits for all of them through
// one webhook receiver and one shared poller, then downloads their outputs.
func runBatch(ctx context.Context, o *Options) error {
	f, io, b := o.F, o.F.IOStreams, o.Batch
	if b.Concurrency < 1 {
		return clierr.Usagef("--concurrency must be at least 1, got %d", b.Concurrency)
	}
	task, err := catalog.Resolve(o.Task)
	if err != nil {
		return err
	}
	outs, err := o.Output.Outputs(f)
	if err != nil {
		return err // before paying for any task
	}
	if o.Input.HTTPClient == nil {
		o.Input.HTTPClient = f.HTTPClient
	}
	lines, err := readBatchLines(o.Input, b.File)
	if err != nil {
		return err
	}
	base, err := baseData(task, &o.Input)
	if err != nil {
		return err
	}
	bodies := make([]map[string]any, 0, len(lines))
	var valid []batch.Line
	var invalid []taskview.Invalid
	for _, l := range lines {
		req, err := buildLine(ctx, task, o.Input, base, l)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			invalid = append(invalid, taskview.Invalid{Line: l.N, Err: err})
			continue
		}
		bodies, valid = append(bodies, req), append(valid, l)
	}
	if len(invalid) > 0 && !b.SkipInvalid {
		return invalidLinesError(b.File, invalid)
	}
	for _, iv := range invalid {
		io.Warnf("%s line %d skipped: %v", batchName(b.File), iv.Line, iv.Err)
	}
	if len(valid) == 0 {
		return clierr.Usagef("%s has no task lines (blank lines and # comments are skipped)", batchName(b.File))
	}
	for _, req := range bodies {
		if o.WebhookURL != "" {
			body.SetWebhook(req, o.WebhookURL)
		}
	}
	api, err := f.API()
	if err != nil {
		return err
	}
	if o.DryRun {
		io.Statusf("dry run: would POST %d bodies to %s%s (nothing sent)", len(bodies), api.BaseURL, novita.EndpointPath(task.Endpoint))
		for i, req := range bodies {
			if err := iostreams.WriteJSONLine(io.Out, map[string]any{"line": valid[i].N, "body": body.Elide(req)}); err != nil {
				return err
			}
		}
		return nil
	}
	if err := cmdutil.NeedKey(api); err != nil {
		return err
	}
	id := newBatchID()
	io.Statusf("batch %s: %d tasks from %s, %d at a time (%s)", id, len(valid), batchName(b.File), b.Concurrency,
		f.ResumeHint("novita wait --batch "+id))
	var router *hooks.Router
	if o.Wait && o.WebhookURL == "" {
		if router, err = cmdutil.OpenWaitReceiver(ctx, f, o.Tunnel, api); err != nil {
			return err
		}
		defer router.Close()
	}
	items := make([]batch.Item, len(valid))
	for i, req := range bodies {
		if router != nil {
			body.SetWebhook(req, router.URL)
		}
		raw, err := body.Marshal(req)
		if err != nil {
			return err
		}
		items[i] = batch.Item{Line: valid[i].N, Body: raw}
	}
	bodies = nil
	view := &taskview.BatchView{IO: io, JSON: f.Globals.JSON, ID: id, Wait: o.Wait, Timeout: o.Timeout,
		Every: b.ProgressEvery, Skipped: invalid}
	spec := lifecycle.Batch{ID: id, Endpoint: task.Endpoint, Task: task.Name, Output: o.Output.Output,
		Concurrency: b.Concurrency, Wait: o.Wait, Timeout: o.Timeout, Outputs: outs,
		Done: view.Done, Progress: view.Progress, Paused: view.Paused}
	if router != nil {
		spec.Webhooks, spec.AfterWait = router.Subscribe, router.CloseAsync
	}
	view.Start(items)
	results, err := cmdutil.Runner(f, api, taskview.Quiet{IO: io}).RunBatch(ctx, spec, items)
	return view.Finish(ctx, results, err)
}

func invalidLinesError(file string, invalid []taskview.Invalid) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %d invalid line", batchName(file), len(invalid))
	if len(invalid) > 1 {
		sb.WriteString("s")
	}
	sb.WriteString(" (nothing was submitted):")
	for _, iv := range invalid {
		fmt.Fprintf(&sb, "\n  line %d: %v", iv.Line, iv.Err)
	}
	return clierr.WithHint(clierr.KindUsage, errors.New(sb.String()),
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
