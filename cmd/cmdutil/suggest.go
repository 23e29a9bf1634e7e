package cmdutil

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/textdist"
)

// UnknownFlag returns the flag an "unknown flag" parse error names, as the user typed it.
func UnknownFlag(err error) (string, bool) {
	var ne *pflag.NotExistError
	if !errors.As(err, &ne) {
		return "", false
	}
	if s := ne.GetSpecifiedShortnames(); s != "" {
		return "-" + ne.GetSpecifiedName(), true
	}
	return "--" + ne.GetSpecifiedName(), true
}

// SuggestFlag is the flag of cmd (its own and inherited, hidden ones excluded) closest to typed
// ("--promt" → "--prompt"): within an edit distance of about a third of the name, or the only flag the
// typed word starts. "" when nothing is close: a guess that is far off helps less than --help.
func SuggestFlag(cmd *cobra.Command, typed string) string {
	word := strings.TrimLeft(typed, "-")
	if word == "" || strings.HasPrefix(typed, "-") && !strings.HasPrefix(typed, "--") && len(word) == 1 {
		return ""
	}
	limit := max(1, min(3, len(word)/3))
	type cand struct {
		name string
		d    int
	}
	var best []cand
	var prefixed []string
	visit := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if d := textdist.Distance(strings.ToLower(word), f.Name, limit); d <= limit {
			best = append(best, cand{f.Name, d})
		}
		if len(word) >= 3 && strings.HasPrefix(f.Name, strings.ToLower(word)) {
			prefixed = append(prefixed, f.Name)
		}
	}
	seen := map[string]bool{}
	for _, fs := range []*pflag.FlagSet{cmd.LocalFlags(), cmd.InheritedFlags()} {
		fs.VisitAll(func(f *pflag.Flag) {
			if !seen[f.Name] {
				seen[f.Name] = true
				visit(f)
			}
		})
	}
	if len(best) > 0 {
		sort.SliceStable(best, func(i, j int) bool {
			return best[i].d < best[j].d || best[i].d == best[j].d && best[i].name < best[j].name
		})
		return "--" + best[0].name
	}
	if len(prefixed) == 1 {
		return "--" + prefixed[0]
	}
	return ""
}

// FlagError words a flag parse error as a usage error: an unknown flag gets "did you mean --x?" when
// one is close (never the whole list of flags), and always the pointer to the command's help.
func FlagError(cmd *cobra.Command, err error) error {
	help := "see: " + cmd.CommandPath() + " --help"
	if name, ok := UnknownFlag(err); ok {
		if s := SuggestFlag(cmd, name); s != "" {
			return clierr.WithHint(clierr.KindUsage, fmt.Errorf("unknown flag %s: did you mean %s?", name, s), help)
		}
		return clierr.WithHint(clierr.KindUsage, fmt.Errorf("unknown flag %s for %s", name, cmd.CommandPath()), help)
	}
	return clierr.WithHint(clierr.KindUsage, err, help)
}

// TaskIDArg requires exactly one task id, and says what to pass when it is missing.
func TaskIDArg() cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return clierr.WithHint(clierr.KindUsage,
				fmt.Errorf("%s needs a task id: %s <task-id>", cmd.CommandPath(), cmd.CommandPath()),
				"the id is the one submit printed; list recent ones with: novita tasks")
		case len(args) > 1:
			return clierr.WithHint(clierr.KindUsage,
				fmt.Errorf("%s takes one task id, got %d words", cmd.CommandPath(), len(args)), "see: "+cmd.CommandPath()+" --help")
		}
		return nil
	}
}
