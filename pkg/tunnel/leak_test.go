package tunnel_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"
)

// leakLabel is the pprof label key that marks the goroutines a test started.
const leakLabel = "tunnel-test"

// leakCheck labels the calling test's goroutine; every goroutine it starts from now on (the edge,
// the tunnel, the library, and whatever those start in turn) inherits the label. Call the result
// after closing the tunnel and the edge: it fails t if any of them is still running, but for the
// library's own leak (libraryLeakFunction). Unlike a snapshot of all goroutines, this holds while other tests
// run in parallel, since their goroutines carry their own labels. What it cannot see: a goroutine
// the runtime starts for a timer (time.AfterFunc) carries no label, nor do the goroutines that one
// starts; TestMain's goleak.VerifyTestMain still fails the package on those.
func leakCheck(t *testing.T) func() {
	t.Helper()
	id := fmt.Sprintf("%s@%p", t.Name(), t) // unique while the test runs, with -count too
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(leakLabel, id)))
	t.Cleanup(func() { pprof.SetGoroutineLabels(context.Background()) })
	return func() {
		t.Helper()
		pprof.SetGoroutineLabels(context.Background()) // the test's own goroutine is no leak
		// Goroutines that were told to stop may still be on their way out: give them the grace
		// goleak.VerifyNone gives (its retries add up to about 0.4 s), no more: Close promises that
		// the library's goroutines have ended when it returns, so a longer grace would hide a Close
		// that returns before the library's timers have run out.
		deadline := time.Now().Add(leakWait)
		for {
			n, left := labelled(t, id)
			if n == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutine(s) started by the test still run after Close:\n\n%s",
					n, strings.Join(left, "\n\n"))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// leakWait is how long leakCheck lets goroutines take to end.
const leakWait = 500 * time.Millisecond

// labelled counts the goroutines labelled id, but for the library's known leak, and returns their
// records in the goroutine profile (debug=1 text: "<count> @ <pcs>", "# labels: {...}", then one
// "#\t<pc>\t<func>+<off>\t<file:line>" line per frame, the runtime's own frames left out).
func labelled(t *testing.T, id string) (int, []string) {
	t.Helper()
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatalf("goroutine profile: %v", err)
	}
	want := fmt.Sprintf("# labels: {%q:%q}", leakLabel, id)
	n, left := 0, []string(nil)
	for _, rec := range strings.Split(buf.String(), "\n\n") {
		lines := strings.Split(rec, "\n")
		if len(lines) < 3 || lines[1] != want || topFunction(lines[2]) == libraryLeakFunction {
			continue
		}
		count, _, _ := strings.Cut(lines[0], " ")
		c, err := strconv.Atoi(count)
		if err != nil {
			t.Fatalf("unexpected goroutine profile record:\n%s", rec)
		}
		n += c
		left = append(left, rec)
	}
	return n, left
}

// topFunction is the function of a debug=1 frame line, without its offset.
func topFunction(frame string) string {
	fields := strings.Split(frame, "\t")
	if len(fields) < 3 {
		return ""
	}
	fn, _, _ := strings.Cut(fields[2], "+0x")
	return fn
}
