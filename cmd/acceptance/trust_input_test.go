package acceptance

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd"
	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// runStdin runs a command line with stdin read from in.
func (c *cli) runStdin(ctx context.Context, in io.Reader, args ...string) result {
	c.t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.In = in
	d := c.deps
	d.IO = ios
	d.Getenv = func(k string) string { return c.env[k] }
	code := cmd.Run(ctx, args, &d)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// `yes x | novita submit txt2img --batch -` ends with an error naming the limit, not with the memory.
func TestBatchInputIsBounded(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.useSandbox(sb)
	in := io.LimitReader(&repeatReader{s: "x\n"}, int64(2*(batch.MaxLines+1)))
	r := c.runStdin(context.Background(), in, "submit", "txt2img", "--batch", "-")
	if r.code != 2 || !strings.Contains(r.stderr, "task lines") {
		t.Fatalf("exit %d, want 2 naming the line limit\n%s", r.code, r.stderr)
	}
	bytesIn := io.LimitReader(&repeatReader{s: strings.Repeat("y", 1<<20) + "\n"}, batch.MaxBytes+(2<<20))
	r = c.runStdin(context.Background(), bytesIn, "submit", "txt2img", "--batch", "-")
	if r.code != 2 || !strings.Contains(r.stderr, "MiB") {
		t.Fatalf("exit %d, want 2 naming the size limit\n%s", r.code, r.stderr)
	}
	if n := countSubmits(sb); n != 0 {
		t.Fatalf("%d tasks submitted", n)
	}
}

type repeatReader struct {
	s   string
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k := copy(p[n:], r.s[r.off:])
		n += k
		r.off = (r.off + k) % len(r.s)
	}
	return n, nil
}

// A FIFO given as an input file is refused at once (with no writer, opening it would block forever).
func TestFIFOInputsRefused(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	fifo := filepath.Join(c.dir, "pipe")
	if err := mkfifo(fifo); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, args := range [][]string{
		{"--sandbox", "submit", "img2img", "--prompt", "x", "--image", fifo},
		{"--sandbox", "submit", "txt2img", "--batch", fifo},
		{"--sandbox", "submit", "txt2img", "--data", "@" + fifo},
	} {
		r := c.run(args...)
		if r.code != 2 || !strings.Contains(r.stderr, "named pipe") {
			t.Errorf("%v: exit %d, want 2 naming the named pipe\n%s", args, r.code, r.stderr)
		}
	}
}

// One Ctrl-C ends a command that is reading its input (exit 130), also when nothing ever arrives.
func TestInterruptWhileReadingStdin(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pr, pw := io.Pipe()
	defer pw.Close() // ends the read left in flight
	ctx, cancel := context.WithCancel(context.Background())
	in := &firstRead{r: pr, started: cancel} // Ctrl-C as soon as the command waits for input
	for _, args := range [][]string{
		{"--sandbox", "submit", "txt2img", "--batch", "-"},
		{"--sandbox", "submit", "txt2img", "--data", "-"},
	} {
		r := c.runStdin(ctx, in, args...)
		if r.code != 130 {
			t.Errorf("%v: exit %d, want 130\n%s", args, r.code, r.stderr)
		}
	}
}

type firstRead struct {
	r       io.Reader
	started func()
}

func (f *firstRead) Read(p []byte) (int, error) {
	f.started()
	return f.r.Read(p)
}
