package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
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
	var closeOnce sync.Once
	closed := make(chan struct{})
	// The receiver is closed as soon as every task is final, overlapping its shutdown with the downloads.
	closeHooks := func() {
		closeOnce.Do(func() { go func() { defer close(closed); hooks.Close() }() })
		<-closed
	}
	if o.Wait && o.WebhookURL == "" {
		hooks, err = e.openHooks(ctx, o.Tunnel, false)
		if err != nil {
			if err = e.tunnelOpenFailed(err); err != nil {
				return err
			}
		}
		if hooks != nil {
			defer func() { t0 := time.Now(); closeHooks(); e.IO.Statusf("DEBUG close took %s", time.Since(t0)) }()
			e.IO.Statusf("webhook receiver ready at %s/... (%s tunnel; the path is secret)", hooks.tun.URL(), hooks.tun.Mode())
		}
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
		cfg.AfterWait = func() { closeOnce.Do(func() { go func() { defer close(closed); hooks.Close() }() }) }
	}
	t0 := time.Now()
	defer func() { e.IO.Statusf("DEBUG run took %s", time.Since(t0)) }()
	return rn.run(ctx, cfg, items)
}

// readBatchLines reads the batch file (or stdin) into task lines.
func readBatchLines(o SubmitOptions, b BatchOptions) ([]batch.Line, error) {
	var r io.Reader
	if b.File == "-" {
		if o.Input.Data == "-" {
			return nil, clierr.Usagef("--batch - and --data - both want stdin: give one of them as a file")
		}
		if o.Input.Stdin == nil {
			return nil, clierr.Usagef("--batch -: no standard input")
		}
		r = o.Input.Stdin
	} else {
		f, err := os.Open(b.File)
		if err != nil {
			return nil, clierr.Usagef("--batch: %v", err)
		}
		defer f.Close()
		r = f
	}
	lines, err := batch.ParseLines(r)
	if err != nil {
		return nil, clierr.Usagef("--batch %s: %v", b.File, err)
	}
	return lines, nil
}

// baseData reads the user's --data once (a file or stdin cannot be read again per line) and returns it
// as an object every JSON line is merged onto; in.Data is cleared so the builder does not read it again.
func baseData(task catalog.Task, in *body.Input, file string) (map[string]any, error) {
	src := in.Data
	in.Data = ""
	if src == "" {
		return nil, nil
	}
	raw := []byte(src)
	switch {
	case src == "-":
		if in.Stdin == nil {
			return nil, clierr.Usagef("--data -: no standard input")
		}
		b, err := io.ReadAll(io.LimitReader(in.Stdin, body.DefaultMaxFileBytes))
		if err != nil {
			return nil, clierr.Usagef("--data -: %v", err)
		}
		raw = b
	case strings.HasPrefix(src, "@"):
		b, err := os.ReadFile(src[1:])
		if err != nil {
			return nil, clierr.Usagef("--data %s: %v", src, err)
		}
		raw = b
	}
	obj, err := decodeObject(raw)
	if err != nil {
		return nil, clierr.Usagef("--data: %v", err)
	}
	return shapeA(task, obj), nil
}

// buildLine builds and validates the body of one line: the flags' body, the --data object, then the
// line (a JSON object deep-merged, as --data is; or plain text, the prompt).
func buildLine(ctx context.Context, task catalog.Task, in body.Input, base map[string]any, l batch.Line) (map[string]any, error) {
	flags := make(map[string]string, len(in.Flags)+1)
	for k, v := range in.Flags {
		flags[k] = v
	}
	in.Flags = flags
	data := base
	if l.JSON {
		obj, err := decodeObject([]byte(l.Text))
		if err != nil {
			return nil, err
		}
		data = mergeObjects(deepCopy(base), shapeA(task, obj))
	} else {
		name := "prompt"
		if _, ok := task.Flag("prompt"); !ok {
			if _, ok := task.Flag("text"); ok {
				name = "text"
			} else if task.Known() {
				return nil, fmt.Errorf("plain text is a prompt, but %s takes no --prompt or --text: write the line as a JSON object", task.Name)
			}
		}
		if _, ok := in.Lists[name]; ok {
			lists := make(map[string][]string, len(in.Lists))
			for k, v := range in.Lists {
				lists[k] = v
			}
			delete(lists, name)
			in.Lists = lists
		}
		in.Flags[name] = l.Text
		if !task.Known() {
			return nil, fmt.Errorf("plain text is a prompt, but %s is not in the catalog: write the line as a JSON object", task.Name)
		}
	}
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return nil, err
		}
		in.Data = string(b)
	}
	return body.Build(ctx, task, in)
}

// decodeObject parses one JSON object, keeping numbers exact.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid JSON: unexpected data after the object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a JSON object ({...}) or a plain-text prompt")
	}
	return obj, nil
}

// shapeA moves the loose top-level keys of an extra+request body under "request", as --data does, so
// that merging two objects merges what the user meant.
func shapeA(task catalog.Task, obj map[string]any) map[string]any {
	if task.Shape != catalog.ShapeA {
		return obj
	}
	req, _ := obj["request"].(map[string]any)
	for k, v := range obj {
		if k == "extra" || k == "request" {
			continue
		}
		if req == nil {
			if obj["request"] != nil {
				return obj // "request" is not an object: let the builder say so
			}
			req = map[string]any{}
		}
		req[k] = v
		delete(obj, k)
	}
	if req != nil {
		obj["request"] = req
	}
	return obj
}

// mergeObjects deep-merges src onto dst (objects key by key; everything else replaces).
func mergeObjects(dst, src map[string]any) map[string]any {
	if dst == nil {
		return src
	}
	for k, sv := range src {
		sm, sIs := sv.(map[string]any)
		dm, dIs := dst[k].(map[string]any)
		if sIs && dIs {
			mergeObjects(dm, sm)
			continue
		}
		dst[k] = sv
	}
	return dst
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = deepCopy(sub)
		}
		out[k] = v
	}
	return out
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
