// Package submit is the `novita submit` command: one task, or a batch of them with --batch.
//
// Each catalog task is its own subcommand (`novita submit txt2img`), built from its spec with only its
// own typed flags, plus the common flags every submit shares (addCommonFlags). Start-up parses one spec
// at most: the tree holds header-only stubs (name, aliases, summary) but for the one task command the
// command line names (Line finds it; the root passes it in Build), to run, show its help or complete. The `submit` command itself
// runs the names the catalog does not know, posting to /v3/async/<name> with the body from --data and
// --set.
package submit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/receiver"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
)

// NewCmdSubmit builds `novita submit` with a command per catalog task: the tasks b names are built in
// full from their specs, the others are header-only stubs. runF replaces the run function (of the
// command itself, for endpoints not in the catalog, and of the task commands) in tests.
func NewCmdSubmit(f *factory.Factory, runF func(context.Context, *Options) error, b Build) *cobra.Command {
	o := newOptions(f, catalog.Task{})
	cat, catErr := catalog.Load()
	cmd := &cobra.Command{
		Use:     "submit <task> [flags]",
		Short:   "Submit a task, optionally wait for it and download the outputs",
		Long:    submitLong,
		Example: submitExample,
		Args:    cmdutil.UsageArgs(taskArg),
		RunE: func(cmd *cobra.Command, args []string) error {
			if catErr != nil {
				return catErr
			}
			task, err := cat.Resolve(args[0])
			if err != nil {
				return err
			}
			o.Task = task
			o.JSON = f.Globals.JSON
			if err := o.ready(cmd); err != nil {
				return err
			}
			if !task.Known() {
				notInCatalog(o)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(cmd.Context(), o)
		},
	}
	addCommonFlags(cmd, o, f, "")
	cmd.SetFlagErrorFunc(passThroughFlagError(cat))
	cmd.AddGroup(kindGroups()...)
	if cat != nil {
		for _, h := range cat.Headers() {
			if !b.All && h.Name != b.Task {
				cmd.AddCommand(stubCmd(h))
			} else if task, ok := cat.Lookup(h.Name); ok { // a spec that does not parse: the catalog's tests rule it out
				cmd.AddCommand(NewCmdTask(f, task, b.Globals, runF))
			}
		}
		// Completing `submit --wait <TAB>`: cobra lists subcommands only before any local flag.
		cmd.ValidArgsFunction = func(c *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 || !localFlagGiven(c) {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []string
			for _, h := range cat.Headers() {
				out = append(out, h.Name+"\t"+h.Summary)
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		}
	}
	return cmd
}

// taskArg asks for exactly one task name.
func taskArg(_ *cobra.Command, args []string) error {
	switch len(args) {
	case 0:
		return fmt.Errorf("submit needs a task: novita submit <task> [flags] (novita catalog lists the tasks)")
	case 1:
		return nil
	}
	return fmt.Errorf("submit takes one task, got %d words (%s): quote values with spaces, e.g. --prompt \"a cat\"",
		len(args), strings.Join(args, " "))
}

func localFlagGiven(c *cobra.Command) bool {
	given := false
	c.LocalNonPersistentFlags().VisitAll(func(fl *pflag.Flag) { given = given || fl.Changed })
	return given
}

// notInCatalog says, before any key check or request, that the name is not a catalog task: with a
// "did you mean" when a known name is close. Without a body the build refuses it (naming --data).
func notInCatalog(o *Options) {
	if !o.hasBody() {
		return
	}
	io, t := o.IO, o.Task
	if len(t.Suggestions) > 0 {
		io.Warnf("%s is not in the catalog (did you mean %s?): posting to %s as given, with nothing checked locally",
			iostreams.Safe(t.Name), strings.Join(t.Suggestions, " or "), iostreams.Safe(t.Path))
		return
	}
	io.Statusf("%s is not in the catalog: posting to %s with the body from --data and --set, with nothing checked locally",
		iostreams.Safe(t.Name), iostreams.Safe(t.Path))
}

// runSubmit submits one asynchronous task and, with --wait, waits for it and downloads its outputs.
func runSubmit(ctx context.Context, o *Options) error {
	io, task := o.IO, o.Task
	p, err := o.prepare(ctx, o.Wait)
	if err != nil {
		return err
	}
	req, outs, mode, api := p.req, p.outs, p.mode, p.api
	hookAt := ""
	if o.WebhookURL != "" {
		body.SetWebhook(req, task.WebhookPath(), o.WebhookURL)
		hookAt = task.WebhookPath()
	}
	if o.DryRun {
		io.Statusf("dry run: would POST %s%s (nothing sent)", api.BaseURL, novita.EndpointPath(task.Endpoint))
		return iostreams.WriteJSON(io.Out, body.Elide(req))
	}
	if err := cmdutil.NeedKey(api); err != nil {
		return err
	}
	if err := cmdutil.NeedJournal(ctx, o.Journal()); err != nil {
		return err // before paying: a task the journal cannot record could not be resumed
	}
	run := o.NewRunner(api, taskview.Quiet{IO: io})
	var router *hooks.Router
	if o.Wait && o.WebhookURL == "" && run.WebhookRefused(task.Endpoint) {
		io.Statusf("%s refused a webhook field before: no receiver; polling for the result", iostreams.Safe(task.Name))
	} else if o.Wait && o.WebhookURL == "" {
		if router, err = receiver.OpenWaitReceiver(ctx, o.Tunnel, api); err != nil {
			return err
		}
		if router != nil {
			defer router.Close()
			body.SetWebhook(req, task.WebhookPath(), router.URL)
			hookAt = task.WebhookPath()
		}
	}
	raw, err := body.Marshal(req)
	if err != nil {
		return err
	}
	id, err := run.Submit(ctx, lifecycle.Submission{Task: task.Name, Endpoint: task.Endpoint, Body: raw, Output: o.Output.Output,
		WebhookPath: hookAt})
	if err != nil {
		return err
	}
	if !o.Wait {
		if o.JSON {
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
		spec.Webhooks = router.Results()
		spec.AfterWait = router.CloseAsync
	}
	waiting := taskview.NewWaiting(io, o.Clock.Now, id, router != nil)
	run.Observer = waiting
	doc, err := run.Await(ctx, spec)
	waiting.Stop()
	err = taskview.Finish(io, o.JSON, doc, err, o.Advice)
	afterSave(ctx, o, doc, mode)
	return err
}
