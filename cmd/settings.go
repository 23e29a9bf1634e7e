package cmd

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/app"
	"github.com/novita-cli/novita/pkg/clierr"
)

func (r *runner) newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Read and edit the config file",
		Long: `Read and edit the config file ($XDG_CONFIG_HOME/novita/config.yaml unless --config or
NOVITA_CONFIG say otherwise). The file is written with mode 0600. Settings apply with the
precedence flag > environment > config file > default.`,
		Example: `  $ novita config set api_key
  $ novita config set base_url https://api.novita.ai
  $ novita config list
  $ novita config path`,
		Args: usageArgs(cobra.NoArgs),
	}
	run := func(action string) func(*cobra.Command, []string) error {
		return func(c *cobra.Command, args []string) error {
			f, err := r.configFile(c)
			if err != nil {
				return err
			}
			o := app.ConfigOptions{Action: action}
			if len(args) > 0 {
				o.Key = args[0]
			}
			if len(args) > 1 {
				o.Value, o.HasValue = args[1], true
			}
			e := &app.Env{IO: r.deps.IO, JSON: r.g.json, Config: f}
			return app.RunConfig(e, o)
		}
	}
	sub := func(use, short, example string, args cobra.PositionalArgs, action string) *cobra.Command {
		c := &cobra.Command{Use: use, Short: short, Example: example, Args: usageArgs(args), RunE: run(action)}
		if action != "list" && action != "path" {
			c.ValidArgsFunction = configKeyCompletion
		}
		return c
	}
	cmd.AddCommand(
		sub("get <key>", "Print a setting from the config file", "  $ novita config get base_url", cobra.ExactArgs(1), "get"),
		sub("set <key> [value]", "Save a setting (secrets are prompted without echo when no value is given)",
			"  $ novita config set api_key\n  $ echo \"$KEY\" | novita config set api_key\n  $ novita config set tunnel local", cobra.RangeArgs(1, 2), "set"),
		sub("unset <key>", "Remove a setting", "  $ novita config unset ngrok_authtoken", cobra.ExactArgs(1), "unset"),
		sub("list", "List the settings in the config file (secrets redacted)", "  $ novita config list", cobra.NoArgs, "list"),
		sub("path", "Print the config file's path", "  $ novita config path", cobra.NoArgs, "path"),
	)
	return cmd
}

func versionLine(b BuildInfo) string {
	return fmt.Sprintf("novita %s (commit %s, built %s, %s)", b.Version, orNone(b.Commit), orNone(b.Date), runtime.Version())
}

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func (r *runner) newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit, build date and Go version",
		Example: "  $ novita version\n  $ novita version --json",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := r.deps.Build
			if r.g.json {
				return writeJSON(r.deps.IO.Out, map[string]string{
					"version": b.Version, "commit": orNone(b.Commit), "date": orNone(b.Date), "go": runtime.Version(),
					"os": runtime.GOOS, "arch": runtime.GOARCH,
				})
			}
			fmt.Fprintln(r.deps.IO.Out, versionLine(b))
			return nil
		},
	}
}

func (r *runner) newCompletionCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print a shell completion script. Completions know task names, flag values and the task ids
in your journal. Packages install them for you; to load them by hand:

  bash:       source <(novita completion bash)
  zsh:        novita completion zsh > "${fpath[1]}/_novita"
  fish:       novita completion fish > ~/.config/fish/completions/novita.fish
  powershell: novita completion powershell | Out-String | Invoke-Expression`,
		Example:   "  $ novita completion bash > /etc/bash_completion.d/novita\n  $ novita completion zsh > \"${fpath[1]}/_novita\"",
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      usageArgs(cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs)),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := r.deps.IO.Out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, true)
			case "zsh":
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(w)
			}
			return clierr.Usagef("unknown shell %q: use bash, zsh, fish or powershell", args[0])
		},
	}
}
