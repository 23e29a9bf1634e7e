package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/journal"
)

// NeedJournal refuses to pay for a task the journal could not record: a task that is in no journal
// is in no `tasks --pending`, and nothing could resume it. Called before the first request, it is a
// usage error (exit 2) naming the cause and the command that clears it.
func NeedJournal(ctx context.Context, j *journal.Journal) error {
	err := j.CheckWritable(ctx)
	var ue *journal.UnwritableError
	if err == nil || !errors.As(err, &ue) {
		return err
	}
	p := ue.Path
	msg := fmt.Errorf("cannot record tasks in the journal %s, so nothing was submitted (a task it cannot record could not be resumed): %w", p, ue.Err)
	var hint string
	switch ue.Problem {
	case journal.ProblemCorrupt:
		hint = fmt.Sprintf("the file is damaged; move it aside and a new journal is started: mv %s %s.broken", shellQuote(p), shellQuote(p))
	case journal.ProblemNewer:
		hint = fmt.Sprintf("a newer novita wrote it: upgrade novita, or move it aside: mv %s %s.newer", shellQuote(p), shellQuote(p))
	default:
		hint = fmt.Sprintf("free space or fix the permissions of %s, or use another directory: export NOVITA_STATE_DIR=/path/to/dir "+
			"(or move the journal aside: mv %s %s.old)", shellQuote(filepath.Dir(p)), shellQuote(p), shellQuote(p))
	}
	return clierr.WithHint(clierr.KindUsage, msg, hint)
}

// shellQuote quotes a path for a command the user copies, when it needs quoting.
func shellQuote(s string) string {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-/:@+", c)) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
