package submit

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/expiry"
	"github.com/novita-cli/novita/cmd/internal/modelnames"
	"github.com/novita-cli/novita/cmd/internal/previews"
	"github.com/novita-cli/novita/cmd/internal/receiver"
	"github.com/novita-cli/novita/cmd/internal/runner"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/jsonpath"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// DefaultTimeout bounds --wait unless --timeout says otherwise.
const DefaultTimeout = 30 * time.Minute

// Options is what one `novita submit` command line asks for.
type Options struct {
	IO        *iostreams.IOStreams
	API       func() (*factory.API, error)
	Journal   func() *journal.Journal
	NewRunner runner.Func
	Clock     clock.Clock
	Advice    taskview.Advice
	Previews  *previews.Previews
	Expiry    *expiry.Warner
	Models    *modelnames.Names // the cached model list, for warnings about unknown names
	// WorkDir is where relative input files are read ("" = the process's); HTTPClient fetches URL inputs.
	WorkDir    string
	HTTPClient *http.Client
	JSON       bool

	Task  catalog.Task // a catalog task, or a pass-through one (Task.Known() is false)
	Input body.Input   // typed flags, --data, --set, --set-file

	WebhookURL string
	DryRun     bool
	Wait       bool
	Timeout    time.Duration
	Tunnel     *receiver.TunnelFlags
	Output     *cmdutil.OutputFlags
	Preview    *string // --preview; "" when not given
	Batch      BatchOptions
}

// newOptions is a submit command line's options for task, holding what its run functions use of the
// factory.
func newOptions(f *factory.Factory, task catalog.Task) *Options {
	return &Options{IO: f.IOStreams, API: f.API, Journal: f.Journal, NewRunner: runner.For(f), Clock: f.Clock,
		Advice: cmdutil.Advice(f), Previews: previews.New(f), Expiry: expiry.NewWarner(f), Models: modelnames.New(f),
		WorkDir: f.WorkDir, HTTPClient: f.HTTPClient, Task: task}
}

// addCommonFlags defines the flags every submit command shares (the body beyond the typed flags, the
// wait, the outputs, batches) on cmd, bound to o; the receiver and output flags resolve their settings
// through f. taskName ("" for an endpoint not in the catalog) selects the model-name completion of
// --set values.
func addCommonFlags(cmd *cobra.Command, o *Options, f *factory.Factory, taskName string) {
	fl := cmd.Flags()
	fl.StringVar(&o.Input.Data, "data", "", "whole request body: JSON, @file or - (stdin), merged over the defaults and typed flags")
	fl.StringArrayVar(&o.Input.Sets, "set", nil, "set a body field: path=value (typed from the spec) or path:=JSON (raw JSON); repeatable")
	fl.StringArrayVar(&o.Input.SetFiles, "set-file", nil, "set a body field to a file, encoded as the field takes it: path=file; repeatable")
	fl.StringVar(&o.WebhookURL, "webhook-url", "", "ask Novita to deliver the result webhook to your own endpoint (asynchronous tasks)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print the body that would be sent (base64 elided) and send nothing")
	fl.BoolVarP(&o.Wait, "wait", "w", false, "wait for the task to end, then download its outputs (a synchronous task always does)")
	cmdutil.TimeoutFlag(cmd, &o.Timeout, "timeout", DefaultTimeout, "how long --wait waits before giving up (the task keeps running)")
	fl.StringVar(&o.Batch.File, "batch", "", "one task per line of FILE (- = stdin): a JSON object merged onto the body, or a prompt")
	fl.IntVar(&o.Batch.Concurrency, "concurrency", 4, "with --batch: submissions (and result reads) in flight")
	fl.BoolVar(&o.Batch.SkipInvalid, "skip-invalid", false, "with --batch: submit the valid lines even when some are invalid")
	o.Tunnel = receiver.AddTunnelFlags(cmd, receiver.NewTunnelEnv(f))
	o.Output = cmdutil.AddOutputFlags(cmd, cmdutil.NewSettings(f), true)
	o.Preview = previews.AddFlag(cmd)
	cmdutil.NoFileCompletions(cmd, "webhook-url", "concurrency")
	if taskName != "" {
		_ = cmd.RegisterFlagCompletionFunc("set", modelnames.SetCompletion(f, taskName))
	} else {
		cmdutil.NoFileCompletions(cmd, "set")
	}
}

// reservedFlag reports whether a typed flag's name or shorthand is taken on cmd (by the common flags,
// defined first) or among globals (the root's persistent flags; nil for none), so a typed flag never
// clashes with them.
func reservedFlag(cmd *cobra.Command, globals *pflag.FlagSet) func(name, short string) bool {
	taken := func(fs *pflag.FlagSet, name, short string) bool {
		return fs != nil && (fs.Lookup(name) != nil || (short != "" && fs.ShorthandLookup(short) != nil))
	}
	return func(name, short string) bool {
		return name == "help" || short == "h" || taken(cmd.Flags(), name, short) || taken(globals, name, short)
	}
}

