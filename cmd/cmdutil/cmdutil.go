// Package cmdutil holds what several commands share in their wiring: argument validators whose errors
// are usage errors, enum flags with completion, and the receiver, tunnel and output flag sets.
package cmdutil

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/novita-cli/novita/pkg/clierr"
)

// UsageArgs wraps a cobra argument validator so its errors exit 2 with a pointer to the help.
func UsageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			// cobra's words ("accepts 1 arg(s), received 0") name no argument: the usage line does.
			hint := "usage: " + strings.TrimSuffix(cmd.UseLine(), " [flags]")
			return clierr.WithHint(clierr.KindUsage, err, hint+"; see: "+cmd.CommandPath()+" --help")
		}
		return nil
	}
}

// NoCompletions offers nothing, not even file names.
func NoCompletions(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// FixedCompletions offers a fixed list of values.
func FixedCompletions(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// NoFileCompletions registers NoCompletions for flags whose values cannot be guessed.
func NoFileCompletions(cmd *cobra.Command, names ...string) {
	for _, n := range names {
		_ = cmd.RegisterFlagCompletionFunc(n, NoCompletions)
	}
}

// StringEnumFlag defines a string flag that accepts only one of values (case-insensitive) and
// completes them, as gh does: a wrong value is a flag error (exit 2) naming the valid ones.
func StringEnumFlag(cmd *cobra.Command, p *string, name, short, def string, values []string, usage string) *pflag.Flag {
	*p = def
	val := &enumValue{p: p, values: values}
	f := cmd.Flags().VarPF(val, name, short, fmt.Sprintf("%s: {%s}", usage, strings.Join(values, "|")))
	_ = cmd.RegisterFlagCompletionFunc(name, FixedCompletions(values...))
	return f
}

type enumValue struct {
	p      *string
	values []string
}

func (e *enumValue) Set(v string) error {
	for _, ok := range e.values {
		if strings.EqualFold(v, ok) {
			*e.p = ok
			return nil
		}
	}
	return fmt.Errorf("valid values are %s", strings.Join(e.values, ", "))
}

func (e *enumValue) String() string { return *e.p }
func (e *enumValue) Type() string   { return "string" }

// TimeoutFlag defines a duration flag that refuses negative values; 0 means no limit (said in the
// help), so `--timeout -5s` is a usage error rather than a silent "wait forever".
func TimeoutFlag(cmd *cobra.Command, p *time.Duration, name string, def time.Duration, usage string) {
	*p = def
	cmd.Flags().Var(&timeoutValue{p: p}, name, usage+" (0 = no limit)")
	_ = cmd.RegisterFlagCompletionFunc(name, NoCompletions)
}

type timeoutValue struct{ p *time.Duration }

func (t *timeoutValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration such as 90s, 30m or 2h")
	}
	if d < 0 {
		return fmt.Errorf("a timeout cannot be negative (0 means no limit)")
	}
	*t.p = d
	return nil
}

func (t *timeoutValue) String() string { return t.p.String() }
func (t *timeoutValue) Type() string   { return "duration" }

// CheckHTTPURL refuses a flag value that is not an absolute http(s) URL with a host.
func CheckHTTPURL(flag, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return clierr.Usagef("%s %q is not an http(s) URL (example: http://localhost:3000/hooks/novita)", flag, raw)
	}
	return nil
}
