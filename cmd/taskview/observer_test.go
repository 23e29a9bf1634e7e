package taskview

import (
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Between two reads the live line's ETA counts down with the clock instead of standing still.
func TestLiveLineETACountsDownBetweenReads(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	io.ErrTTY = true
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	w := &Waiting{io: io, now: func() time.Time { return now }, start: now}
	w.last = waiter.Progress{TaskID: "t1", Status: "SUBMITTED"}
	p := waiter.Progress{TaskID: "t1", Status: novita.StatusProcessing, Percent: 40, ETA: 10}
	w.mu.Lock()
	w.last, w.lastAt = p, now
	w.mu.Unlock()
	if l := w.line(p); !strings.Contains(l, "eta 10s") {
		t.Fatalf("at the read: %q", l)
	}
	now = now.Add(4 * time.Second)
	if l := w.line(p); !strings.Contains(l, "eta 6s") || !strings.Contains(l, "elapsed 4s") {
		t.Errorf("4 s after the read: %q", l)
	}
	now = now.Add(20 * time.Second)
	if l := w.line(p); strings.Contains(l, "eta") {
		t.Errorf("past the eta: %q", l)
	}
}

// A failed task is reported once, by the command's error line: no "failed via" line before it, and
// no FAILED status line off a terminal either.
func TestFailedTaskIsNotReportedByTheObserver(t *testing.T) {
	io, _, _, errOut := iostreams.Test()
	now := time.Now()
	w := NewWaiting(io, func() time.Time { return now }, "t1", false)
	w.Progress(waiter.Progress{TaskID: "t1", Status: novita.StatusFailed})
	w.Ended(lifecycle.Ended{TaskID: "t1", Status: novita.StatusFailed, Reason: "out of memory", DeliveredBy: waiter.ByPoll})
	if s := errOut.String(); strings.Contains(s, "FAILED") || strings.Contains(s, "out of memory") {
		t.Errorf("the observer reported the failure:\n%s", s)
	}
}
