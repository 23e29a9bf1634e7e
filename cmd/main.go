package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
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
	ownClient := d.HTTPClient == nil
	d = d.withDefaults()
	if ownClient {
		defer d.HTTPClient.CloseIdleConnections()
	}
	r := newRunner(d)
	root := r.newRootCmd()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	r.cleanup()
	if err == nil {
		return clierr.ExitOK
	}
	err = classify(err)
	if ctx.Err() != nil && clierr.KindOf(err) == clierr.KindGeneric {
		err = clierr.New(clierr.KindInterrupted, err)
	}
	r.printError(err)
	return clierr.Code(err)
}

// classify turns cobra's own argument errors into usage errors.
func classify(err error) error {
	var k clierr.Kinder
	if errors.As(err, &k) {
		return err
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "invalid argument", "flag needs", "accepts ", "requires at least", "required flag", "if any flags in the group"} {
		if strings.Contains(msg, p) {
			return clierr.WithHint(clierr.KindUsage, err, "see: novita --help")
		}
	}
	return err
}

// printError reports err on stderr and, with --json, as a JSON document on stdout.
func (r *runner) printError(err error) {
	io := r.deps.IO
	if r.g.json && !clierr.IsReported(err) {
		doc := map[string]any{"code": clierr.Code(err), "reason": clierr.ReasonOf(err), "message": err.Error(), "http_status": 0}
		var ae *novita.APIError
		if errors.As(err, &ae) {
			doc["code"], doc["reason"], doc["http_status"] = ae.Code, ae.Reason, ae.HTTPStatus
			doc["message"] = ae.Message
		}
		_ = writeJSON(io.Out, map[string]any{"error": doc})
	}
	io.Errorf("%s", r.scrub(err.Error()))
	if h := clierr.HintOf(err); h != "" {
		fmt.Fprintln(io.ErrOut, r.scrub(h))
	}
}
