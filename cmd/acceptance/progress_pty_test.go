package acceptance

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBatchProgressNeverErasesStdout runs a batch with --wait on a real terminal (a tmux pane: a pty
// and a terminal emulator) and reads the pane's final screen: every path printed on stdout is still
// there next to the progress display, and the display left one line, not stale copies of itself.
func TestBatchProgressNeverErasesStdout(t *testing.T) {
	t.Parallel()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux not on PATH: apt-get install tmux")
	}
	exe := processBinary(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prompts.txt"), []byte("a cat\na dog [fail]\na fox\na hen\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	socket := fmt.Sprintf("novita-test-%d", os.Getpid())
	tm := func(args ...string) *exec.Cmd {
		return exec.Command(tmux, append([]string{"-L", socket, "-f", "/dev/null"}, args...)...)
	}
	t.Cleanup(func() { _ = tm("kill-server").Run() })
	script := fmt.Sprintf(`cd %q && env NOVITA_TEST_AS_CLI=1 HOME=%q NOVITA_STATE_DIR=%q XDG_CONFIG_HOME=%q %q --sandbox submit txt2img --batch prompts.txt --wait -o 'out/{line}-{index}.{ext}' --width 128 --height 128; echo EXIT=$?; sleep 600`,
		dir, dir, filepath.Join(dir, "state"), filepath.Join(dir, "config"), exe)
	if out, err := tm("new-session", "-d", "-x", "150", "-y", "60", script).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	var screen string
	deadline := time.Now().Add(2 * time.Minute) // a bound on a hang, not a speed check
	for !strings.Contains(screen, "EXIT=") {
		if time.Now().After(deadline) {
			t.Fatalf("the batch did not end; screen:\n%s", screen)
		}
		time.Sleep(100 * time.Millisecond)
		out, err := tm("capture-pane", "-p").Output()
		if err != nil {
			t.Fatalf("capture-pane: %v", err)
		}
		screen = string(out)
	}
	t.Logf("final screen:\n%s", screen)
	for _, want := range []string{"out/1-1.png", "out/3-1.png", "out/4-1.png"} {
		if n := strings.Count(screen, want+"\n"); n != 2 { // the path on stdout, and its row in the summary
			t.Errorf("%s is on the screen %d times, want 2 (stdout and the summary): a line was erased or repeated", want, n)
		}
	}
	if n := strings.Count(screen, "] "); n != 1 {
		t.Errorf("the progress display left %d bar lines, want its final one only", n)
	}
	if !strings.Contains(screen, "EXIT=3") || strings.Count(screen, "failure requested by prompt") != 1 {
		t.Errorf("the failed line must be reported once (in the summary), exit 3")
	}
}
