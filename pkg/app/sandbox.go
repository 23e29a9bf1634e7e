package app

import (
	"context"
	"fmt"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// SandboxOptions is what `novita sandbox` was asked to do.
type SandboxOptions struct {
	Addr    string
	Options sandbox.Options
	Ready   chan<- string // receives the URL once serving (tests)
}

// RunSandbox serves the simulator until ctx ends (Ctrl-C).
func RunSandbox(ctx context.Context, io *iostreams.IOStreams, o SandboxOptions) error {
	if o.Options.Logger == nil && !io.Quiet {
		o.Options.Logger = io.ErrOut
	}
	sb := sandbox.New(o.Options)
	if err := sb.Start(o.Addr); err != nil {
		return fmt.Errorf("sandbox: listen on %s: %w (pick another port with --addr)", o.Addr, err)
	}
	defer sb.Close()
	fmt.Fprintf(io.Out, "export NOVITA_BASE_URL=%s\nexport NOVITA_API_KEY=%s\n", sb.URL(), sb.APIKey())
	io.Statusf("sandbox: Novita-compatible API on %s (^C to quit)", sb.URL())
	if o.Ready != nil {
		o.Ready <- sb.URL()
	}
	<-ctx.Done()
	io.Statusf("sandbox: stopped")
	return nil
}

// UseSandbox starts the simulator on a random loopback port for this process only and points the
// environment at it. The returned function stops it.
func (e *Env) UseSandbox(opts sandbox.Options) (func(), error) {
	sb := sandbox.New(opts)
	if err := sb.Start("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start the in-process sandbox: %w", err)
	}
	e.BaseURL, e.APIKey = sb.URL(), sb.APIKey()
	e.IO.Statusf("sandbox: using the built-in simulator at %s (tasks are forgotten when this command exits)", sb.URL())
	return func() { _ = sb.Close() }, nil
}
