package cmd

import (
	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/app"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
)

func (r *runner) newSubmitCmd() *cobra.Command {
	var (
		o      app.SubmitOptions
		typed  = map[string]*string{}
		lists  = map[string]*[]string{}
		tun    tunnelFlagValues
		dl     downloadFlagValues
		imgTyp string
		bo     app.BatchOptions
	)
	cmd := &cobra.Command{
		Use:   "submit <task>",
		Short: "Submit an async task, optionally wait for it and download the outputs",
		Long: `Submit one async task. <task> is a catalog name (see the list below) or any other endpoint
name under /v3/async/ (the body then comes from --data and --set).

The body is built from catalog defaults, then typed flags, then --data (merged), then each
--set path=value and --set-file path=file. For extra+request tasks (txt2img, ...) a --set path
that does not start with "extra." or "request." is taken under "request.".

Known tasks: ` + joinNames() + `

With --wait, a webhook receiver is opened behind a tunnel (see --tunnel), the task is submitted
with extra.webhook.url pointing at it, and polling runs as a safety net; the outputs are then
downloaded and their paths printed on stdout.

With --batch FILE (or - for stdin), each line is one task: a JSON object merged onto the body
built from the flags, or plain text used as the prompt; blank lines and # comments are skipped.
All tasks share one receiver and one poller; resume with: novita wait --batch <batch-id>.`,
		Example: `  $ novita submit txt2img --prompt "a cat" --wait
  $ novita submit txt2img --prompt "a cat" -n 4 --wait -o "cats/{index}.{ext}"
  $ novita submit img2img --image photo.jpg --prompt "watercolour" --wait
  $ novita submit txt2speech --text "Hello there" --voice Emily --wait
  $ novita submit wan-t2v --prompt "a paper boat" --wait --timeout 1h
  $ novita submit txt2img --data @body.json --set request.steps=30 --dry-run
  $ novita submit txt2img --batch prompts.txt --wait --concurrency 8 -o "out/{line}-{index}.{ext}"`,
		Args: usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []string
			for _, t := range catalog.All() {
				out = append(out, t.Name+"\t"+t.Description)
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := r.resolve(cmd)
			if err != nil {
				return err
			}
			o.Task = args[0]
			o.Input.Flags = map[string]string{}
			o.Input.Lists = map[string][]string{}
			for name, v := range typed {
				if cmd.Flags().Changed(name) {
					o.Input.Flags[name] = *v
				}
			}
			for name, v := range lists {
				if cmd.Flags().Changed(name) {
					o.Input.Lists[name] = *v
				}
			}
			if cmd.Flags().Changed("image-type") {
				o.Input.Flags["image-type"] = imgTyp
			}
			o.Input.Stdin = r.deps.IO.In
			o.Tunnel = resolveTunnel(cmd, r.deps.Getenv, e.Config, tun)
			o.Download = dl.flags()
			if cmd.Flags().Changed("batch") {
				return app.RunBatch(cmd.Context(), e, o, bo)
			}
			if cmd.Flags().Changed("concurrency") || cmd.Flags().Changed("skip-invalid") {
				return clierr.Usagef("--concurrency and --skip-invalid go with --batch FILE")
			}
			return app.RunSubmit(cmd.Context(), e, o)
		},
	}
	f := cmd.Flags()
	for _, spec := range catalog.FlagSpecs() {
		if spec.Name == "image-type" {
			continue
		}
		if isListFlag(spec.Name) {
			v := new([]string)
			lists[spec.Name] = v
			f.StringArrayVarP(v, spec.Name, spec.Shorthand, nil, spec.Usage)
		} else {
			v := new(string)
			typed[spec.Name] = v
			f.StringVarP(v, spec.Name, spec.Shorthand, "", spec.Usage)
		}
		_ = cmd.RegisterFlagCompletionFunc(spec.Name, flagCompletion(spec.Name))
	}
	f.StringVar(&imgTyp, "image-type", "", "output image format: png, jpeg, webp")
	_ = cmd.RegisterFlagCompletionFunc("image-type", fixedCompletions("png", "jpeg", "webp"))
	f.StringVar(&o.Input.Data, "data", "", "whole request body: JSON, @file or - (stdin), merged over the defaults")
	f.StringArrayVar(&o.Input.Sets, "set", nil, "set a body field: path=value (JSON when valid JSON, else a string); repeatable")
	f.StringArrayVar(&o.Input.SetFiles, "set-file", nil, "set a body field to a file's base64: path=file; repeatable")
	f.StringVar(&o.WebhookURL, "webhook-url", "", "ask Novita to deliver the result webhook to your own endpoint")
	f.BoolVar(&o.DryRun, "dry-run", false, "print the body that would be sent (base64 elided) and send nothing")
	f.BoolVarP(&o.Wait, "wait", "w", false, "wait for the task to end, then download its outputs")
	f.DurationVar(&o.Timeout, "timeout", defaultTimeout, "how long --wait waits before giving up (the task keeps running)")
	f.StringVar(&bo.File, "batch", "", "submit one task per line of FILE (- = stdin): a JSON object merged onto the body, or a prompt")
	f.IntVar(&bo.Concurrency, "concurrency", 4, "with --batch: submissions (and result reads) in flight")
	f.BoolVar(&bo.SkipInvalid, "skip-invalid", false, "with --batch: submit the valid lines even when some are invalid")
	addTunnelFlags(cmd, &tun)
	addDownloadFlags(cmd, &dl, true)
	_ = cmd.RegisterFlagCompletionFunc("webhook-url", noCompletions)
	_ = cmd.RegisterFlagCompletionFunc("set", noCompletions)
	_ = cmd.RegisterFlagCompletionFunc("timeout", noCompletions)
	return cmd
}
