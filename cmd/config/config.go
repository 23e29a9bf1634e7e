// Package config is the `novita config` command: read and edit the config file.
package config

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/config"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// Options is what `novita config <action>` was asked to do.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.File, error)
	Getenv func(string) string
	// Globals are the root's flags: --json, and --api-key and --base-url for list's sources.
	Globals factory.Globals

	Action   string // get|set|unset|list|path
	Key      string
	Value    string
	HasValue bool
	Reveal   bool // get: print a secret as it is
}

// NewCmdConfig builds `novita config` and its subcommands; runF replaces the run function in tests.
func NewCmdConfig(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
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
		Args: cmdutil.UsageArgs(cobra.NoArgs),
	}
	reveal := false
	sub := func(use, short, example string, args cobra.PositionalArgs, action string) *cobra.Command {
		c := &cobra.Command{Use: use, Short: short, Example: example, Args: cmdutil.UsageArgs(args),
			RunE: func(c *cobra.Command, args []string) error {
				o := &Options{IO: f.IOStreams, Config: f.Config, Getenv: f.Getenv, Globals: f.Globals, Action: action, Reveal: reveal}
				if len(args) > 0 {
					o.Key = args[0]
				}
				if len(args) > 1 {
					o.Value, o.HasValue = args[1], true
				}
				if runF != nil {
					return runF(c.Context(), o)
				}
				return runConfig(o)
			}}
		if action != "list" && action != "path" {
			c.ValidArgsFunction = keyCompletion
		}
		return c
	}
	get := sub("get <key>", "Print a setting from the config file (secrets redacted unless --reveal)",
		"  $ novita config get base_url\n  $ novita config get api_key --reveal", cobra.ExactArgs(1), "get")
	get.Flags().BoolVar(&reveal, "reveal", false, "print a secret (api_key, ngrok_authtoken) as it is")
	cmd.AddCommand(
		get,
		sub("set <key> [value]", "Save a setting (secrets are prompted without echo when no value is given)",
			"  $ novita config set api_key\n  $ echo \"$KEY\" | novita config set api_key\n  $ novita config set tunnel local", cobra.RangeArgs(1, 2), "set"),
		sub("unset <key>", "Remove a setting", "  $ novita config unset ngrok_authtoken", cobra.ExactArgs(1), "unset"),
		sub("list", "List every effective setting and its source: flag, env, file or default (secrets redacted)", "  $ novita config list", cobra.NoArgs, "list"),
		sub("path", "Print the config file's path", "  $ novita config path", cobra.NoArgs, "path"),
	)
	return cmd
}

// runConfig reads or edits the config file.
func runConfig(o *Options) error {
	io := o.IO
	f, err := o.Config()
	if err != nil {
		return err
	}
	jsonOut := o.Globals.JSON
	switch o.Action {
	case "path":
		if jsonOut {
			return iostreams.WriteJSON(io.Out, map[string]string{"path": f.Path})
		}
		fmt.Fprintln(io.Out, f.Path)
		return nil
	case "list":
		return listConfig(o, f)
	}
	if o.Action == "unset" {
		// Remove also cleans up keys this version does not know.
		removed, err := f.Remove(o.Key)
		if err != nil {
			return err
		}
		if !removed {
			io.Statusf("%s was not set in %s", o.Key, f.Path)
		} else {
			io.Statusf("removed %s from %s", o.Key, f.Path)
		}
		if jsonOut {
			return iostreams.WriteJSON(io.Out, map[string]any{"key": o.Key, "removed": removed, "path": f.Path})
		}
		return nil
	}
	k, ok := config.LookupKey(o.Key)
	if !ok {
		return clierr.Usagef("unknown config key %q (known keys: %s)", o.Key, knownKeys())
	}
	switch o.Action {
	case "get":
		v, ok := f.Get(k.Name)
		if !ok {
			return fmt.Errorf("%s is not set in %s", k.Name, f.Path)
		}
		if jsonOut {
			return iostreams.WriteJSON(io.Out, map[string]string{"key": k.Name, "value": k.Display(v, o.Reveal)})
		}
		fmt.Fprintln(io.Out, k.Display(v, o.Reveal))
		return nil
	case "set":
		v := o.Value
		if !o.HasValue {
			if v, err = readValue(io, k); err != nil {
				return err
			}
		}
		v = strings.TrimSpace(v)
		if v == "" {
			return clierr.Usagef("empty value for %s: to remove it run: novita config unset %s", k.Name, k.Name)
		}
		if err := f.Set(k.Name, v); err != nil {
			return err
		}
		io.Statusf("saved %s in %s", k.Name, f.Path)
		if jsonOut {
			return iostreams.WriteJSON(io.Out, map[string]any{"key": k.Name, "saved": true, "path": f.Path})
		}
		return nil
	}
	return clierr.Usagef("unknown config action %q (use get, set, unset, list or path)", o.Action)
}

// readValue prompts without echo on a terminal, and reads one line from stdin otherwise.
func readValue(io *iostreams.IOStreams, k config.Key) (string, error) {
	if io.InTTY && io.ReadSecret != nil {
		fmt.Fprintf(io.ErrOut, "%s: ", k.Name)
		v, err := io.ReadSecret()
		fmt.Fprintln(io.ErrOut)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", k.Name, err)
		}
		return v, nil
	}
	line, err := bufio.NewReader(io.In).ReadString('\n')
	if err != nil && line == "" {
		return "", clierr.Usagef("no value for %s on stdin: run novita config set %s <value>, or pipe it in", k.Name, k.Name)
	}
	return line, nil
}

func knownKeys() string {
	var names []string
	for _, k := range config.Keys() {
		names = append(names, k.Name)
	}
	return strings.Join(names, ", ")
}

// keyCompletion offers config keys.
func keyCompletion(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, k := range config.Keys() {
		out = append(out, k.Name+"\t"+k.Help)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
