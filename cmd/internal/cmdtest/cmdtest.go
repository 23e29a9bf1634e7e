// Package cmdtest is what the per-command tests share: a factory over test streams and one way to run a
// command line through its runF (gh's TestNewCmd shape), so each table holds only its cases.
package cmdtest

import (
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// Factory is a factory over test IO streams, with no environment and a plain HTTP client.
func Factory() *factory.Factory {
	ios, _, _, _ := iostreams.Test()
	return factory.New(ios, nil, factory.BuildInfo{}, &http.Client{})
}

// Exec runs cmd on the space-separated args, its output discarded, and returns cobra's error.
func Exec(cmd *cobra.Command, args string) error {
	cmd.SetArgs(strings.Fields(args))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd.ExecuteContext(context.Background())
}

// Globals are flags standing for the root's persistent ones, for commands that scan the command line
// before cobra parses it (submit's task word, rerun's reference): --json is a switch, --base-url takes
// a value.
func Globals() *pflag.FlagSet {
	fs := pflag.NewFlagSet("novita", pflag.ContinueOnError)
	fs.Bool("json", false, "")
	fs.String("base-url", "", "")
	return fs
}