// ready completes the options from the parsed command line and checks the flag combinations that
// cobra cannot (all usage errors, before anything is read or sent).
func (o *Options) ready(cmd *cobra.Command) error {
	o.Input.Stdin = iostreams.ContextReader(cmd.Context(), o.IO.In) // one Ctrl-C ends a read of stdin
	o.Input.Dir = o.WorkDir
	o.Input.NoFetch = o.DryRun // a dry run never fetches a URL input
	if o.Input.HTTPClient == nil {
		o.Input.HTTPClient = o.HTTPClient
	}
	o.Batch.set = cmd.Flags().Changed("batch")
	if !o.Batch.set && (cmd.Flags().Changed("concurrency") || cmd.Flags().Changed("skip-invalid")) {
		return clierr.Usagef("--concurrency and --skip-invalid go with --batch FILE")
	}
	if o.Task.Sync() && o.WebhookURL != "" {
		return clierr.Usagef("--webhook-url: %s is synchronous: its outputs come in the answer and no webhook is sent; leave --webhook-url out", o.Task.Name)
	}
	return nil
}

// hasBody tells whether anything besides typed flags gives the body (an endpoint not in the catalog
// takes its body only from these).
func (o *Options) hasBody() bool {
	return o.Input.Data != "" || len(o.Input.Sets) > 0 || len(o.Input.SetFiles) > 0 || o.Batch.set
}

// Run sends the task the options describe: one task or a batch, asynchronous or synchronous.
func Run(ctx context.Context, o *Options) error {
	switch {
	case o.Task.Sync() && o.Batch.set:
		return runSyncBatch(ctx, o)
	case o.Task.Sync():
		return runSync(ctx, o)
	case o.Batch.set:
		return runBatch(ctx, o)
	}
	return runSubmit(ctx, o)
}

// warnModels warns about model names a body gives that the cached model list does not know.
func warnModels(o *Options, api *factory.API, req map[string]any) {
	if !o.Task.Known() {
		return
	}
	for _, w := range o.Models.Warnings(api, o.Task.Name, req) {
		o.IO.Warnf("%s", w)
	}
}

// previewMode resolves --preview (and NOVITA_PREVIEW, config preview) before anything is paid for.
func (o *Options) previewMode() (string, error) {
	flag := ""
	if o.Preview != nil {
		flag = *o.Preview
	}
	return o.Previews.Mode(flag)
}

// prepared is one task ready to send: everything that can be checked locally was.
type prepared struct {
	req  map[string]any
	outs lifecycle.Outputs
	mode string // --preview, resolved
	api  *factory.API
}

// prepare builds and checks one task's body, outputs and settings, in the order that keeps a
// mistake from costing anything: nothing here sends a request. saves says the outputs will be
// written by this command (--wait, or a synchronous task).
func (o *Options) prepare(ctx context.Context, saves bool) (*prepared, error) {
	req, err := body.Build(ctx, o.Task, o.Input)
	if err != nil {
		return nil, err
	}
	outs, err := o.Output.Outputs()
	if err != nil {
		return nil, err
	}
	if err := o.preflight(outs, saves, req); err != nil {
		return nil, err
	}
	if n := requestedOutputs(req); saves && !outs.NoDownload && !outs.Template.WritesFiles() && n > 1 {
		return nil, clierr.Usagef("-o %s holds one output, but this request asks for %d: use a file template such as -o 'out-{index}.{ext}', or ask for one", outs.Template, n)
	}
	mode, err := o.previewMode()
	if err != nil {
		return nil, err
	}
	api, err := o.API()
	if err != nil {
		return nil, err
	}
	warnModels(o, api, req)
	return &prepared{req: req, outs: outs, mode: mode, api: api}, nil
}

// requestedOutputs is how many outputs a body asks for where it says so (image_num), else 1.
func requestedOutputs(req map[string]any) int {
	for _, path := range []string{"request.image_num", "image_num"} {
		if v, ok := jsonpath.Get(req, path); ok {
			if n, err := strconv.Atoi(fmt.Sprint(v)); err == nil && n > 1 {
				return n
			}
		}
	}
	return 1
}

// preflight checks, before anything is paid for, that the outputs of one task can be saved where
// the template says: no existing file in the way (without --overwrite), no file where a directory
// should be, a writable directory, names the file system takes.
func (o *Options) preflight(outs lifecycle.Outputs, saves bool, req map[string]any) error {
	if !saves || outs.NoDownload {
		return nil
	}
	return outs.Template.Preflight(o.plannedCheck(download.Vars{Task: o.Task.Name}, outs, req))
}

// afterSave tells about outputs left behind whose links expire soon, then shows thumbnails of the
// images saved, once the paths are on stdout.
func afterSave(ctx context.Context, o *Options, doc *lifecycle.Document, mode string) {
	if doc == nil {
		return
	}
	o.Expiry.WarnUndownloaded(ctx, doc.TaskID)
	o.Previews.Show(ctx, o.JSON, mode, doc.Files)
}
