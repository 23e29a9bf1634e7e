package acceptance

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/journal/journaltest"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// startCLIProcess runs the novita CLI in a child process (processBinary).
func (c *cli) startCLIProcess(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(processBinary(t), args...)
	cmd.Dir = c.dir
	cmd.Env = []string{"NOVITA_TEST_AS_CLI=1", "PATH=" + os.Getenv("PATH")}
	for k, v := range c.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out, &errOut
}

func (c *cli) waitForJournal(t *testing.T) journal.Task {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if es, _ := journaltest.Tasks(c.env["NOVITA_STATE_DIR"]); len(es) > 0 {
			return es[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the task never reached the journal")
	return journal.Task{}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestSIGINTDuringTheWaitExits130AndPrintsTheResumeCommand(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{TaskDuration: time.Minute})
	c.useSandbox(sb)
	proc, out, errOut := c.startCLIProcess(t, "submit", "txt2img", "--prompt", "slow", "--wait")
	e := c.waitForJournal(t)
	time.Sleep(200 * time.Millisecond)
	proc.Process.Signal(syscall.SIGINT)
	code := exitCode(proc.Wait())
	if code != 130 || !strings.Contains(errOut.String(), "novita wait "+e.ID) || out.Len() != 0 {
		t.Fatalf("exit %d, stdout %q\nstderr:\n%s", code, out, errOut)
	}
}

func TestKilledDuringTheWaitThenWaitLastCompletes(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{TaskDuration: 2 * time.Second})
	c.useSandbox(sb)
	proc, _, _ := c.startCLIProcess(t, "submit", "txt2img", "--prompt", "paid task", "--width", "128", "--height", "128", "--wait", "-o", "kept/{index}.{ext}")
	e := c.waitForJournal(t)
	proc.Process.Kill()
	proc.Wait()
	r := c.run("wait", "--last")
	if r.code != 0 || strings.TrimSpace(r.stdout) != c.abs("kept/1.png") {
		t.Fatalf("wait --last after a kill: exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	got, _, _ := journaltest.Task(c.env["NOVITA_STATE_DIR"], e.ID)
	if got.Status != "TASK_STATUS_SUCCEED" || len(got.Files) != 1 {
		t.Fatalf("journal after resume: %+v", got)
	}
}
