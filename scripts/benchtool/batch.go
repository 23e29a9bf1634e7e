package main

import (
	"context"
	"os/exec"
	"strings"
)

// batchRows measures `submit --batch` at 1,000 and 16,000 tasks (100 and 1,000 with -quick).
func batchRows(ctx context.Context, c *config) ([]row, error) {
	help, _ := exec.CommandContext(ctx, c.bin, "submit", "--help").CombinedOutput()
	if !strings.Contains(string(help), "--batch") {
		return []row{{Name: "batch", Value: "batch: not available (submit has no --batch yet)",
			Target: "-", Status: statusInfo}}, nil
	}
	sizes := []int{1000, 16000}
	if c.quick {
		sizes = []int{100, 1000}
	}
	var rows []row
	for _, n := range sizes {
		r, err := batchMeasure(ctx, c, n)
		if err != nil {
			r.Value, r.Status = "error: "+err.Error(), statusMissed
		}
		rows = append(rows, r)
	}
	return rows, nil
}
