package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// batchRSSTarget is the bound for the CLI process of a 16,000-task batch.
const batchRSSTarget = 80 << 20

// batchMeasure runs n one-second txt2img tasks through `submit --batch --concurrency 50 --wait` against
// a separate `novita sandbox` process and reports wall time, task-result reads per task, CPU per task
// and the CLI process's peak RSS (the sandbox's memory is not in it). A batch of 16,000 has the RSS
// target; smaller ones are for information.
func batchMeasure(ctx context.Context, c *config, n int) (row, error) {
	name := fmt.Sprintf("batch: %s tasks of 1 s at --concurrency 50 (separate sandbox)", thousands(n))
	sb, err := startSandbox(ctx, c, time.Second)
	if err != nil {
		return row{Name: name}, err
	}
	defer sb.stop()
	dir := filepath.Join(c.tmp, fmt.Sprintf("batch-%d", n))
	env, err := cliEnvFor(dir, sb.url, sb.key)
	if err != nil {
		return row{Name: name}, err
	}
	var lines strings.Builder
	for i := range n {
		fmt.Fprintf(&lines, `{"prompt":"batch %d","width":128,"height":128}`+"\n", i)
	}
	input := filepath.Join(dir, "batch.jsonl")
	if err := os.WriteFile(input, []byte(lines.String()), 0o644); err != nil {
		return row{Name: name}, err
	}
	r, err := runChild(ctx, dir, env, c.bin, "-q", "submit", "txt2img", "--batch", input, "--concurrency", "50", "--wait",
		"-o", filepath.Join(dir, "out", "{line}-{index}.{ext}"))
	if err != nil {
		return row{Name: name}, err
	}
	if saved := bytes.Count(r.stdout, []byte("\n")); saved != n {
		return row{Name: name}, fmt.Errorf("%d of %d outputs saved", saved, n)
	}
	_ = os.RemoveAll(dir) // 16,000 images: do not keep them until the end of the run
	reads := sb.log.count("/v3/async/task-result")
	out := row{Name: name, Target: "-", Status: statusInfo,
		Value: fmt.Sprintf("wall %s, %.2f task-result reads/task, %.1f ms CPU/task, peak RSS %s",
			r.wall.Round(10*time.Millisecond), float64(reads)/float64(n), float64(r.cpu.Microseconds())/1000/float64(n), mib(r.maxRSS))}
	if n >= 16000 {
		out.Target, out.Status = "< 80 MiB peak RSS", check(r.maxRSS < batchRSSTarget)
	}
	return out, nil
}

func thousands(n int) string {
	if n < 1000 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%d,%03d", n/1000, n%1000)
}
