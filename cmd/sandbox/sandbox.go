// Package sandbox is the `novita sandbox` command: the Novita-compatible simulator as a server.
package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// DefaultTaskDuration keeps simulated tasks short enough to watch.
const DefaultTaskDuration = 2 * time.Second

// Options is what `novita sandbox` was asked to do.
type Options struct {
	IO *iostreams.IOStreams
	// Ready, when set, receives the server's URL once it serves (tests).
	Ready   chan<- string
	Addr    string
	Options sandbox.Options
}

// NewCmdSandbox builds `novita sandbox`; runF replaces the run function in tests.
func NewCmdSandbox(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Ready: f.Test.SandboxReady}
	s := &o.Options
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local Novita-compatible API simulator",
		Long: `Serve a local simulator of Novita's async API: auth and error bodies, the catalog's
endpoints with validation, the task lifecycle (QUEUED, PROCESSING with progress and eta,
SUCCEED or FAILED), real output files in every format the endpoints document (PNG, JPEG and
WebP images; WAV, MP3, FLAC and PCM audio; H.264 MP4 and GIF video) behind
presigned-style URLs that expire and support Range, webhook delivery with Novita's retry
policy, and test mode. It prints the two export lines that point novita at it.

The knobs make every bad day reproducible: failing tasks, 429 and 5xx, dropped, duplicated
or delayed webhooks, cut or slow downloads, short URL lifetimes.

The global --sandbox flag starts the same simulator inside one command instead; it forgets
its tasks when that command exits, so use "novita sandbox" for work across several commands.
A format no endpoint documents is answered 400.`,
		Example: `  $ novita sandbox
  $ novita sandbox --addr 127.0.0.1:9000 --api-key sk_local
  $ novita sandbox --task-duration 20s --fail-rate 0.2 --webhook-drop
  $ novita --sandbox submit txt2img --prompt "a cat" --wait`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			for name, v := range map[string]float64{"fail-rate": s.FailRate, "submit-429-rate": s.Submit429Rate,
				"submit-5xx-rate": s.Submit5xxRate, "result-429-rate": s.Result429Rate, "result-5xx-rate": s.Result5xxRate,
				"webhook-drop-rate": s.WebhookDropRate} {
				if v < 0 || v > 1 {
					return clierr.Usagef("--%s must be between 0 and 1, got %g", name, v)
				}
			}
			if s.MaxMediaSide < 0 {
				return clierr.Usagef("--max-media-side must be 0 (the requested size) or a number of pixels, got %d", s.MaxMediaSide)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runSandbox(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Addr, "addr", "127.0.0.1:8910", "address to listen on")
	fl.StringVar(&s.APIKey, "api-key", "", "key the sandbox accepts (default sk_sandbox_0000)")
	fl.DurationVar(&s.TaskDuration, "task-duration", DefaultTaskDuration, "time from submit to the final status")
	fl.Float64Var(&s.FailRate, "fail-rate", 0, "probability a task fails (a prompt containing [fail] always fails)")
	fl.IntVar(&s.Submit429First, "submit-429-first", 0, "answer the first N submits with 429")
	fl.IntVar(&s.Submit5xxFirst, "submit-5xx-first", 0, "answer the first N submits with 500")
	fl.IntVar(&s.Result429First, "result-429-first", 0, "answer the first N task-result reads with 429")
	fl.IntVar(&s.Result5xxFirst, "result-5xx-first", 0, "answer the first N task-result reads with 500")
	fl.Float64Var(&s.Submit429Rate, "submit-429-rate", 0, "probability a submit gets 429")
	fl.Float64Var(&s.Submit5xxRate, "submit-5xx-rate", 0, "probability a submit gets 500")
	fl.Float64Var(&s.Result429Rate, "result-429-rate", 0, "probability a task-result read gets 429")
	fl.Float64Var(&s.Result5xxRate, "result-5xx-rate", 0, "probability a task-result read gets 500")
	fl.DurationVar(&s.RetryAfter, "retry-after", 0, "Retry-After on injected 429s (default 1s)")
	fl.IntVar(&s.RateLimitPerMinute, "rate-limit", 0, "images (or tasks) per minute per endpoint, 0 = unlimited")
	fl.BoolVar(&s.WebhookDrop, "webhook-drop", false, "never deliver webhooks")
	fl.Float64Var(&s.WebhookDropRate, "webhook-drop-rate", 0, "probability a task's webhook is never delivered")
	fl.BoolVar(&s.WebhookDuplicate, "webhook-duplicate", false, "deliver every webhook twice")
	fl.DurationVar(&s.WebhookDelay, "webhook-delay", 0, "delay before the first webhook attempt")
	fl.DurationVar(&s.WebhookRetryBackoff, "webhook-retry-backoff", 0, "base backoff between webhook retries (default 1s)")
	fl.Int64Var(&s.DownloadCutAfter, "download-cut-after", 0, "cut each output download once after N bytes")
	fl.Int64Var(&s.DownloadBytesPerSec, "download-rate", 0, "limit downloads to N bytes per second")
	fl.Int64Var(&s.VideoPadBytes, "video-pad-bytes", 0, "pad MP4 outputs to N bytes (large-download tests)")
	fl.IntVar(&s.MaxMediaSide, "max-media-side", 0, "scale images and videos down so neither side exceeds N pixels (0 = the requested size); keeps test runs light")
	fl.DurationVar(&s.URLTTL, "url-ttl", 0, "lifetime of output URLs (default 1h)")
	fl.BoolVar(&s.TTLAsString, "ttl-as-string", false, "send *_url_ttl as a string, as some API answers do")
	fl.Uint64Var(&s.Seed, "seed", 0, "seed for the random knobs and the seeds drawn for seed -1 (0: a random seed -1 draw every run)")
	for _, name := range []string{"addr", "api-key", "task-duration", "retry-after", "webhook-delay", "url-ttl", "seed", "max-media-side"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cmdutil.NoCompletions)
	}
	return cmd
}

// runSandbox serves the simulator until ctx ends (Ctrl-C).
func runSandbox(ctx context.Context, o *Options) error {
	io := o.IO
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
	if ready := o.Ready; ready != nil {
		select {
		case ready <- sb.URL():
		case <-ctx.Done():
		}
	}
	<-ctx.Done()
	io.Statusf("sandbox: stopped")
	return nil
}
