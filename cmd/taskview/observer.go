// Package taskview is how tasks look on the terminal, shared by the commands that submit, wait for and
// fetch tasks: the live waiting line, the "succeeded via webhook" line, the data printed on stdout
// (paths, or the JSON document), batch progress and the batch summary.
package taskview

import (
	"errors"
	"fmt"
	"github.com/novita-cli/novita/cmd/internal/words"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Waiting shows one task being waited for: a live status line while it runs, one line when it ends.
type Waiting struct {
	io       *iostreams.IOStreams
	now      func() time.Time
	webhooks bool // a receiver is up: say "webhook or polling"
	resuming bool // a task submitted earlier (wait): one that was over at the first read "had already" ended

	mu     sync.Mutex
	live   *iostreams.LiveLine
	start  time.Time
	last   waiter.Progress
	lastAt time.Time // when last was read: the ETA counts down from there between reads
}

// NewWaiting starts the live line of task id; Stop it when the wait is over.
func NewWaiting(io *iostreams.IOStreams, now func() time.Time, id string, webhooks bool) *Waiting {
	w := &Waiting{io: io, now: now, webhooks: webhooks, start: now(), live: io.StartLive(time.Second)}
	w.last = waiter.Progress{TaskID: id, Status: "SUBMITTED"}
	return w
}

// Resuming marks the wait as one for a task submitted earlier, so that a task found over at the first
// read is said to have already ended rather than to have ended "via polling in 0s".
func (w *Waiting) Resuming() *Waiting {
	w.resuming = true
	return w
}

// Progress implements lifecycle.Observer.
func (w *Waiting) Progress(p waiter.Progress) {
	if p.Err == nil && (p.Status == novita.StatusSucceed || p.Status == novita.StatusFailed) {
		return // Ended (or the error) says how it ended: one line per outcome
	}
	w.mu.Lock()
	if p.Err == nil {
		w.last, w.lastAt = p, w.now()
	}
	w.mu.Unlock()
	key := string(p.Status)
	if p.Err != nil {
		key += p.Err.Error()
	}
	w.live.Set(func() string { return w.line(p) }, key)
}

func (w *Waiting) line(p waiter.Progress) string {
	if w.io.ErrTTY && p.Err == nil {
		w.mu.Lock()
		var at time.Time
		p, at = w.last, w.lastAt
		w.mu.Unlock()
		now := w.now()
		p.Elapsed = now.Sub(w.start)
		if p.ETA > 0 && !at.IsZero() {
			p.ETA = max(p.ETA-int64(now.Sub(at)/time.Second), 0) // 0: no eta shown once it has run out
		}
	}
	line := ProgressLine(p)
	if w.webhooks && p.Err == nil && w.io.ErrTTY {
		line += "  (webhook or polling)"
	}
	return line
}

// Ended implements lifecycle.Observer: the line that says how the result came.
func (w *Waiting) Ended(e lifecycle.Ended) {
	w.Stop()
	if e.Status == novita.StatusFailed {
		return // the command's error line says it, with the reason: a failure is reported once
	}
	w.mu.Lock()
	sawRunning := !w.lastAt.IsZero()
	w.mu.Unlock()
	if w.resuming && !sawRunning && e.DeliveredBy != waiter.ByWebhook {
		w.io.Statusf("task %s had already succeeded", e.TaskID)
		return
	}
	w.io.Statusf("task %s succeeded via %s in %s", e.TaskID, ViaWord(e.DeliveredBy), Round(e.Elapsed))
}

// Warn implements lifecycle.Observer.
func (w *Waiting) Warn(err error) { w.io.Warnf("%s", WarnText(err)) }

// WarnText words a pipeline warning for the terminal.
func WarnText(err error) string {
	var d *lifecycle.WebhookDropped
	if errors.As(err, &d) {
		if d.Remembered {
			return fmt.Sprintf("%s refused a webhook field before: submitting without one, and polling for the result", iostreams.Safe(d.Endpoint))
		}
		return fmt.Sprintf("%s refused the webhook field (%s): nothing was created; submitted again without it, polling for the result (remembered for this endpoint)",
			iostreams.Safe(d.Endpoint), iostreams.Safe(d.Err.Error()))
	}
	return iostreams.Safe(words.Message(err))
}

// Stop ends the live line (idempotent).
func (w *Waiting) Stop() {
	w.mu.Lock()
	l := w.live
	w.live = nil
	w.mu.Unlock()
	if l != nil {
		l.Stop()
	}
}

// Quiet observes tasks without a live line (several tasks at once): only warnings are shown.
type Quiet struct {
	lifecycle.NopObserver
	IO *iostreams.IOStreams
}

// Warn implements lifecycle.Observer.
func (q Quiet) Warn(err error) { q.IO.Warnf("%s", WarnText(err)) }

// ProgressLine is the waiting line: "task ID  PROCESSING  40%  eta 6s  elapsed 3.2s".
func ProgressLine(p waiter.Progress) string {
	if p.Err != nil {
		return fmt.Sprintf("task %s: retrying after error: %v (%s)", p.TaskID, p.Err, Round(p.Elapsed))
	}
	line := fmt.Sprintf("task %s  %s", p.TaskID, p.Status.Short())
	if p.Percent > 0 {
		line += fmt.Sprintf("  %d%%", p.Percent)
	}
	if p.ETA > 0 {
		line += fmt.Sprintf("  eta %ds", p.ETA)
	}
	return line + "  elapsed " + Round(p.Elapsed).String()
}

// ViaWord names how a result came.
func ViaWord(by string) string {
	if by == waiter.ByWebhook {
		return "webhook"
	}
	return "polling"
}

// Round keeps durations readable: 10 ms steps below 10 s, seconds above.
func Round(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Second)
}
