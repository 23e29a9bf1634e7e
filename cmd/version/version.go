// Package version is the `novita version` command.
package version

import (
	"context"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// Line is the one-line version, also printed by `novita --version`.
func Line(b factory.BuildInfo) string {
	return fmt.Sprintf("novita %s (commit %s, built %s, %s)", b.Version, orNone(b.Commit), orNone(b.Date), runtime.Version())
}

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// Options is what `novita version` prints, and where.
type Options struct {
	IO    *iostreams.IOStreams
	Build factory.BuildInfo
	JSON  bool
}

// NewCmdVersion builds `novita version`; runF replaces the run function in tests.
func NewCmdVersion(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit, build date and Go version",
		Example: "  $ novita version\n  $ novita version --json",
		Args:    cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := &Options{IO: f.IOStreams, Build: f.Build, JSON: f.Globals.JSON} // globals are parsed by now
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return run(o)
		},
	}
}

func run(o *Options) error {
	b := o.Build
	if o.JSON {
		return iostreams.WriteJSON(o.IO.Out, map[string]string{
			"version": b.Version, "commit": orNone(b.Commit), "date": orNone(b.Date), "go": runtime.Version(),
			"os": runtime.GOOS, "arch": runtime.GOARCH,
		})
	}
	fmt.Fprintln(o.IO.Out, Line(b))
	return nil
}
