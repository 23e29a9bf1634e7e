// Package completion is the `novita completion` command: shell completion scripts.
package completion

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// Options is which script `novita completion` prints, for which tree.
type Options struct {
	IO    *iostreams.IOStreams
	Root  *cobra.Command // the tree the script completes
	Shell string         // bash, zsh, fish or powershell
}

// NewCmdCompletion builds `novita completion bash|zsh|fish|powershell` for root's tree; runF replaces
// the run function in tests.
func NewCmdCompletion(ios *iostreams.IOStreams, root *cobra.Command, runF func(context.Context, *Options) error) *cobra.Command {
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
		Args:      cmdutil.UsageArgs(cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := &Options{IO: ios, Root: root, Shell: args[0]}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return run(o)
		},
	}
}

func run(o *Options) error {
	w, root := o.IO.Out, o.Root
	switch o.Shell {
	case "bash":
		return genBash(root, w)
	case "zsh":
		return root.GenZshCompletion(w)
	case "fish":
		return root.GenFishCompletion(w, true)
	}
	return root.GenPowerShellCompletionWithDesc(w)
}
