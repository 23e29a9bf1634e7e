// Command benchtool measures the performance and reliability targets of the novita CLI on this machine
// and prints a table of medians, each with its target and whether it was met. Everything runs against
// sandboxes on loopback (127.0.0.1), in-process or (for the batches) a separate `novita sandbox`
// process; nothing leaves the machine. scripts/bench runs it; see
// docs/performance.md for what each row means.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

type config struct {
	root  string // module root
	bin   string // the CLI built with -trimpath -ldflags "-s -w"
	tmp   string // scratch directory, removed at the end
	quick bool   // shorter runs for a smoke test

	prebuilt string // -bin: a binary to measure instead of building one
}

func main() {
	var c config
	only := flag.String("only", "lag,download,receiver,startup,batch,ui", "comma-separated sections to run")
	md := flag.String("md", "", "also write the table as Markdown to this file")
	flag.StringVar(&c.root, "root", ".", "module root")
	flag.BoolVar(&c.quick, "quick", false, "short runs (smoke test of the tool itself; figures are rough)")
	flag.StringVar(&c.prebuilt, "bin", "", "measure this novita binary instead of building one (e.g. an older build, to compare)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, &c, *only, *md); err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c *config, only, md string) error {
	var err error
	if c.root, err = filepath.Abs(c.root); err != nil {
		return err
	}
	if c.tmp, err = os.MkdirTemp("", "novita-bench-"); err != nil {
		return err
	}
	defer os.RemoveAll(c.tmp)
	if c.prebuilt != "" {
		if c.bin, err = filepath.Abs(c.prebuilt); err != nil {
			return err
		}
	} else {
		c.bin = filepath.Join(c.tmp, "novita")
		logf("building %s", c.bin)
		build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", c.bin, ".")
		build.Dir, build.Stdout, build.Stderr = c.root, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}

	sections := map[string]func(context.Context, *config) ([]row, error){
		"lag": lagRows, "download": downloadRows, "receiver": receiverRows, "startup": startupRows, "batch": batchRows, "ui": uiRows,
	}
	var rows []row
	for _, name := range strings.Split(only, ",") {
		f := sections[strings.TrimSpace(name)]
		if f == nil {
			return fmt.Errorf("unknown section %q", name)
		}
		start := time.Now()
		logf("section %s", name)
		rs, err := f(ctx, c)
		if err != nil {
			rows = append(rows, row{Name: name, Value: "error: " + err.Error(), Status: statusMissed})
		}
		rows = append(rows, rs...)
		logf("section %s done in %s", name, time.Since(start).Round(time.Second))
	}
	machine := machineLine()
	fmt.Println(machine)
	printTable(os.Stdout, rows)
	if md != "" {
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n\n", machine)
		writeMarkdown(&b, rows)
		if err := os.WriteFile(md, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	for _, r := range rows {
		if r.Status == statusMissed {
			return fmt.Errorf("some targets were missed")
		}
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func machineLine() string {
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.TrimPrefix(strings.SplitN(string(b), "\n", 2)[0], "MemTotal:"), "%d", &kb)
		mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
	}
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				cpu = ", " + strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	return fmt.Sprintf("machine: %s/%s, %d cores%s%s, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), mem, cpu, runtime.Version())
}
