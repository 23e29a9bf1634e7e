// Package rerun is the `novita rerun` command: submit a journalled request again, with overrides.
package rerun

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/submit"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/jsonpath"
	"github.com/novita-cli/novita/pkg/taskref"
)

const (
	use   = "rerun <task-id|prefix|file> [flags of its task]"
	short = "Submit a journalled request again, with overrides (--seed, any flag of its task, --set)"
	long  = `Submit the request of a task from the journal again (see: novita tasks). Any flag of the
task's own command (novita submit <task> --help) overrides the stored request, as do --set and
--set-file; the common submit flags (--wait, -o, --dry-run, ...) work as in submit.

Large inputs (images, audio) are kept in the journal only as their size and sha256: a rerun
asks for them again by their flag, e.g. --image photo.png.

The task is named by its id, a unique prefix of it (6+ characters) or one of its output files:
a file this journal never saw is rerun from the request in its embedded metadata.`
	example = `  $ novita rerun 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10 --seed 42 --wait
  $ novita rerun 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10 --prompt "a fox at dawn" --dry-run
  $ novita rerun 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10 --image photo.png --wait
  $ novita rerun cats/1.png --seed 7 --dry-run`
)

// NewCmdRerun builds `novita rerun` for the command line args (with the root's persistent flags,
// globals): its flags are those of the task the reference names, so when the line names a task this
// journal (or a file's metadata) knows, the command is that task's own (submit.NewCmdTask) with the
// stored request as the body's base. Otherwise it is a stand-in that explains why nothing can be rerun.
// runF replaces the run function of a rerun (submit.Run) in tests.
func NewCmdRerun(f *factory.Factory, runF func(context.Context, *submit.Options) error, args []string, globals *pflag.FlagSet) *cobra.Command {
	// The same scanner as submit's: spaced global flags (--base-url URL) are skipped with their values.
	i := cmdutil.CommandIndex(globals, args, "rerun")
	finder := cmdutil.NewTaskFinder(f)
	if i < 0 || i+1 >= len(args) || strings.HasPrefix(args[i+1], "-") {
		return standIn(finder)
	}
	d, err := lookup(context.Background(), finder, args[i+1])
	if err != nil {
		return standIn(finder) // which says why
	}
	task, ok := catalog.Lookup(d.Name)
	if !ok {
		return standIn(finder)
	}
	cmd := submit.NewCmdTask(f, task, globals, func(ctx context.Context, o *submit.Options) error {
		if err := withBase(o, d); err != nil {
			return err
		}
		if runF != nil {
			return runF(ctx, o)
		}
		return submit.Run(ctx, o)
	})
	cmd.Use, cmd.Short, cmd.Long, cmd.Example = use, short, long+"\n\nThis task is a "+task.Name+": its flags are listed below.", example
	cmd.Aliases, cmd.GroupID = nil, ""
	cmd.Args = cmdutil.TaskIDArg()
	return cmd
}

// standIn is `novita rerun` when the command line names no task it can rerun: its flags would depend
// on that task, so it parses none, and run it says why (no id, an unknown id, a task not in the catalog).
func standIn(finder *cmdutil.TaskFinder) *cobra.Command {
	return &cobra.Command{
		Use: use, Short: short, Long: long, Example: example,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 { // overrides may follow the reference: only its absence is an error here
				return cmdutil.TaskIDArg()(cmd, args)
			}
			return nil
		},
		ValidArgsFunction:  cmdutil.TaskIDCompletion(finder.Journal),
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if slices.Contains(args, "-h") || slices.Contains(args, "--help") {
				return cmd.Help()
			}
			d, err := lookup(context.Background(), finder, args[0])
			if err != nil {
				return err
			}
			if _, ok := catalog.Lookup(d.Name); ok { // NewCmdRerun did not see the command line as rerun's
				return clierr.Usagef("could not read this rerun's command line: give it as novita [global flags] rerun %s [flags of its task]", iostreams.Safe(args[0]))
			}
			return clierr.Usagef("task %s is a \"%s\" task, which is not in this novita's catalog: it cannot be rerun (see: novita catalog)",
				iostreams.Safe(d.ID), iostreams.Safe(d.Name))
		},
	}
}

// lookup finds the task a reference names (an id, a unique prefix, an output file) and its request:
// from the journal, or from the provenance embedded in a file the journal never saw.
// It says nothing on stderr: the command line is read before cobra runs, to build rerun's flags.
func lookup(ctx context.Context, finder *cmdutil.TaskFinder, ref string) (*journal.Detail, error) {
	r, err := taskref.ResolveIn(ctx, finder.Journal(), finder.WorkDir, ref)
	if err != nil {
		return nil, err
	}
	if r.Warning != nil && r.Record == nil {
		return nil, r.Warning
	}
	if !r.Known && r.Record == nil {
		return nil, cmdutil.NotInJournal(ref)
	}
	d, _, err := finder.Detail(ctx, r)
	if err != nil {
		return nil, err
	}
	if len(d.Request) == 0 {
		return nil, clierr.Usagef("task %s was journalled without its request (by an earlier release), so it cannot be rerun", iostreams.Safe(d.ID))
	}
	return &d, nil
}

// withBase lays the stored request under the user's overrides. A webhook of the earlier run pointed
// at a receiver that is gone, so it is dropped; an input the journal did not keep must be given again.
func withBase(o *submit.Options, d *journal.Detail) error {
	var base map[string]any
	if err := json.Unmarshal(d.Request, &base); err != nil {
		return fmt.Errorf("task %s: the stored request is not a JSON object: %w", iostreams.Safe(d.ID), err)
	}
	if extra, ok := base["extra"].(map[string]any); ok {
		delete(extra, "webhook")
		if len(extra) == 0 {
			delete(base, "extra")
		}
	}
	body.DropWebhook(base, o.Task.WebhookPath()) // callback_url and the like: wherever the spec puts it
	elided, err := journal.ElidedPaths(d.Request)
	if err != nil {
		return err
	}
	given := givenPaths(o)
	for _, e := range elided {
		if given[jsonpath.Field(e.Path)] {
			continue // the flag or --set given now replaces the marker
		}
		how := "--set-file " + e.Path + "=FILE"
		if fl := o.Task.FlagFor(e.Path); fl != "" {
			how = "--" + fl + " FILE"
		}
		return clierr.Usagef("%s was not kept in the journal (a %d-byte input, sha256 %.12s...): give it again with %s", e.Path, e.Bytes, e.SHA256, how)
	}
	o.Input.Base = base
	o.IO.Statusf("rerunning %s task %s", iostreams.Safe(d.Name), iostreams.Safe(d.ID)) // from a file's metadata, perhaps
	return nil
}

// givenPaths are the body paths the user sets on this command line (typed flags, --set, --set-file).
func givenPaths(o *submit.Options) map[string]bool {
	out := map[string]bool{}
	for _, fs := range o.Task.FlagSpecs() {
		_, one := o.Input.Flags[fs.Name]
		_, many := o.Input.Lists[fs.Name]
		if one || many {
			out[jsonpath.Field(o.Task.FullPath(fs.Path))] = true
		}
	}
	for _, s := range append(slices.Clone(o.Input.Sets), o.Input.SetFiles...) {
		p, _, _ := strings.Cut(s, "=")
		out[jsonpath.Field(o.Task.FullPath(strings.TrimSuffix(p, ":")))] = true
	}
	return out
}
