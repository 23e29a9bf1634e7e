// Package root wires every command into the `novita` tree.
package root

import (
	"fmt"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/balance"
	cmdcatalog "github.com/novita-cli/novita/cmd/catalog"
	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/completion"
	cmdconfig "github.com/novita-cli/novita/cmd/config"
	"github.com/novita-cli/novita/cmd/doctor"
	"github.com/novita-cli/novita/cmd/factory"
	cmdlisten "github.com/novita-cli/novita/cmd/listen"
	cmdmcp "github.com/novita-cli/novita/cmd/mcp"
	cmdmodels "github.com/novita-cli/novita/cmd/models"
	"github.com/novita-cli/novita/cmd/rerun"
	"github.com/novita-cli/novita/cmd/result"
	cmdsandbox "github.com/novita-cli/novita/cmd/sandbox"
	"github.com/novita-cli/novita/cmd/submit"
	"github.com/novita-cli/novita/cmd/tasks"
	cmdtestevent "github.com/novita-cli/novita/cmd/testevent"
	"github.com/novita-cli/novita/cmd/train"
	cmdui "github.com/novita-cli/novita/cmd/ui"
	"github.com/novita-cli/novita/cmd/version"
	"github.com/novita-cli/novita/cmd/wait"
	"github.com/novita-cli/novita/pkg/clierr"
)

// NewCmdRoot builds the command tree for one command line, args, and sets them as the arguments it
// executes. Start-up stays fast: of the task commands, only the one args names is built from its spec
// (submit.Line), and rerun's flags are those of the task its reference names. Its PersistentPreRunE
// marks ran, so the caller can tell cobra's own validation errors (which come before it) from the
// commands' errors.
func NewCmdRoot(f *factory.Factory, local Local, ran *bool, args []string) *cobra.Command {
	return newCmdRoot(f, local, ran, args, false)
}

// Local is what the local commands take from the program's entry rather than from the factory, so
// that the factory, which every command imports, links none of it.
type Local struct {
	// MCPTransport, when set, is where `novita mcp` serves instead of stdio (a test hook: cmd.Deps).
	MCPTransport sdk.Transport
}

// NewCmdRootAll builds the full tree, every task command with its flags (for generated documentation:
// man pages, reference docs, help tests). Its commands are not meant to run.
func NewCmdRootAll(f *factory.Factory) *cobra.Command {
	ran := false
	return newCmdRoot(f, Local{}, &ran, nil, true)
}

func newCmdRoot(f *factory.Factory, local Local, ran *bool, args []string, all bool) *cobra.Command {
	g := &f.Globals
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
		Version:                    f.Build.Version,
		SuggestionsMinimumDistance: 2,
		SilenceErrors:              true,
		SilenceUsage:               true,
		Args:                       unknownCommand,
		RunE:                       func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			// cobra validates required flags and flag groups (MarkFlagsMutuallyExclusive) only after
			// this hook, with untyped errors: check them here, as usage errors.
			for _, check := range []func() error{cmd.ValidateRequiredFlags, cmd.ValidateFlagGroups} {
				if err := check(); err != nil {
					return clierr.WithHint(clierr.KindUsage, err, "see: "+cmd.CommandPath()+" --help")
				}
			}
			*ran = true
			g.Changed = cmd.Flags().Changed
			io := f.IOStreams
			io.SetColorDisabled(g.NoColor || f.Getenv("NO_COLOR") != "")
			io.Quiet = g.Quiet
			if !g.Changed("debug") && truthy(f.Getenv("NOVITA_DEBUG")) {
				g.Debug = true
			}
			if !g.Changed("sandbox") && truthy(f.Getenv("NOVITA_SANDBOX")) {
				g.Sbx = true
			}
			return nil
		},
	}
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	root.SetVersionTemplate(version.Line(f.Build) + "\n")
	root.SetFlagErrorFunc(cmdutil.FlagError)
	pf := root.PersistentFlags()
	pf.StringVar(&g.APIKey, "api-key", "", "API key (env NOVITA_API_KEY, config api_key)")
	pf.StringVar(&g.BaseURL, "base-url", "", "API base URL (env NOVITA_BASE_URL, default https://api.novita.ai)")
	pf.StringVar(&g.ConfigPath, "config", "", "config file (env NOVITA_CONFIG, default $XDG_CONFIG_HOME/novita/config.yaml)")
	pf.BoolVar(&g.JSON, "json", false, "machine-readable JSON on stdout")
	pf.BoolVar(&g.NoColor, "no-color", false, "no ANSI colour (env NO_COLOR)")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "no progress or status lines on stderr")
	pf.BoolVar(&g.Debug, "debug", false, "HTTP trace on stderr, secrets redacted (env NOVITA_DEBUG)")
	pf.BoolVar(&g.Sbx, "sandbox", false, "use the built-in simulator in-process: no key, no network (env NOVITA_SANDBOX)")

	root.AddGroup(
		&cobra.Group{ID: "tasks", Title: "Tasks:"},
		&cobra.Group{ID: "account", Title: "Account:"},
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
	args, task := submit.Line(args, pf) // the word naming the task made canonical, so that cobra finds it
	if !all {
		root.SetArgs(args)
	}
	add("tasks", submit.NewCmdSubmit(f, nil, submit.Build{Globals: pf, Task: task, All: all}), wait.NewCmdWait(f, nil),
		result.NewCmdResult(f, nil), tasks.NewCmdTasks(f, nil), rerun.NewCmdRerun(f, nil, args, pf), cmdcatalog.NewCmdCatalog(f, nil),
		train.NewCmdTrain(f, nil))
	add("account", cmdmodels.NewCmdModels(f, nil), balance.NewCmdBalance(f, nil))
	add("webhooks", cmdlisten.NewCmdListen(f, nil), cmdtestevent.NewCmdTestEvent(f, nil))
	add("local", cmdui.NewCmdUI(f, nil), cmdsandbox.NewCmdSandbox(f, nil), cmdmcp.NewCmdMcp(f, local.MCPTransport, nil))
	add("settings", cmdconfig.NewCmdConfig(f, nil), doctor.NewCmdDoctor(f, nil), completion.NewCmdCompletion(f.IOStreams, root, nil), version.NewCmdVersion(f, nil))
	root.SetHelpCommandGroupID("settings")
	root.SetCompletionCommandGroupID("settings")
	groupsRejectArgs(root)
	return root
}

// unknownCommand is the root's argument check: a word that is not a command is a usage error with
// cobra's suggestions, recognised by its type rather than by its text.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return clierr.WithHint(clierr.KindUsage, fmt.Errorf("%s", msg), "see: "+cmd.CommandPath()+" --help")
}

// groupsRejectArgs makes commands that only group others (config) answer an unknown word with a
// usage error instead of their help and exit 0.
func groupsRejectArgs(c *cobra.Command) {
	for _, sub := range c.Commands() {
		if sub.HasSubCommands() && !sub.Runnable() {
			sub.SuggestionsMinimumDistance = 2
			sub.Args = cmdutil.UsageArgs(unknownCommand)
			sub.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
		groupsRejectArgs(sub)
	}
}

func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}
