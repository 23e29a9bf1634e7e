package main

import (
	"context"
	"os/exec"
	"strings"
)

// batchRows measures `submit --batch` once the command has it; until then the row says so.
func batchRows(ctx context.Context, c *config) ([]row, error) {
	help, _ := exec.CommandContext(ctx, c.bin, "submit", "--help").CombinedOutput()
	if !strings.Contains(string(help), "--batch") {
		return []row{{Name: "batch: 1,000 tasks of 1 s at --concurrency 50", Value: "batch: not available (submit has no --batch yet)",
			Target: "-", Status: statusInfo}}, nil
	}
	return batchMeasure(ctx, c)
}
