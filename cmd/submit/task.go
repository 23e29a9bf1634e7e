package submit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
)

// kindGroups file the task commands by output kind in `novita submit --help`.
func kindGroups() []*cobra.Group {
	return []*cobra.Group{
		{ID: catalog.OutputImage, Title: "Image tasks:"}, {ID: catalog.OutputVideo, Title: "Video tasks:"},
		{ID: catalog.OutputAudio, Title: "Audio tasks:"}, {ID: catalog.OutputText, Title: "Text tasks:"},
	}
}

// groupOf is the help group of a task of that output kind; cobra refuses to run with a command in a
// group it does not have, so an unknown kind is left ungrouped.
func groupOf(kind string) string {
	for _, g := range kindGroups() {
		if g.ID == kind {
			return kind
		}
	}
	return ""
}

// stubCmd stands for a catalog task the command line does not name: enough for listings and name
// completion (name, aliases, summary), read from the spec's header without parsing it.
func stubCmd(h catalog.Header) *cobra.Command {
	return &cobra.Command{
		Use: h.Name + " [flags]", Aliases: h.Aliases, Short: h.Summary, GroupID: groupOf(h.Kind),
		RunE: func(*cobra.Command, []string) error {
			return fmt.Errorf("internal error: novita submit %s ran without its flags (the root must name it in submit.Build)", h.Name)
		},
	}
}

// NewCmdTask builds the command of one catalog task: its typed flags from the spec, the common flags,
// the help (parameters, synchronous or not, an example). globals are the root's persistent flags, which
// a typed flag must not shadow (nil when there is no root). runF replaces the run function (Run): in
// tests, and for rerun, which lays the stored request under the flags first.
func NewCmdTask(f *factory.Factory, task catalog.Task, globals *pflag.FlagSet, runF func(context.Context, *Options) error) *cobra.Command {
	o := newOptions(f, task)
	var typed *typedFlags
	cmd := &cobra.Command{
		Use:     task.Name + " [flags]",
		Aliases: task.Aliases,
		Short:   task.Description,
		Long:    taskLong(task),
		Example: taskExample(task),
		GroupID: groupOf(task.OutputKind),
		Args:    noWords(task.Name),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Input.Flags, o.Input.Lists = typed.input()
			o.JSON = f.Globals.JSON
			if err := o.ready(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(cmd.Context(), o)
		},
	}
	addCommonFlags(cmd, o, f, task.Name)
	typed = addTypedFlags(cmd, f, task, reservedFlag(cmd, globals))
	cmd.SetUsageFunc(taskUsage(task, typed.names()))
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if name, ok := unknownFlag(err); ok {
			hint := fmt.Sprintf("set any body field with --set path=value; see: novita submit %s --help or novita catalog %s", task.Name, task.Name)
			if s := cmdutil.SuggestFlag(c, name); s != "" {
				return clierr.WithHint(clierr.KindUsage, fmt.Errorf("%s: %s does not take this flag: did you mean %s?", name, task.Name, s), hint)
			}
			return clierr.WithHint(clierr.KindUsage, fmt.Errorf("%s: %s does not take this flag", name, task.Name), hint)
		}
		return rootFlagError(c, err)
	})
	return cmd
}

// rootFlagError words a flag error the root's way (a usage error with a pointer to the help).
func rootFlagError(c *cobra.Command, err error) error {
	if r := c.Root(); r != c {
		return r.FlagErrorFunc()(c, err)
	}
	return clierr.WithHint(clierr.KindUsage, err, "see: "+c.CommandPath()+" --help")
}

// noWords refuses positional words after a task: the body comes from flags.
func noWords(task string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return clierr.WithHint(clierr.KindUsage,
			fmt.Errorf("submit %s takes flags, not words: got %q (quote a prompt with spaces: --prompt \"a cat on a mat\")", task, args[0]),
			"see: "+cmd.CommandPath()+" --help")
	}
}

// unknownFlag returns the flag an "unknown flag" parse error names, as the user typed it.
func unknownFlag(err error) (string, bool) { return cmdutil.UnknownFlag(err) }

// passThroughFlagError words a flag error of `submit <name>` for a name the catalog does not know: the
// typed flags belong to catalog tasks, so a typo in the name is the likely cause, and is said first.
func passThroughFlagError(cat *catalog.Catalog) func(*cobra.Command, error) error {
	return func(c *cobra.Command, err error) error {
		name, unknown := unknownFlag(err)
		words := c.Flags().Args() // the words parsed before the flag that failed
		if !unknown || len(words) == 0 || cat == nil {
			return rootFlagError(c, err)
		}
		task := words[0]
		if s := cat.Suggest(task); len(s) > 0 {
			return clierr.Usagef("%s is not in the catalog: did you mean %s? (%s is a flag of catalog tasks; an endpoint not in the catalog takes its body from --data JSON and --set path=value)",
				task, strings.Join(s, " or "), name)
		}
		return clierr.Usagef("%s: %s is not in the catalog, so typed flags do not apply: build the body with --data JSON and --set path=value (novita catalog lists the known tasks)",
			name, task)
	}
}

// Build says which catalog tasks NewCmdSubmit builds in full; every other task is a header-only stub,
// so start-up does not pay for parsing the catalog's specs.
type Build struct {
	// Globals are the root's persistent flags, which a typed flag must not shadow (nil: none).
	Globals *pflag.FlagSet
	Task    string // the canonical name of the one task to build (Line finds it); "" builds none
	All     bool   // build every task (generated documentation: man pages, help tests)
}

// Line finds the task a command line names after `submit` (by name, alias or path, in any letter case,
// whether it is to run, show its help or complete), skipping flags and their values as cobra does when
// it looks for subcommands. It returns the canonical name ("" when the line names no catalog task) and
// the line with that word made canonical, so that cobra finds the task's command.
func Line(args []string, globals *pflag.FlagSet) ([]string, string) {
	i := cmdutil.CommandIndex(globals, args, "submit")
	if i < 0 {
		return args, ""
	}
	common := &cobra.Command{}
	// Which of submit's own flags take a value: the flags are only parsed here, never resolved, so a bare
	// factory stands in for the command line's.
	addCommonFlags(common, &Options{}, &factory.Factory{}, "")
	merged := pflag.NewFlagSet("submit", pflag.ContinueOnError)
	merged.AddFlagSet(common.Flags())
	if globals != nil {
		merged.AddFlagSet(globals)
	}
	if i = cmdutil.WordIndex(merged, args, i+1); i < 0 {
		return args, ""
	}
	cat, err := catalog.Load()
	if err != nil {
		return args, ""
	}
	name, ok := cat.Canonical(args[i])
	if !ok {
		return args, ""
	}
	if args[i] == name {
		return args, name
	}
	out := slices.Clone(args)
	out[i] = name
	return out, name
}
