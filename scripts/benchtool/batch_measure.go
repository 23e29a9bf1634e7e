package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// batchMeasure runs 1,000 one-second txt2img tasks through `submit --batch --concurrency 50` against
// one sandbox and reports wall time, task-result reads per task and CPU seconds per task.
func batchMeasure(ctx context.Context, c *config) ([]row, error) {
	n := 1000
	if c.quick {
		n = 100
	}
	sb := sandbox.New(sandbox.Options{TaskDuration: time.Second})
	if err := sb.Start("127.0.0.1:0"); err != nil {
		return nil, err
	}
	defer sb.Close()
	dir := filepath.Join(c.tmp, "batch")
	env, err := cliEnv(dir, sb)
	if err != nil {
		return nil, err
	}
	var lines strings.Builder
	for i := range n {
		fmt.Fprintf(&lines, `{"prompt":"batch %d","width":128,"height":128}`+"\n", i)
	}
	input := filepath.Join(dir, "batch.jsonl")
	if err := os.WriteFile(input, []byte(lines.String()), 0o644); err != nil {
		return nil, err
	}
	r, err := runChild(ctx, dir, env, c.bin, "-q", "submit", "txt2img", "--batch", input, "--concurrency", "50", "--wait",
		"-o", filepath.Join(dir, "out", "{line}-{index}.{ext}"))
	if err != nil {
		return []row{{Name: "batch: 1,000 tasks of 1 s at --concurrency 50", Value: "error: " + err.Error(), Status: statusMissed}}, nil
	}
	reads := 0
	for _, q := range sb.Requests() {
		if q.Path == "/v3/async/task-result" {
			reads++
		}
	}
	return []row{{Name: fmt.Sprintf("batch: %d tasks of 1 s at --concurrency 50", n), Status: statusInfo,
		Value: fmt.Sprintf("wall %s, %.2f task-result reads/task, %.1f ms CPU/task, peak RSS %s",
			r.wall.Round(10*time.Millisecond), float64(reads)/float64(n), float64(r.cpu.Microseconds())/1000/float64(n), mib(r.maxRSS))}}, nil
}
