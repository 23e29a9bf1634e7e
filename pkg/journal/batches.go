package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// BatchPlan is what a batch set out to submit: the lines of its file that were to become tasks. A line
// of the plan without a task in the journal was never submitted (the batch stopped first, or the API
// refused it).
type BatchPlan struct {
	ID        string
	File      string // the batch file as given ("-" for stdin)
	CreatedAt time.Time
	Lines     []int // ascending
}

// RecordBatchPlan stores a batch's plan before its first submit. A batch id is recorded once: a plan
// already there is kept.
func (j *Journal) RecordBatchPlan(ctx context.Context, p BatchPlan) error {
	if p.ID == "" {
		return errors.New("journal: a batch plan without an id")
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = j.now()
	}
	lines, err := json.Marshal(runsOf(p.Lines))
	if err != nil {
		return err
	}
	return j.write(ctx, "record batch "+p.ID+" in", func(w *wtx) error {
		return w.exec(`INSERT INTO batches (id, file, created_at, lines) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			p.ID, p.File, millis(p.CreatedAt), string(lines))
	})
}

// BatchPlanOf returns the plan of batch id; false when none was recorded (a batch of an older release).
func (j *Journal) BatchPlanOf(ctx context.Context, id string) (BatchPlan, bool, error) {
	var p BatchPlan
	var found bool
	err := j.read(func(db *sql.DB) error {
		var created int64
		var lines string
		err := db.QueryRowContext(ctx, `SELECT file, created_at, lines FROM batches WHERE id = ?`, id).Scan(&p.File, &created, &lines)
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
		found, p.ID, p.CreatedAt, p.Lines = true, id, fromMillis(created), linesOf(runs)
		return nil
	})
	return p, found, err
}

// runsOf compresses line numbers into [first, last] runs: a batch of 16,000 lines is one pair.
func runsOf(lines []int) [][2]int {
	ls := slices.Clone(lines)
	slices.Sort(ls)
	ls = slices.Compact(ls)
	runs := [][2]int{}
	for _, l := range ls {
		if n := len(runs); n > 0 && runs[n-1][1] == l-1 {
			runs[n-1][1] = l
			continue
		}
		runs = append(runs, [2]int{l, l})
	}
	return runs
}

func linesOf(runs [][2]int) []int {
	var out []int
	for _, r := range runs {
		for l := r[0]; l <= r[1] && l-r[0] < maxPlanLines; l++ {
			out = append(out, l)
		}
	}
	return out
}

// maxPlanLines bounds one run when reading a plan back: a damaged row must not allocate without end.
const maxPlanLines = 10_000_000
