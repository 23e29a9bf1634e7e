// Package cmd is the entry point of the CLI: it builds the command tree for one command line, runs
// it, and is the one place where an error becomes an exit code and the words the user reads.
// Commands live one per package below it (cmd/submit, cmd/wait, ...); cmd/root wires them.
package cmd

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/root"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// Main runs the CLI as a process and returns its exit code.
func Main(build BuildInfo) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the first Ctrl-C asks for a clean stop; a second one kills the process as usual
	}()
	return Run(ctx, os.Args[1:], &Deps{IO: iostreams.System(), Getenv: os.Getenv, Build: build})
}

// Run executes one command line with the given dependencies and returns the exit code.
func Run(ctx context.Context, args []string, d *Deps) int {
	f := d.factory()
	if d.HTTPClient == nil {
		defer f.HTTPClient.CloseIdleConnections()
	}
	ran := false
	err := root.NewCmdRoot(f, root.Local{MCPTransport: d.MCPTransport}, &ran, args).ExecuteContext(ctx)
	f.Cleanup()
	if err == nil {
		return clierr.ExitOK
	}
	var k clierr.Kinder
	if !ran && !errorsAs(err, &k) {
		// cobra's own validation (flag groups, required flags) fails before any command runs.
		err = clierr.WithHint(clierr.KindUsage, err, "see: novita --help")
	}
	// After a Ctrl-C, an error is the interrupt's doing: a read of the input it cut short included.
	if k := clierr.KindOf(err); ctx.Err() != nil && (k == clierr.KindGeneric || k == clierr.KindUsage) {
		err = clierr.New(clierr.KindInterrupted, err)
	}
	report(f, wantsJSON(args, f.Globals.JSON), err)
	return clierr.Code(err)
}

// NewRootForDocs builds the full command tree for generators (man pages, reference docs). It reads
// no environment and has no real streams, so what it produces is the same on every machine; its
// commands must not be executed.
func NewRootForDocs(build BuildInfo) *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	d := &Deps{IO: ios, Build: build}
	c := root.NewCmdRootAll(d.factory())
	c.DisableAutoGenTag = true
	return c
}
