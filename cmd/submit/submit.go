// Package submit is the `novita submit` command: one task, or a batch of them with --batch.
package submit

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
)

// DefaultTimeout bounds --wait unless --timeout says otherwise.
const DefaultTimeout = 30 * time.Minute

// Options is what `novita submit` was asked to do.
type Options struct {
	F     *factory.Factory
	Task  string
	Input body.Input // typed flags, --data, --set, --set-file

	WebhookURL string
	DryRun     bool
	Wait       bool
	Timeout    time.Duration
	Tunnel     *cmdutil.TunnelFlags
	Output     *cmdutil.OutputFlags
	Batch      BatchOptions
}

// NewCmdSubmit builds `novita submit`; runF replaces the run function in tests.
func NewCmdSubmit(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{F: f}
	typed := map[string]*string{}
	lists := map[string]*[]string{}
	var imgTyp string
	cmd := &cobra.Command{
		Use:   "submit <task>",
		Short: "Submit an async task, optionally wait for it and download the outputs",
		Long: `Submit one async task. <task> is a catalog name (see the list below) or any other endpoint
name under /v3/async/ (the body then comes from --data and --set).

The body is built from catalog defaults, then typed flags, then --data (merged), then each
--set path=value and --set-file path=file. For extra+request tasks (txt2img, ...) a --set path
that does not start with "extra." or "request." is taken under "request.".

Known tasks: ` + joinNames() + `

With --wait, a webhook receiver is opened behind a tunnel (see --tunnel), the task is submitted
with extra.webhook.url pointing at it, and polling runs as a safety net; the outputs are then
downloaded and their paths printed on stdout.

With --batch FILE (or - for stdin), each line is one task: a JSON object merged onto the body
built from the flags, or plain text used as the prompt; blank lines and # comments are skipped.
All tasks share one receiver and one poller; resume with: novita wait --batch <batch-id>.`,
		Example: `  $ novita submit txt2img --prompt "a cat" --wait
  $ novita submit txt2img --prompt "a cat" -n 4 --wait -o "cats/{index}.{ext}"
  $ novita submit img2img --image photo.jpg --prompt "watercolour" --wait
  $ novita submit txt2speech --text "Hello there" --voice Emily --wait
  $ novita submit wan-t2v --prompt "a paper boat" --wait --timeout 1h
  $ novita submit txt2img --data @body.json --set request.steps=30 --dry-run
  $ novita submit txt2img --batch prompts.txt --wait --concurrency 8 -o "out/{line}-{index}.{ext}"`,
		Args:              cmdutil.UsageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: taskCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Task = args[0]
			o.Input.Flags = map[string]string{}
			o.Input.Lists = map[string][]string{}
			for name, v := range typed {
				if cmd.Flags().Changed(name) {
					o.Input.Flags[name] = *v
				}
			}
			for name, v := range lists {
				if cmd.Flags().Changed(name) {
					o.Input.Lists[name] = *v
				}
			}
			if cmd.Flags().Changed("image-type") {
				o.Input.Flags["image-type"] = imgTyp
			}
			o.Input.Stdin = f.IOStreams.In
			o.Batch.set = cmd.Flags().Changed("batch")
			if !o.Batch.set && (cmd.Flags().Changed("concurrency") || cmd.Flags().Changed("skip-invalid")) {
				return clierr.Usagef("--concurrency and --skip-invalid go with --batch FILE")
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			if o.Batch.set {
				return runBatch(cmd.Context(), o)
			}
			return runSubmit(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	for _, spec := range catalog.FlagSpecs() {
		if spec.Name == "image-type" {
			continue
		}
		if spec.Repeatable {
			v := new([]string)
			lists[spec.Name] = v
			fl.StringArrayVarP(v, spec.Name, spec.Shorthand, nil, spec.Usage)
		} else {
			v := new(string)
			typed[spec.Name] = v
			fl.StringVarP(v, spec.Name, spec.Shorthand, "", spec.Usage)
		}
		_ = cmd.RegisterFlagCompletionFunc(spec.Name, flagCompletion(spec.Name))
	}
	fl.StringVar(&imgTyp, "image-type", "", "output image format: png, jpeg, webp")
	_ = cmd.RegisterFlagCompletionFunc("image-type", cmdutil.FixedCompletions("png", "jpeg", "webp"))
	fl.StringVar(&o.Input.Data, "data", "", "whole request body: JSON, @file or - (stdin), merged over the defaults")
	fl.StringArrayVar(&o.Input.Sets, "set", nil, "set a body field: path=value (JSON when valid JSON, else a string); repeatable")
	fl.StringArrayVar(&o.Input.SetFiles, "set-file", nil, "set a body field to a file's base64: path=file; repeatable")
	fl.StringVar(&o.WebhookURL, "webhook-url", "", "ask Novita to deliver the result webhook to your own endpoint")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print the body that would be sent (base64 elided) and send nothing")
	fl.BoolVarP(&o.Wait, "wait", "w", false, "wait for the task to end, then download its outputs")
	cmdutil.TimeoutFlag(cmd, &o.Timeout, "timeout", DefaultTimeout, "how long --wait waits before giving up (the task keeps running)")
	fl.StringVar(&o.Batch.File, "batch", "", "submit one task per line of FILE (- = stdin): a JSON object merged onto the body, or a prompt")
	fl.IntVar(&o.Batch.Concurrency, "concurrency", 4, "with --batch: submissions (and result reads) in flight")
	fl.BoolVar(&o.Batch.SkipInvalid, "skip-invalid", false, "with --batch: submit the valid lines even when some are invalid")
	o.Tunnel = cmdutil.AddTunnelFlags(cmd)
	o.Output = cmdutil.AddOutputFlags(cmd, true)
	cmdutil.NoFileCompletions(cmd, "webhook-url", "set")
	return cmd
}

// runSubmit submits one task and, with --wait, waits for it and downloads its outputs.
func runSubmit(ctx context.Context, o *Options) error {
	f, io := o.F, o.F.IOStreams
	task, err := catalog.Resolve(o.Task)
	if err != nil {
		return err
	}
	if o.Input.HTTPClient == nil {
		o.Input.HTTPClient = f.HTTPClient
	}
	req, err := body.Build(ctx, task, o.Input)
	if err != nil {
		return err
	}
	outs, err := o.Output.Outputs(f)
	if err != nil {
		return err // before paying for a task
	}
	if o.WebhookURL != "" {
		body.SetWebhook(req, o.WebhookURL)
	}
	api, err := f.API()
	if err != nil {
		return err
	}
	if o.DryRun {
		io.Statusf("dry run: would POST %s%s (nothing sent)", api.BaseURL, novita.EndpointPath(task.Endpoint))
		return iostreams.WriteJSON(io.Out, body.Elide(req))
	}
	if err := cmdutil.NeedKey(api); err != nil {
		return err
	}
	var router *hooks.Router
	if o.Wait && o.WebhookURL == "" {
		if router, err = cmdutil.OpenWaitReceiver(ctx, f, o.Tunnel, api); err != nil {
			return err
		}
		if router != nil {
			defer router.Close()
			body.SetWebhook(req, router.URL)
		}
	}
	raw, err := body.Marshal(req)
	if err != nil {
		return err
	}
	run := cmdutil.Runner(f, api, taskview.Quiet{IO: io})
	id, err := run.Submit(ctx, lifecycle.Submission{Task: task.Name, Endpoint: task.Endpoint, Body: raw, Output: o.Output.Output})
	if err != nil {
		return err
	}
	if !o.Wait {
		if f.Globals.JSON {
			return iostreams.WriteJSON(io.Out, map[string]string{"task_id": id})
		}
		fmt.Fprintln(io.Out, id)
		return nil
	}
	if api.InProcess {
		io.Statusf("submitted %s task %s; waiting (Ctrl-C stops waiting)", task.Name, id)
	} else {
		io.Statusf("submitted %s task %s; waiting (Ctrl-C stops waiting; resume with: novita wait %s)", task.Name, id, id)
	}
	spec := lifecycle.Spec{TaskID: id, Task: task.Name, Timeout: o.Timeout, Grace: 30 * time.Second, Outputs: outs}
	if router != nil {
		spec.Webhooks = router.Subscribe(id)
		spec.AfterWait = router.CloseAsync
	}
	waiting := taskview.NewWaiting(io, f.Now, id, router != nil)
	run.Observer = waiting
	doc, err := run.Await(ctx, spec)
	waiting.Stop()
	return taskview.Finish(io, f.Globals.JSON, doc, err)
}
