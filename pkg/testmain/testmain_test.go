package testmain

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const childEnv = "NOVITA_TESTMAIN_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		// Run as a child by the test below: this binary started again (or not) before printing.
		SkipRaceExitPause()
		os.Stdout.WriteString("GORACE=" + os.Getenv("GORACE") + "\n")
		os.Exit(0)
	}
	Main(m)
}

// A race-built test binary starts again with the exit pause off, keeping the rest of GORACE; one
// whose GORACE names the pause keeps it; a binary built without -race is never re-executed.
func TestRaceBuiltBinariesSkipTheExitPause(t *testing.T) {
	run := func(gorace string, set bool) string {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = []string{childEnv + "=1"}
		if set {
			cmd.Env = append(cmd.Env, "GORACE="+gorace)
		}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("child: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	want := map[bool]string{true: "GORACE=atexit_sleep_ms=0", false: "GORACE="}[raceEnabled]
	if got := run("", false); got != want {
		t.Errorf("without GORACE the child saw %q, want %q", got, want)
	}
	want = map[bool]string{true: "GORACE=halt_on_error=1 atexit_sleep_ms=0", false: "GORACE=halt_on_error=1"}[raceEnabled]
	if got := run("halt_on_error=1", true); got != want {
		t.Errorf("with GORACE=halt_on_error=1 the child saw %q, want %q", got, want)
	}
	if got := run("atexit_sleep_ms=1", true); got != "GORACE=atexit_sleep_ms=1" {
		t.Errorf("a GORACE that sets the pause became %q", got)
	}
}
