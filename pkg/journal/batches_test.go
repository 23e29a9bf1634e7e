package journal

import (
	"context"
	"slices"
	"testing"
	"time"
)

// A batch's plan survives a reopen (another process), keeps its lines exactly (runs or not), and is
// recorded once: a second record for the same id changes nothing.
func TestBatchPlanRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	j := Open(dir)
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	lines := []int{7, 1, 2, 3, 5, 9, 10, 11, 12}
	if err := j.RecordBatchPlan(ctx, BatchPlan{ID: "b-1", File: "prompts.txt", CreatedAt: at, Lines: lines}); err != nil {
		t.Fatal(err)
	}
	if err := j.RecordBatchPlan(ctx, BatchPlan{ID: "b-1", File: "other.txt", Lines: []int{99}}); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	j = Open(dir)
	defer j.Close()
	p, ok, err := j.BatchPlanOf(ctx, "b-1")
	if err != nil || !ok {
		t.Fatalf("plan: %v %v", ok, err)
	}
	if p.File != "prompts.txt" || !p.CreatedAt.Equal(at) || !slices.Equal(p.Lines, []int{1, 2, 3, 5, 7, 9, 10, 11, 12}) {
		t.Errorf("plan %+v", p)
	}
	if _, ok, err := j.BatchPlanOf(ctx, "b-unknown"); ok || err != nil {
		t.Errorf("unknown batch: %v %v", ok, err)
	}
	if err := j.RecordBatchPlan(ctx, BatchPlan{}); err == nil {
		t.Errorf("a plan without an id was recorded")
	}
}

// A plan of a large batch is stored as runs, not one number per line.
func TestBatchPlanIsCompact(t *testing.T) {
	lines := make([]int, 16000)
	for i := range lines {
		lines[i] = i + 1
	}
	if runs := runsOf(lines); len(runs) != 1 || runs[0] != [2]int{1, 16000} {
		t.Errorf("runs %v", runs)
	}
	if got := linesOf(runsOf([]int{3, 3, 4})); !slices.Equal(got, []int{3, 4}) {
		t.Errorf("lines %v", got)
	}
}
