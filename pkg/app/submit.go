package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
)

// SubmitOptions is what `novita submit` was asked to do.
type SubmitOptions struct {
	Task  string
	Input body.Input // typed flags, --data, --set, --set-file

	WebhookURL string
	DryRun     bool
	Wait       bool
	Timeout    time.Duration
	Tunnel     TunnelFlags
	Download   DownloadFlags
}

// RunSubmit submits one task and, with --wait, waits for it and downloads its outputs.
func RunSubmit(ctx context.Context, e *Env, o SubmitOptions) error {
	task, err := catalog.Resolve(o.Task)
	if err != nil {
		return err
	}
	if o.Input.HTTPClient == nil {
		o.Input.HTTPClient = e.HTTP
	}
	req, err := body.Build(ctx, task, o.Input)
	if err != nil {
		return err
	}
	tmpl, err := e.template(o.Download.Output)
	if err != nil {
		return err // before paying for a task
	}
	if o.WebhookURL != "" {
		body.SetWebhook(req, o.WebhookURL)
	}
	if o.DryRun {
		return printDryRun(e, task, req)
	}
	if err := e.NeedKey(); err != nil {
		return err
	}
	var hooks *hookSession
	if o.Wait && o.WebhookURL == "" {
		if hooks, err = e.openWaitHooks(ctx, o.Tunnel); err != nil {
			return err
		}
		defer hooks.Close()
		if hooks != nil {
			body.SetWebhook(req, hooks.URL)
		}
	}
	raw, err := body.Marshal(req)
	if err != nil {
		return err
	}
	id, err := e.Client.Submit(ctx, task.Endpoint, raw)
	if err != nil {
		return err
	}
	e.record(journal.Record{Event: journal.EventSubmitted, TaskID: id, Task: task.Name, Endpoint: task.Endpoint,
		BaseURL: e.BaseURL, SubmittedAt: e.Now().UTC(), Status: string(novita.StatusQueued), Output: o.Download.Output})
	if !o.Wait {
		if e.JSON {
			return writeJSON(e.IO.Out, map[string]string{"task_id": id})
		}
		fmt.Fprintln(e.IO.Out, id)
		return nil
	}
	e.IO.Statusf("submitted %s task %s; waiting (Ctrl-C stops waiting; resume with: novita wait %s)", task.Name, id, id)
	var hookCh <-chan *novita.TaskResult
	if hooks != nil {
		hookCh = hooks.Subscribe(id)
	}
	doc, err := e.awaitTask(ctx, awaitSpec{
		TaskID: id, Task: task.Name, Webhooks: hookCh, Timeout: o.Timeout, Grace: 30 * time.Second,
		Download: o.Download, Tmpl: tmpl, Live: true, AfterWait: hooks.CloseAsync,
	})
	return e.finish(doc, err)
}

// finish prints a finished task's data on stdout (paths, or the JSON document) and passes err on.
func (e *Env) finish(doc *Document, err error) error {
	if doc == nil {
		return err
	}
	if e.JSON {
		if werr := writeJSON(e.IO.Out, doc); werr != nil {
			return werr
		}
		if err != nil {
			return clierr.Reported(err)
		}
		return nil
	}
	for _, f := range doc.Files {
		fmt.Fprintln(e.IO.Out, f.Path)
	}
	if err != nil && clierr.KindOf(err) != clierr.KindTaskFailed {
		return clierr.WithHint(clierr.KindOf(err), fmt.Errorf("task %s: %w", doc.TaskID, err),
			"the task succeeded; fetch its files again with: novita result "+doc.TaskID+" --download")
	}
	return err
}

func printDryRun(e *Env, task catalog.Task, req map[string]any) error {
	e.IO.Statusf("dry run: would POST %s%s (nothing sent)", e.BaseURL, novita.EndpointPath(task.Endpoint))
	return writeJSON(e.IO.Out, body.Elide(req))
}

func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
