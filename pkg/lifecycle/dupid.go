package lifecycle

import (
	"context"
	"fmt"
	"sync"

	"github.com/novita-cli/novita/pkg/iostreams"
)

// SharedTaskIDError is a batch line the API answered with the task id of another line: one task for
// two lines. The line is not journalled under that id (it would take the task from the first line)
// and not offered for a resubmit (it may have been billed).
type SharedTaskIDError struct {
	TaskID          string
	Line, FirstLine int
}

func (e *SharedTaskIDError) Error() string {
	return fmt.Sprintf("the API answered line %d with task id %s, which it had already given line %d: "+
		"one task for two lines (a protocol error); line %d was not recorded as a task of its own: "+
		"check your Novita console before submitting it again, since it may have been billed",
		e.Line, iostreams.Safe(e.TaskID), e.FirstLine, e.Line)
}

// taskIDs remembers which line each task id of a batch answered first.
type taskIDs struct {
	mu    sync.Mutex
	lines map[string]int
}

// claim records id for line; a different line that already holds id is a SharedTaskIDError.
func (t *taskIDs) claim(id string, line int) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lines == nil {
		t.lines = map[string]int{}
	}
	if first, ok := t.lines[id]; ok && first != line {
		return &SharedTaskIDError{TaskID: id, Line: line, FirstLine: first}
	}
	t.lines[id] = line
	return nil
}

// dropLine takes the line out of the batch's journalled plan, so no resume calls it unsent.
func (r *Runner) dropLine(batchID string, line int) {
	if r.Journal == nil || batchID == "" {
		return
	}
	if err := r.Journal.DropBatchLine(context.Background(), batchID, line); err != nil {
		r.observer().Warn(err)
	}
}
