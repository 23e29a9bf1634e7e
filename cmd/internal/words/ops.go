package words

import (
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/preview"
)

// wordOps words the task pipeline's and the terminal's errors by the flags that set their limits.
func wordOps(err error) (string, bool) {
	if e, ok := as[*lifecycle.DownloadTimeoutError](err); ok {
		return fmt.Sprintf("task %s: the outputs did not finish downloading within --timeout %s: %s", e.TaskID, e.Timeout, worded(e.Err)), true
	}
	if e, ok := as[*lifecycle.NoProvenanceError](err); ok {
		return fmt.Sprintf("--metadata %s: %s is not a file, so nothing is recorded in or beside it (save to a file with -o to keep the provenance)", e.Mode, e.Target), true
	}
	if e, ok := as[*preview.ModeError](err); ok {
		return fmt.Sprintf("invalid preview mode %q (--preview or config key preview): use one of %s", e.Value, strings.Join(preview.Modes(), ", ")), true
	}
	return "", false
}
