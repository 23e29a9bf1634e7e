package cmd

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/clierr"
)

const defaultSandboxTaskDuration = 2 * time.Second

// newRootCmd builds the command tree for one run.
func (r *runner) newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "novita",
		Short: "Submit Novita AI tasks, wait for them via webhooks and download the results",
		Long: `novita works with Novita AI's asynchronous V3 APIs (images, video, audio).

It submits a task, receives the result webhook through a temporary tunnel (or polls),
and downloads the outputs. It also debugs webhooks (listen, test-event) and ships a
local Novita-compatible simulator (--sandbox) so everything works offline.`,
		Example: `  $ novita --sandbox submit txt2img --prompt "a lighthouse at dusk" --wait
  $ novita submit txt2img --prompt "a cat" --wait -o cat.png
  $ novita listen --forward-to http://localhost:3000/hooks/novita
  $ novita test-event --status FAILED`,
		Version:       r.deps.Build.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			r.applyIO(cmd)
		},
	}
	root.SetIn(r.deps.IO.In)
	root.SetOut(r.deps.IO.Out)
	root.SetErr(r.deps.IO.ErrOut)
	root.SetVersionTemplate(versionLine(r.deps.Build) + "\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return clierr.WithHint(clierr.KindUsage, err, "see: "+cmd.CommandPath()+" --help")
	})
	pf := root.PersistentFlags()
	pf.StringVar(&r.g.apiKey, "api-key", "", "API key (env NOVITA_API_KEY, config api_key)")
	pf.StringVar(&r.g.baseURL, "base-url", "", "API base URL (env NOVITA_BASE_URL, default https://api.novita.ai)")
	pf.StringVar(&r.g.configPath, "config", "", "config file (env NOVITA_CONFIG, default $XDG_CONFIG_HOME/novita/config.yaml)")
	pf.BoolVar(&r.g.json, "json", false, "machine-readable JSON on stdout")
	pf.BoolVar(&r.g.noColor, "no-color", false, "no ANSI colour (env NO_COLOR)")
	pf.BoolVarP(&r.g.quiet, "quiet", "q", false, "no progress or status lines on stderr")
	pf.BoolVar(&r.g.debug, "debug", false, "HTTP trace on stderr, secrets redacted (env NOVITA_DEBUG)")
	pf.BoolVar(&r.g.sb, "sandbox", false, "use the built-in simulator in-process: no key, no network (env NOVITA_SANDBOX)")

	root.AddGroup(
		&cobra.Group{ID: "tasks", Title: "Tasks:"},
		&cobra.Group{ID: "webhooks", Title: "Webhooks:"},
		&cobra.Group{ID: "local", Title: "Local:"},
		&cobra.Group{ID: "settings", Title: "Settings:"},
	)
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			root.AddCommand(c)
		}
	}
	add("tasks", r.newSubmitCmd(), r.newWaitCmd(), r.newResultCmd(), r.newTasksCmd())
	add("webhooks", r.newListenCmd(), r.newTestEventCmd())
	add("local", r.newSandboxCmd())
	add("settings", r.newConfigCmd(), r.newCompletionCmd(root), r.newVersionCmd())
	root.SetHelpCommandGroupID("settings")
	root.SetCompletionCommandGroupID("settings")
	return root
}
