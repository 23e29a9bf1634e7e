package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// sandboxProc is `novita sandbox` running as its own process, so that its memory (it keeps every
// task, request and output) is not counted in the CLI's peak RSS.
type sandboxProc struct {
	url, key string
	cmd      *exec.Cmd
	log      *requestCounter
	exited   chan error
}

// startSandbox starts `novita sandbox` on a free loopback port with the given task duration and waits
// until it prints the lines that point the CLI at it.
func startSandbox(ctx context.Context, c *config, taskDuration time.Duration) (*sandboxProc, error) {
	cmd := exec.CommandContext(ctx, c.bin, "sandbox", "--addr", "127.0.0.1:0", "--task-duration", taskDuration.String())
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + c.tmp, "NO_COLOR=1"}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &sandboxProc{cmd: cmd, log: &requestCounter{}, exited: make(chan error, 1)}
	cmd.Stderr = s.log // one line per request: counted, not kept
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the sandbox: %w", err)
	}
	lines := bufio.NewScanner(out)
	for (s.url == "" || s.key == "") && lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), "export NOVITA_BASE_URL="); ok {
			s.url = v
		}
		if v, ok := strings.CutPrefix(lines.Text(), "export NOVITA_API_KEY="); ok {
			s.key = v
		}
	}
	go func() {
		_, _ = io.Copy(io.Discard, out) // Wait must not close the pipe before it is read to the end
		s.exited <- cmd.Wait()
	}()
	if s.url == "" || s.key == "" {
		s.stop()
		return nil, fmt.Errorf("the sandbox printed no base URL and key")
	}
	return s, nil
}

// stop interrupts the sandbox (as ^C would) and waits for it.
func (s *sandboxProc) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// requestCounter counts the sandbox's request log lines by path.
type requestCounter struct {
	mu      sync.Mutex
	partial []byte
	counts  map[string]int
}

func (r *requestCounter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counts == nil {
		r.counts = map[string]int{}
	}
	buf := append(r.partial, p...)
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			break
		}
		// "METHOD path status duration"
		if f := strings.Fields(string(buf[:i])); len(f) >= 2 {
			r.counts[f[1]]++
		}
		buf = buf[i+1:]
	}
	r.partial = append(r.partial[:0], buf...)
	return len(p), nil
}

func (r *requestCounter) count(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[path]
}
