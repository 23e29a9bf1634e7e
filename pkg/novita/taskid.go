package novita

import (
	"errors"
	"fmt"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// maxTaskIDBytes bounds a task id; Novita's are UUIDs (36 bytes).
const maxTaskIDBytes = 256

// ErrBadTaskID marks a submit answer whose task id cannot be used: it would be printed, journalled,
// put in file names and typed back by the user.
var ErrBadTaskID = errors.New("unusable task id")

// checkTaskID refuses a task id holding control characters (terminal escapes, line breaks), invalid
// UTF-8 or too many bytes, as a protocol error: nothing downstream could show or resume it safely.
// The id is shown escaped, with how to find the task that may have been created.
func checkTaskID(op, id string) error {
	if iostreams.Safe(id) == id && len(id) <= maxTaskIDBytes {
		return nil
	}
	shown := id
	if len(shown) > 80 {
		shown = shown[:80] + "..."
	}
	err := fmt.Errorf("%s: the API answered with a task id that holds control characters or is too long (%s, %d bytes, shown escaped): "+
		"a protocol error; it was not recorded or used: %w", op, iostreams.Safe(shown), len(id), ErrBadTaskID)
	return clierr.WithHint(clierr.KindGeneric, err,
		"a task may have been created and billed: look it up in your Novita console's task list before submitting again")
}
