// Command tasksbench measures `novita tasks` as a user runs it: a whole process (start, open the
// journal, query, print, exit) against a journal of 100k tasks, with the median and 90th percentile
// of many runs per command line, next to `novita version` (the process's fixed start-up cost). The
// target is under 50 ms per command for 100k tasks.
//
//	go run ./scripts/tasksbench                  # builds the CLI, 100k tasks, 30 runs per command
//	go run ./scripts/tasksbench -n 20000 -runs 10 -bin /tmp/novita
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 100_000, "tasks in the journal")
	runs := flag.Int("runs", 30, "runs per command line (after one warm-up)")
	bin := flag.String("bin", "", "a built novita binary (default: build this checkout)")
	keep := flag.Bool("keep", false, "keep the state directory (its path is printed)")
	flag.Parse()
	if err := run(*n, *runs, *bin, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "tasksbench:", err)
		os.Exit(1)
	}
}

// target is the issue's: `novita tasks` under 50 ms for 100k tasks.
const target = 50 * time.Millisecond

func run(n, runs int, bin string, keep bool) error {
	tmp, err := os.MkdirTemp("", "tasksbench-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("state directory:", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	if bin == "" {
		bin = filepath.Join(tmp, "novita")
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	state := filepath.Join(tmp, "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		return err
	}
	start := time.Now()
	imported, err := fill(state, n, time.Now())
	if err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	info, err := os.Stat(filepath.Join(state, "novita.db"))
	if err != nil {
		return err
	}
	fmt.Printf("journal of %d tasks built in %s (import of the %d-task tasks.jsonl: %s); database %.1f MiB, %d bytes per task\n\n",
		n, time.Since(start).Round(time.Millisecond), n, imported.Round(time.Millisecond), float64(info.Size())/(1<<20), info.Size()/int64(n))

	env := append(os.Environ(), "NOVITA_STATE_DIR="+state, "HOME="+tmp, "XDG_CONFIG_HOME="+filepath.Join(tmp, "config"))
	first := exec.Command(bin, "tasks", "--limit", "1", "--json")
	first.Env = env
	newest, err := first.Output()
	if err != nil {
		return fmt.Errorf("novita tasks: %w", err)
	}
	id := jsonField(string(newest), "task_id")
	cases := [][]string{
		{"version"},
		{"tasks"},
		{"tasks", "--json"},
		{"tasks", "fox"},
		{"tasks", "glacier", "canyon"},
		{"tasks", "--status", "failed"},
		{"tasks", "--task", "txt2img", "--since", "2d"},
		{"tasks", "--batch", "batch-500", "--limit", "0"},
		{"tasks", "--pending", "--limit", "0"},
		{"tasks", "show", id},
	}
	fmt.Printf("%-46s %9s %9s %8s  %s\n", "command (whole process)", "median", "p90", "lines", "target")
	for _, args := range cases {
		var times []time.Duration
		var lines int
		for k := range runs + 1 {
			cmd := exec.Command(bin, args...)
			cmd.Env = env
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			t0 := time.Now()
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("novita %s: %w\n%s", strings.Join(args, " "), err, errOut.String())
			}
			if k > 0 { // the first run warms the page cache
				times = append(times, time.Since(t0))
			}
			lines = strings.Count(out.String(), "\n")
		}
		slices.Sort(times)
		med, p90 := times[len(times)/2], times[len(times)*9/10]
		verdict := "-"
		if args[0] == "tasks" {
			verdict = "met"
			if med >= target {
				verdict = "MISSED"
			}
		}
		fmt.Printf("%-46s %9s %9s %8d  %s\n", "novita "+shorten(strings.Join(args, " ")), ms(med), ms(p90), lines, verdict)
	}
	return nil
}

func jsonField(doc, field string) string {
	_, rest, _ := strings.Cut(doc, `"`+field+`":"`)
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
