package submit

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/catalog"
)

// NewRerunCmd builds `novita rerun` for a task of that catalog task: the task's own typed flags and
// every common submit flag, so any of them overrides the stored request. before completes the options
// (the stored request as the body's base) once the flags are parsed; then the task runs as a submit.
func NewRerunCmd(f *factory.Factory, task catalog.Task, globals *pflag.FlagSet, args cobra.PositionalArgs,
	before func(o *Options, positional []string) error) *cobra.Command {
	var positional []string
	cmd := newTaskCmd(f, task, globals, func(ctx context.Context, o *Options) error {
		if err := before(o, positional); err != nil {
			return err
		}
		return run(ctx, o)
	})
	cmd.Aliases, cmd.GroupID = nil, ""
	cmd.Args = func(c *cobra.Command, a []string) error {
		positional = a
		return args(c, a)
	}
	return cmd
}
