package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
)

// BatchOptions is what `novita submit <task> --batch FILE` asks for on top of the SubmitOptions, whose
// flags build the base body of every line.
type BatchOptions struct {
	File        string // the batch file, or "-" for stdin
	Concurrency int    // submits (and reads) in flight
	// SkipInvalid submits the valid lines when some are invalid (they are warned about); without it
	// the batch stops before any submit, exit 2, listing every invalid line.
	SkipInvalid bool
	// ProgressEvery is the period of the plain progress lines when stderr is not a terminal; 0 = 5s.
	ProgressEvery time.Duration
}

// invalidLine is a line the batch could not turn into a body.
type invalidLine struct {
	line int
	err  error
}

// RunBatch submits one task per line of a batch file and, with --wait, waits for all of them through
// one webhook receiver and one shared poller, then downloads their outputs.
func RunBatch(ctx context.Context, e *Env, o SubmitOptions, b BatchOptions) error {
	if b.Concurrency < 1 {
		return clierr.Usagef("--concurrency must be at least 1, got %d", b.Concurrency)
	}
	task, err := catalog.Resolve(o.Task)
	if err != nil {
		return err
	}
	tmpl, err := e.template(o.Download.Output)
	if err != nil {
		return err // before paying for any task
	}
	if o.Input.HTTPClient == nil {
		o.Input.HTTPClient = e.HTTP
	}
	lines, err := readBatchLines(o, b)
	if err != nil {
		return err
	}
	base, err := baseData(task, &o.Input, b.File)
	if err != nil {
		return err
	}
	bodies := make([]map[string]any, 0, len(lines))
	var valid []batch.Line
	var invalid []invalidLine
	for _, l := range lines {
		req, err := buildLine(ctx, task, o.Input, base, l)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			invalid = append(invalid, invalidLine{l.N, err})
			continue
		}
		bodies, valid = append(bodies, req), append(valid, l)
	}
	if len(invalid) > 0 && !b.SkipInvalid {
		return invalidLinesError(b.File, invalid)
	}
	for _, iv := range invalid {
		e.IO.Warnf("%s line %d skipped: %v", batchName(b.File), iv.line, iv.err)
	}
	if len(valid) == 0 {
		return clierr.Usagef("%s has no task lines (blank lines and # comments are skipped)", batchName(b.File))
	}
	for _, req := range bodies {
		if o.WebhookURL != "" {
			body.SetWebhook(req, o.WebhookURL)
		}
	}
	if o.DryRun {
		e.IO.Statusf("dry run: would POST %d bodies to %s%s (nothing sent)", len(bodies), e.BaseURL, novita.EndpointPath(task.Endpoint))
		for i, req := range bodies {
			if err := writeJSONLine(e.IO.Out, map[string]any{"line": valid[i].N, "body": body.Elide(req)}); err != nil {
				return err
			}
		}
		return nil
	}
	if err := e.NeedKey(); err != nil {
		return err
	}
	id := newBatchID()
	e.IO.Statusf("batch %s: %d tasks from %s, %d at a time (resume with: novita wait --batch %s)",
		id, len(valid), batchName(b.File), b.Concurrency, id)
	var hooks *hookSession
	if o.Wait && o.WebhookURL == "" {
		if hooks, err = e.openWaitHooks(ctx, o.Tunnel); err != nil {
			return err
		}
		defer hooks.Close()
	}
	items := make([]batch.Item, len(valid))
	for i, req := range bodies {
		if hooks != nil {
			body.SetWebhook(req, hooks.URL)
		}
		raw, err := body.Marshal(req)
		if err != nil {
			return err
		}
		items[i] = batch.Item{Line: valid[i].N, Body: raw}
	}
	bodies = nil
	rn := e.newBatchRun(id, o.Download, o.Timeout, b.Concurrency, b.ProgressEvery, o.Wait)
	rn.skipped = invalid
	rn.defaultTask(task.Name, tmpl)
	cfg := rn.config()
	cfg.Submit = func(ctx context.Context, it batch.Item) (string, error) {
		return rn.client.Submit(ctx, task.Endpoint, it.Body)
	}
	cfg.OnSubmitted = func(it batch.Item, taskID string) {
		e.record(journal.Record{Event: journal.EventSubmitted, TaskID: taskID, Task: task.Name, Endpoint: task.Endpoint,
			BaseURL: e.BaseURL, SubmittedAt: e.Now().UTC(), Status: string(novita.StatusQueued), Output: o.Download.Output,
			BatchID: id, Line: it.Line})
	}
	if hooks != nil {
		cfg.Webhooks = hooks.Subscribe
		cfg.AfterWait = hooks.CloseAsync
	}
	return rn.run(ctx, cfg, items)
}

func invalidLinesError(file string, invalid []invalidLine) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %d invalid line", batchName(file), len(invalid))
	if len(invalid) > 1 {
		sb.WriteString("s")
	}
	sb.WriteString(" (nothing was submitted):")
	for _, iv := range invalid {
		fmt.Fprintf(&sb, "\n  line %d: %v", iv.line, iv.err)
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
