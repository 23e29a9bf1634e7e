package submit

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/pkg/catalog"
)

func joinNames() string { return strings.Join(catalog.Names(), ", ") }

// isListFlag reports whether some task maps the flag to a list (one element per occurrence).
func isListFlag(name string) bool {
	for _, t := range catalog.All() {
		if f, ok := t.Flag(name); ok && f.Type == catalog.TypeStringList {
			return true
		}
	}
	return false
}

// taskCompletion offers the catalog's task names, described.
func taskCompletion(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, t := range catalog.All() {
		out = append(out, t.Name+"\t"+t.Description)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// flagCompletion offers values for typed flags that have a known set, and files for image inputs.
func flagCompletion(name string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	switch name {
	case "image", "mask":
		return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveDefault
		}
	case "sampler":
		return cmdutil.FixedCompletions("Euler a", "Euler", "DPM++ 2M Karras", "DPM++ SDE Karras", "DDIM", "UniPC", "LMS", "Heun")
	case "voice":
		return cmdutil.FixedCompletions("Emily", "James", "Olivia", "Michael", "Sarah", "John")
	case "language":
		return cmdutil.FixedCompletions("en-US", "zh-CN", "ja-JP")
	case "video-type":
		return cmdutil.FixedCompletions("mp4", "gif")
	case "audio-type":
		return cmdutil.FixedCompletions("wav", "mp3")
	}
	return cmdutil.NoCompletions
}
