// Package catalog is the `novita catalog` command: the tasks the CLI knows (every endpoint spec of
// pkg/catalog), or one task's parameters and a ready-to-run example.
package catalog

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	spec "github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// Options is what `novita catalog` was asked to show.
type Options struct {
	IO   *iostreams.IOStreams
	JSON bool
	Task string // "" lists every task
	Kind string // image, video, audio, text; "" all
}

// NewCmdCatalog builds `novita catalog`; runF replaces the run function in tests.
func NewCmdCatalog(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "catalog [task]",
		Short: "List the known tasks, or show a task's parameters and an example",
		Long: `List every task novita submit knows: its name, output kind, whether it is asynchronous
(a task id, then a webhook or polling) or synchronous (the outputs in the answer), and what it
does. --kind keeps one output kind. The LoRA training endpoints are listed too (mode training,
kind model): novita train runs them.

With a task name (or an alias, in any letter case; a near miss exits 2 with suggestions), show its
endpoint, aliases and every parameter: the typed flag that sets it (fields without one are set
with --set path=value), its JSON path in the body, type, whether it is required, its default,
the allowed range or values, and a ready-to-run example.

With --json, the list is one JSON object per task and per line (NDJSON) with the fields name,
path, mode (async, sync or training), kind, summary and aliases; a task is one JSON document with its
parameters as well (path, flag, type, required, default, api_default, min, max, enum, ...).`,
		Example: `  $ novita catalog
  $ novita catalog --kind video
  $ novita catalog txt2img
  $ novita catalog remove-background --json
  $ novita catalog --json | jq -r 'select(.mode == "sync") | .name'`,
		Args: cmdutil.UsageArgs(cobra.MaximumNArgs(1)),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			cat, err := spec.Load()
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []string
			for _, h := range append(cat.Headers(), cat.TrainingHeaders()...) {
				out = append(out, h.Name+"\t"+h.Summary)
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Task = args[0]
				if cmd.Flags().Changed("kind") {
					return clierr.Usagef("--kind filters the list of tasks: give it without a task name")
				}
			}
			o.JSON = f.Globals.JSON // parsed by now
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			if o.Task != "" {
				return runShow(o)
			}
			return runList(o)
		},
	}
	cmdutil.StringEnumFlag(cmd, &o.Kind, "kind", "", "", []string{spec.OutputImage, spec.OutputVideo, spec.OutputAudio, spec.OutputText, spec.OutputModel},
		"only the tasks of this output kind")
	return cmd
}

// listEntry is one task of the --json list.
type listEntry struct {
	Name    string   `json:"name"`
	Path    string   `json:"path"`
	Mode    string   `json:"mode"`
	Kind    string   `json:"kind"`
	Summary string   `json:"summary"`
	Aliases []string `json:"aliases"`
}

// runList prints the tasks from the specs' headers alone: listing parses no spec.
func runList(o *Options) error {
	io := o.IO
	cat, err := spec.Load()
	if err != nil {
		return err
	}
	var hs []spec.Header
	for _, h := range append(cat.Headers(), cat.TrainingHeaders()...) { // training endpoints last (kind model)
		if o.Kind == "" || h.Kind == o.Kind {
			hs = append(hs, h)
		}
	}
	if o.JSON {
		for _, h := range hs {
			e := listEntry{Name: h.Name, Path: h.Path, Mode: string(h.Mode), Kind: h.Kind, Summary: h.Summary, Aliases: h.Aliases}
			if e.Aliases == nil {
				e.Aliases = []string{}
			}
			if err := iostreams.WriteJSONLine(io.Out, e); err != nil {
				return err
			}
		}
		return nil
	}
	tb := iostreams.NewTable(iostreams.Column{Header: "NAME", Keep: true}, iostreams.Column{Header: "KIND"},
		iostreams.Column{Header: "MODE"}, iostreams.Column{Header: "SUMMARY", Wrap: true})
	for _, h := range hs {
		tb.Row(h.Name, h.Kind, string(h.Mode), h.Summary)
	}
	if err := tb.Render(io.Out, io.TableWidth()); err != nil {
		return err
	}
	io.Statusf("%d tasks; novita catalog <task> shows a task's parameters, novita submit <task> --help its flags", len(hs))
	return nil
}

// resolve finds the task a name means: a catalog name or alias in any case. Any other name is a usage
// error (exit 2) with the close names, so a script never reads the wrong task's parameters.
func resolve(o *Options, cat *spec.Catalog) (spec.Task, error) {
	if t, ok := cat.Training(o.Task); ok { // a LoRA training endpoint (novita train)
		return t, nil
	}
	name, ok := cat.Canonical(o.Task)
	if !ok {
		close := cat.Suggest(o.Task)
		if len(close) == 0 {
			return spec.Task{}, clierr.Usagef("%s is not in the catalog and no task name is close: novita catalog lists them all (an endpoint not in the catalog can still be submitted with --data)",
				iostreams.Safe(o.Task))
		}
		return spec.Task{}, clierr.Usagef("%s is not in the catalog: did you mean %s? (novita catalog lists them all)",
			iostreams.Safe(o.Task), strings.Join(close, " or "))
	}
	task, ok := cat.Lookup(name)
	if !ok {
		_, err := cat.Resolve(name) // a spec that does not parse: its error
		return spec.Task{}, err
	}
	return task, nil
}
