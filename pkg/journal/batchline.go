package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// DropBatchLine takes a line out of a batch's plan: its submit was answered, so it must never be
// listed as "never submitted" (which invites submitting it again, paying twice), but it has no task
// of its own (the API gave it another line's task id).
func (j *Journal) DropBatchLine(ctx context.Context, id string, line int) error {
	return j.write(ctx, "update batch "+id+" in", func(w *wtx) error {
		var lines string
		err := w.scan(`SELECT lines FROM batches WHERE id = ?`, []any{id}, &lines)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var runs [][2]int
		if err := json.Unmarshal([]byte(lines), &runs); err != nil {
			return fmt.Errorf("batch %s: lines: %w", id, err)
		}
		kept := slices.DeleteFunc(linesOf(runs), func(l int) bool { return l == line })
		raw, err := json.Marshal(runsOf(kept))
		if err != nil {
			return err
		}
		return w.exec(`UPDATE batches SET lines = ? WHERE id = ?`, string(raw), id)
	})
}
