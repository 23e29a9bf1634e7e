package acceptance

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// stamped is what releaseBinary's linker flags stamp into main.
var stamped = versionDoc{Version: "9.9.9", Commit: "deadbeef", Date: "2026-01-01"}

// releaseBinary builds the real binary (main.go, not this test binary) once per test run, with the
// release's ldflags, for the tests that need it: linking the whole program costs seconds of CPU, and
// these tests all read the same build. It is removed when the test run ends (TestMain).
var releaseBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "novita-release-")
	if err != nil {
		return "", err
	}
	releaseDir = dir
	bin := filepath.Join(dir, "novita")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-o", bin, "-ldflags",
		"-s -w -X main.version="+stamped.Version+" -X main.commit="+stamped.Commit+" -X main.date="+stamped.Date, ".")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
})

// releaseDir is releaseBinary's directory, once built.
var releaseDir string

// realBinary is releaseBinary for a test: skipped with -short or without go on PATH.
func realBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH, so the binary cannot be built here")
	}
	bin, err := releaseBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// processBinary is what runs the CLI in its own process: the real binary (releaseBinary) when it can
// be built, otherwise this test binary, which TestMain turns into the CLI (NOVITA_TEST_AS_CLI=1). The
// real binary is main.go's own path, and it is not race-instrumented: a script's background sandbox,
// listener and CLI lines cost several times less CPU. The race detector still covers the same code,
// which the in-process tests run.
func processBinary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err == nil && !testing.Short() {
		if bin, err := releaseBinary(); err == nil {
			return bin
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}
