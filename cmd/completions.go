package cmd

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/config"
	"github.com/novita-cli/novita/pkg/journal"
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

// flagCompletion offers values for typed flags that have a known set, and files for image inputs.
func flagCompletion(name string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	switch name {
	case "image", "mask":
		return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveDefault
		}
	case "sampler":
		return fixedCompletions("Euler a", "Euler", "DPM++ 2M Karras", "DPM++ SDE Karras", "DDIM", "UniPC", "LMS", "Heun")
	case "voice":
		return fixedCompletions("Emily", "James", "Olivia", "Michael", "Sarah", "John")
	case "language":
		return fixedCompletions("en-US", "zh-CN", "ja-JP")
	case "video-type":
		return fixedCompletions("mp4", "gif")
	case "audio-type":
		return fixedCompletions("wav", "mp3")
	}
	return noCompletions
}

// taskIDCompletion offers task ids from the journal, newest first, described by task and status.
func (r *runner) taskIDCompletion(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	j := journal.Open(journal.Dir(r.deps.Getenv))
	entries, err := j.Entries(nil)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, e := range entries {
		if len(out) >= 50 {
			break
		}
		out = append(out, e.TaskID+"\t"+strings.TrimSpace(e.Task+" "+strings.TrimPrefix(e.Status, "TASK_STATUS_")))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// configKeyCompletion offers config keys.
func configKeyCompletion(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, k := range config.Keys() {
		out = append(out, k.Name+"\t"+k.Help)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
