package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	err := c.Run()
	wall := time.Since(start)
	if err != nil {
		return childRun{}, fmt.Errorf("%s %v: %w\n%s", filepath.Base(name), args, err, errOut.String())
	}
	ru, _ := c.ProcessState.SysUsage().(*syscall.Rusage)
	r := childRun{wall: wall, stdout: out.Bytes()}
	if ru != nil {
		r.maxRSS = ru.Maxrss << 10 // KiB on Linux
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return r, nil
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
