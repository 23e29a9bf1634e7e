package doctor

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// Completion looks for novita's completion in the user's shell ($SHELL): a script where the shell's
// completion system loads it from, or a line in the shell's rc file that sources it.
// readFile is os.ReadFile outside tests.
func Completion(getenv func(string) string, readFile func(string) ([]byte, error), fx Fixes) Check {
	return Check{Name: "completion", Run: func(context.Context) Result {
		shell := filepath.Base(getenv("SHELL"))
		home := getenv("HOME")
		data := getenv("XDG_DATA_HOME")
		if data == "" {
			data = filepath.Join(home, ".local", "share")
		}
		config := getenv("XDG_CONFIG_HOME")
		if config == "" {
			config = filepath.Join(home, ".config")
		}
		var files, rcs []string
		switch shell {
		case "bash":
			files = []string{filepath.Join(data, "bash-completion", "completions", "novita"),
				"/usr/share/bash-completion/completions/novita", "/usr/local/share/bash-completion/completions/novita",
				"/etc/bash_completion.d/novita"}
			rcs = []string{filepath.Join(home, ".bashrc"), filepath.Join(home, ".bash_profile")}
		case "zsh":
			files = []string{"/usr/share/zsh/vendor-completions/_novita", "/usr/local/share/zsh/site-functions/_novita",
				filepath.Join(home, ".zfunc", "_novita")}
			rcs = []string{filepath.Join(home, ".zshrc")}
		case "fish":
			files = []string{filepath.Join(config, "fish", "completions", "novita.fish"),
				"/usr/share/fish/vendor_completions.d/novita.fish"}
		case "", ".":
			return skip("the shell is unknown ($SHELL is not set)", fx.CompletionHelp)
		default:
			return skip(fmt.Sprintf("no completion check for %s", shell), fx.CompletionHelp)
		}
		for _, f := range files {
			if _, err := readFile(f); err == nil {
				return pass("%s completion installed in %s", shell, f)
			}
		}
		for _, rc := range rcs {
			if b, err := readFile(rc); err == nil && fx.CompletionLoader != "" && strings.Contains(string(b), fx.CompletionLoader) {
				return pass("%s completion loaded by %s", shell, rc)
			}
		}
		// Optional: a missing completion is said with its fix, but it does not fail doctor (exit 1)
		// for a newcomer whose setup otherwise works.
		install := ""
		if fx.Completion != nil {
			install = fx.Completion(shell, files[0])
		}
		return skip(fmt.Sprintf("no %s completion installed, optional (looked in %s)", shell, strings.Join(append(files, rcs...), ", ")), install)
	}}
}
