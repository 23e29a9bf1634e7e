// Package version is the `novita version` command.
package version

import (
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

// NewCmdVersion builds `novita version`.
func NewCmdVersion(f *factory.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit, build date and Go version",
		Example: "  $ novita version\n  $ novita version --json",
		Args:    cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := f.Build
			if f.Globals.JSON {
				return iostreams.WriteJSON(f.IOStreams.Out, map[string]string{
					"version": b.Version, "commit": orNone(b.Commit), "date": orNone(b.Date), "go": runtime.Version(),
					"os": runtime.GOOS, "arch": runtime.GOARCH,
				})
			}
			fmt.Fprintln(f.IOStreams.Out, Line(b))
			return nil
		},
	}
}
