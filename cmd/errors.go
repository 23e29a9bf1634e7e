package cmd

import (
	"errors"
	"fmt"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/words"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// wantsJSON reads --json from the command line itself, so even an error found before the flags were
// parsed (an unknown command or flag) is reported as a JSON document.
func wantsJSON(args []string, parsed bool) bool {
	if parsed {
		return true
	}
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--json", "--json=true", "--json=1":
			return true
		}
	}
	return false
}

// report tells the user what went wrong: one line on stderr (and a hint line), plus with --json one
// error document on stdout unless the command already wrote its document there. The words come from
// cmdutil.Explain, shared with the tool errors of `novita mcp`.
func report(f *factory.Factory, jsonOut bool, err error) {
	io := f.IOStreams
	msg, hint := cmdutil.Explain(cmdutil.Advice(f), err)
	if jsonOut && !clierr.IsReported(err) {
		_ = iostreams.WriteJSON(io.Out, map[string]any{"error": taskview.NewErrorDoc(err, hint, f.Scrub)})
	}
	if lines := words.Lines(err); len(lines) > 1 {
		for _, line := range lines {
			io.Errorf("%s", iostreams.SafeLines(f.Scrub(line)))
		}
	} else {
		io.Errorf("%s", iostreams.SafeLines(msg))
	}
	if hint = iostreams.SafeLines(hint); hint != "" {
		fmt.Fprintln(io.ErrOut, hint)
	}
}
