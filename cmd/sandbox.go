package cmd

import (
	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/app"
	"github.com/novita-cli/novita/pkg/clierr"
)

func (r *runner) newSandboxCmd() *cobra.Command {
	var o app.SandboxOptions
	s := &o.Options
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local Novita-compatible API simulator",
		Long: `Serve a local simulator of Novita's async API: auth and error bodies, the catalog's
endpoints with validation, the task lifecycle (QUEUED, PROCESSING with progress and eta,
SUCCEED or FAILED), real output files (PNG/JPEG images, WAV audio, MP4/GIF video) behind
presigned-style URLs that expire and support Range, webhook delivery with Novita's retry
policy, and test mode. It prints the two export lines that point novita at it.

The knobs make every bad day reproducible: failing tasks, 429 and 5xx, dropped, duplicated
or delayed webhooks, cut or slow downloads, short URL lifetimes.

The global --sandbox flag starts the same simulator inside one command instead; it forgets
its tasks when that command exits, so use "novita sandbox" for work across several commands.
The sandbox cannot encode webp: a webp request is answered 400.`,
		Example: `  $ novita sandbox
  $ novita sandbox --addr 127.0.0.1:9000 --api-key sk_local
  $ novita sandbox --task-duration 20s --fail-rate 0.2 --webhook-drop
  $ novita --sandbox submit txt2img --prompt "a cat" --wait`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			for name, v := range map[string]float64{"fail-rate": s.FailRate, "submit-429-rate": s.Submit429Rate,
				"submit-5xx-rate": s.Submit5xxRate, "result-429-rate": s.Result429Rate, "result-5xx-rate": s.Result5xxRate,
				"webhook-drop-rate": s.WebhookDropRate} {
				if v < 0 || v > 1 {
					return clierr.Usagef("--%s must be between 0 and 1, got %g", name, v)
				}
			}
			o.Ready = r.deps.SandboxReady
			return app.RunSandbox(cmd.Context(), r.deps.IO, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Addr, "addr", "127.0.0.1:8910", "address to listen on")
	f.StringVar(&s.APIKey, "api-key", "", "key the sandbox accepts (default sk_sandbox_0000)")
	f.DurationVar(&s.TaskDuration, "task-duration", defaultSandboxTaskDuration, "time from submit to the final status")
	f.Float64Var(&s.FailRate, "fail-rate", 0, "probability a task fails (a prompt containing [fail] always fails)")
	f.IntVar(&s.Submit429First, "submit-429-first", 0, "answer the first N submits with 429")
	f.IntVar(&s.Submit5xxFirst, "submit-5xx-first", 0, "answer the first N submits with 500")
	f.IntVar(&s.Result429First, "result-429-first", 0, "answer the first N task-result reads with 429")
	f.IntVar(&s.Result5xxFirst, "result-5xx-first", 0, "answer the first N task-result reads with 500")
	f.Float64Var(&s.Submit429Rate, "submit-429-rate", 0, "probability a submit gets 429")
	f.Float64Var(&s.Submit5xxRate, "submit-5xx-rate", 0, "probability a submit gets 500")
	f.Float64Var(&s.Result429Rate, "result-429-rate", 0, "probability a task-result read gets 429")
	f.Float64Var(&s.Result5xxRate, "result-5xx-rate", 0, "probability a task-result read gets 500")
	f.DurationVar(&s.RetryAfter, "retry-after", 0, "Retry-After on injected 429s (default 1s)")
	f.IntVar(&s.RateLimitPerMinute, "rate-limit", 0, "images (or tasks) per minute per endpoint, 0 = unlimited")
	f.BoolVar(&s.WebhookDrop, "webhook-drop", false, "never deliver webhooks")
	f.Float64Var(&s.WebhookDropRate, "webhook-drop-rate", 0, "probability a task's webhook is never delivered")
	f.BoolVar(&s.WebhookDuplicate, "webhook-duplicate", false, "deliver every webhook twice")
	f.DurationVar(&s.WebhookDelay, "webhook-delay", 0, "delay before the first webhook attempt")
	f.DurationVar(&s.WebhookRetryBackoff, "webhook-retry-backoff", 0, "base backoff between webhook retries (default 1s)")
	f.Int64Var(&s.DownloadCutAfter, "download-cut-after", 0, "cut each output download once after N bytes")
	f.Int64Var(&s.DownloadBytesPerSec, "download-rate", 0, "limit downloads to N bytes per second")
	f.Int64Var(&s.VideoPadBytes, "video-pad-bytes", 0, "pad MP4 outputs to N bytes (large-download tests)")
	f.DurationVar(&s.URLTTL, "url-ttl", 0, "lifetime of output URLs (default 1h)")
	f.BoolVar(&s.TTLAsString, "ttl-as-string", false, "send *_url_ttl as a string, as some API answers do")
	f.Uint64Var(&s.Seed, "seed", 0, "seed for the random knobs")
	for _, name := range []string{"addr", "api-key", "task-duration", "retry-after", "webhook-delay", "url-ttl", "seed"} {
		_ = cmd.RegisterFlagCompletionFunc(name, noCompletions)
	}
	return cmd
}
