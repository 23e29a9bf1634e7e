//go:build unix

package acceptance

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// Item 8: an existing FIFO given as -o is written in place, for the reader at its other end, with no
// extension added and no temporary file beside it.
func TestFIFOOutputTarget(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{TaskDuration: 100 * time.Millisecond})
	c.useSandbox(sb)
	id := submitOnly(t, c, "txt2img", "--prompt", "p", "--width", "128", "--height", "128")
	if r := c.run("wait", id, "-o", "ref.png"); r.code != 0 {
		t.Fatalf("wait: exit %d\n%s", r.code, r.stderr)
	}
	want := c.mustExist("ref.png")
	fifo := filepath.Join(c.dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	r := c.run("result", id, "--download", "-o", fifo)
	releaseReader(fifo)
	if b := <-got; r.code != 0 || !bytes.Equal(b, want) {
		t.Errorf("-o FIFO: exit %d, reader got %d bytes (want %d)\n%s", r.code, len(b), len(want), r.stderr)
	}
	if l := leftovers(t, c.dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
	if _, err := os.Lstat(fifo + ".png"); err == nil {
		t.Error("pipe.png was created")
	}
}

// releaseReader ends a reader still waiting in open(2) for a writer that never came (when the command
// failed to write the FIFO), so a failing test fails instead of hanging.
func releaseReader(fifo string) {
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
}
