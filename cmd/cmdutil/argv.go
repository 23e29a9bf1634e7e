package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// WordIndex finds, in a raw command line, the first word that is not a flag or a flag's value, as
// cobra does when it looks for subcommands: fs says which flags take a value (a flag it does not know
// takes the next word, as cobra assumes), and the words that lead to a command in a completion or
// help request (__complete, help) are skipped. from is where to start; -1: no such word (or "--").
// Both submit (its task word) and rerun (its task id) find their word this way, so spaced global
// flags (--base-url URL) work before either.
func WordIndex(fs *pflag.FlagSet, args []string, from int) int {
	for i := from; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return -1
		case strings.HasPrefix(a, "--"):
			if !strings.Contains(a, "=") && TakesValue(fs.Lookup(a[2:])) {
				i++
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			if len(a) == 2 && TakesValue(fs.ShorthandLookup(a[1:])) {
				i++
			}
		case a == cobra.ShellCompRequestCmd || a == cobra.ShellCompNoDescRequestCmd || a == "help":
		default:
			return i
		}
	}
	return -1
}

// CommandIndex is where the command word name stands in args, after global flags only (globals, the
// root's persistent flags); -1 when the command line runs another command.
func CommandIndex(globals *pflag.FlagSet, args []string, name string) int {
	if globals == nil {
		globals = pflag.NewFlagSet("none", pflag.ContinueOnError)
	}
	i := WordIndex(globals, args, 0)
	if i < 0 || args[i] != name {
		return -1
	}
	return i
}

// TakesValue mirrors cobra's rule while it looks for subcommands: a flag it does not know, and any
// flag that is not a switch (--wait is one), takes the next word as its value.
func TakesValue(fl *pflag.Flag) bool { return fl == nil || fl.NoOptDefVal == "" }
