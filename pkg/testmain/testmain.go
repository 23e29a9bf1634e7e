// Package testmain is the TestMain of every test package in this module: it fails the package when its
// tests leave a goroutine running (goleak), and it spares a race-built test binary the race runtime's
// pause at exit.
//
// The race runtime sleeps atexit_sleep_ms (1000 by default) before a process exits while goroutines
// remain, so that races in them can still be reported. After a TestMain that proves no goroutine of the
// tests outlives them there is nothing left to report, and the second is pure waiting: some sixty test
// binaries, two at a time, made it a fifth of `go test -race ./...`. The runtime reads GORACE before any
// Go code runs, so the only way to change the setting is to start again: Main executes the test binary
// once more, in the same process, with atexit_sleep_ms=0 added to GORACE. A GORACE that sets
// atexit_sleep_ms itself is obeyed (GORACE=atexit_sleep_ms=1000 restores the pause), and nothing is
// re-executed in a binary built without -race or where a process cannot replace itself (Windows).
package testmain

import (
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// Main runs the package's tests, then fails the run when a goroutine they started is still running.
func Main(m *testing.M, opts ...goleak.Option) {
	SkipRaceExitPause()
	goleak.VerifyTestMain(m, opts...)
}

// SkipRaceExitPause re-executes a race-built test binary with atexit_sleep_ms=0 added to GORACE, unless
// GORACE already names it (see the package comment). For a TestMain that needs more than Main; call it
// first. It returns when nothing was re-executed.
func SkipRaceExitPause() {
	gorace := os.Getenv("GORACE")
	if !raceEnabled || strings.Contains(gorace, "atexit_sleep_ms") {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	env := []string{"GORACE=" + strings.TrimSpace(gorace+" atexit_sleep_ms=0")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GORACE=") {
			env = append(env, kv)
		}
	}
	_ = reexec(exe, os.Args, env) // on success it does not return; on failure the tests run here
}
