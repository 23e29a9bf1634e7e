package acceptance

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// cancelWhen cancels ctx (one Ctrl-C) as soon as cond holds; the returned func stops watching.
func cancelWhen(cond func() bool) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for ctx.Err() == nil {
			if cond() {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return ctx, cancel
}

// partIn says whether a partial download has appeared anywhere under dir.
func partIn(dir string) func() bool {
	return func() bool {
		found := false
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".part") {
				found = true
			}
			return nil
		})
		return found
	}
}

// One Ctrl-C ends the command with exit 130 in every phase: before the request, during the wait of
// one or several tasks, during the downloads of submit, wait and result --download.
func TestOneInterruptEndsEveryPhaseWith130(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	slow := startSandbox(t, sandbox.Options{DownloadBytesPerSec: 2048})
	c.useSandbox(slow)
	done := submitOnly(t, c, "txt2img", "--prompt", "a cat")
	if r := c.run("wait", done, "--no-download"); r.code != 0 {
		t.Fatalf("wait --no-download: exit %d\n%s", r.code, r.stderr)
	}

	prompts := filepath.Join(c.dir, "prompts.txt")
	if err := os.WriteFile(prompts, []byte("an owl\na fox\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, cancel := context.WithCancel(context.Background())
	cancel()
	if r := c.runCtx(before, "submit", "txt2img", "--prompt", "never sent", "--wait"); r.code != 130 {
		t.Errorf("submit interrupted before the request: exit %d, want 130\n%s", r.code, r.stderr)
	}
	if n := len(slow.Requests()); n == 0 {
		t.Fatal("no requests recorded at all")
	}

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"submit --wait, downloading", []string{"submit", "txt2img", "--prompt", "a dog", "--wait", "-o", "sub/{index}.{ext}"}},
		{"result --download, downloading", []string{"result", done, "--download", "-o", "res/{index}.{ext}"}},
		{"wait, downloading", []string{"wait", done, "-o", "wt/{index}.{ext}"}},
		{"submit --batch --wait, downloading", []string{"submit", "txt2img", "--batch", prompts, "--wait", "-o", "bt/{line}-{index}.{ext}"}},
	} {
		ctx, stop := cancelWhen(partIn(c.dir))
		r := c.runCtx(ctx, tc.args...)
		stop()
		if r.code != 130 {
			t.Errorf("%s: exit %d, want 130\n%s", tc.name, r.code, r.stderr)
		}
		removeParts(t, c.dir)
	}

	waiting := startSandbox(t, sandbox.Options{TaskDuration: time.Minute})
	c.useSandbox(waiting)
	a := submitOnly(t, c, "txt2img", "--prompt", "a cow")
	b := submitOnly(t, c, "txt2img", "--prompt", "a hen")
	for _, args := range [][]string{{"wait", a}, {"wait", a, b}, {"wait", "--pending"}} {
		polled := len(waiting.Requests())
		ctx, stop := cancelWhen(func() bool { return len(waiting.Requests()) > polled+1 })
		r := c.runCtx(ctx, args...)
		stop()
		if r.code != 130 {
			t.Errorf("%v interrupted while waiting: exit %d, want 130\n%s", args, r.code, r.stderr)
		}
	}
}

func removeParts(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".part") {
			_ = os.Remove(p)
		}
		return nil
	})
}

// The servers (ui, listen, mcp --http) end on the first Ctrl-C too. They print "(^C to quit)": Ctrl-C
// is their normal stop, so a clean exit (0) is accepted beside 130; what matters is one is enough.
func TestOneInterruptEndsTheServers(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	uiReady, listenReady, mcpReady := make(chan string, 1), make(chan string, 1), make(chan [2]string, 1)
	c.deps.UIReady, c.deps.ListenReady, c.deps.MCPReady = uiReady, listenReady, mcpReady
	for _, tc := range []struct {
		args  []string
		ready func()
	}{
		{[]string{"ui"}, func() { <-uiReady }},
		{[]string{"listen", "--tunnel", "local"}, func() { <-listenReady }},
		{[]string{"mcp", "--http", "127.0.0.1:0"}, func() { <-mcpReady }},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan result, 1)
		go func() { done <- c.runCtx(ctx, tc.args...) }()
		tc.ready()
		cancel()
		select {
		case r := <-done:
			if r.code != 0 && r.code != 130 {
				t.Errorf("%v: exit %d on Ctrl-C, want a clean stop (0 or 130)\n%s", tc.args, r.code, r.stderr)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%v did not end on one Ctrl-C", tc.args)
		}
	}
}
