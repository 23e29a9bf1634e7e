package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// childRun is one finished child process.
type childRun struct {
	wall   time.Duration
	maxRSS int64 // bytes
	cpu    time.Duration
	stdout []byte
}

// runChild runs name with args in dir and measures its wall time, peak RSS and CPU time (wait4 rusage).
func runChild(ctx context.Context, dir string, env []string, name string, args ...string) (childRun, error) {
	c := exec.CommandContext(ctx, name, args...)
	var out, errOut bytes.Buffer
	c.Dir, c.Env, c.Stdout, c.Stderr = dir, env, &out, &errOut
	start := time.Now()
	if err := c.Start(); err != nil {
		return childRun{}, fmt.Errorf("%s %v: %w", filepath.Base(name), args, err)
	}
	hwm := watchHWM(c.Process.Pid)
	err := c.Wait()
	wall := time.Since(start)
	peak := hwm()
	if err != nil {
		return childRun{}, fmt.Errorf("%s %v: %w\n%s", filepath.Base(name), args, err, errOut.String())
	}
	ru, _ := c.ProcessState.SysUsage().(*syscall.Rusage)
	r := childRun{wall: wall, stdout: out.Bytes(), maxRSS: peak}
	if ru != nil {
		if r.maxRSS == 0 {
			r.maxRSS = ru.Maxrss << 10 // KiB on Linux
		}
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return r, nil
}

// watchHWM samples the child's peak resident set (VmHWM in /proc/<pid>/status) until the returned
// function is called, and returns the largest value seen, in bytes (0 where /proc is missing). wait4's
// ru_maxrss cannot be used: Linux counts in it the parent's resident set at fork time, before exec, so
// a child of a large benchtool process would report the benchtool's size.
func watchHWM(pid int) func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	read := func() {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				var kib int64
				if _, err := fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kib); err == nil && kib<<10 > peak.Load() {
					peak.Store(kib << 10)
				}
			}
		}
	}
	go func() {
		defer close(stopped)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}

// cliEnv is a clean environment for the built CLI pointed at sb, with its own HOME and state.
func cliEnv(dir string, sb *sandbox.Server) ([]string, error) {
	if sb == nil {
		return cliEnvFor(dir, "", "")
	}
	return cliEnvFor(dir, sb.URL(), sb.APIKey())
}

// cliEnvFor is cliEnv for an API at baseURL (none when empty), such as a sandbox in its own process.
func cliEnvFor(dir, baseURL, apiKey string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"NOVITA_STATE_DIR=" + filepath.Join(dir, "state"), "NO_COLOR=1"}
	if baseURL != "" {
		env = append(env, "NOVITA_BASE_URL="+baseURL, "NOVITA_API_KEY="+apiKey)
	}
	return env, nil
}
