package mcpserver

import (
	"context"
	"fmt"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// fanout shares the one receiver's results among the waits in progress: each wait's engine picks its
// own task's results out of the stream, as a batch does. A result is only a signal to read the task
// now, so one a slow wait has no room for is dropped (polling carries on).
type fanout struct {
	mu   sync.Mutex
	subs map[chan *novita.TaskResult]struct{}
	done chan struct{}
}

func newFanout(in <-chan *novita.TaskResult) *fanout {
	f := &fanout{subs: map[chan *novita.TaskResult]struct{}{}, done: make(chan struct{})}
	if in != nil {
		go f.run(in)
	}
	return f
}

func (f *fanout) run(in <-chan *novita.TaskResult) {
	for {
		select {
		case res, ok := <-in:
			if !ok {
				return
			}
			f.mu.Lock()
			for c := range f.subs {
				select {
				case c <- res:
				default:
				}
			}
			f.mu.Unlock()
		case <-f.done:
			return
		}
	}
}

// subscribe returns the stream for one wait and its end; nil without a receiver.
func (f *fanout) subscribe(enabled bool) (<-chan *novita.TaskResult, func()) {
	if !enabled {
		return nil, func() {}
	}
	c := make(chan *novita.TaskResult, 16)
	f.mu.Lock()
	f.subs[c] = struct{}{}
	f.mu.Unlock()
	return c, func() {
		f.mu.Lock()
		delete(f.subs, c)
		f.mu.Unlock()
	}
}

func (f *fanout) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.done:
	default:
		close(f.done)
	}
}

// watcher is the pipeline's observer for one tool call: it keeps the latest progress of the task (the
// answer of a wait step that ends before the task) and, when the client sent a progress token, tells
// the client about every read.
type watcher struct {
	lifecycle.NopObserver
	ctx   context.Context
	req   *mcp.CallToolRequest
	token any

	mu    sync.Mutex
	last  waiter.Progress
	seen  bool
	sent  float64
	warns []string
}

func newWatcher(ctx context.Context, req *mcp.CallToolRequest) *watcher {
	w := &watcher{ctx: ctx, req: req}
	if req != nil && req.Params != nil {
		w.token = req.Params.GetProgressToken()
	}
	return w
}

func (w *watcher) Progress(p waiter.Progress) {
	if p.Err != nil {
		return
	}
	w.mu.Lock()
	w.last, w.seen = p, true
	w.sent++ // progress must grow with every notification: the number of reads does
	n := w.sent
	w.mu.Unlock()
	msg := fmt.Sprintf("task %s: %s", p.TaskID, p.Status.Short())
	if p.Percent > 0 {
		msg += fmt.Sprintf(", %d%%", p.Percent)
	}
	if p.ETA > 0 {
		msg += fmt.Sprintf(", about %ds left", p.ETA)
	}
	w.notify(n, msg)
}

func (w *watcher) Warn(err error) {
	w.mu.Lock()
	w.warns = append(w.warns, err.Error())
	w.mu.Unlock()
}

// notify sends one progress notification when the client asked for them; a failure to send is the
// client's problem, never the task's.
func (w *watcher) notify(progress float64, msg string) {
	if w.token == nil || w.req == nil || w.req.Session == nil {
		return
	}
	_ = w.req.Session.NotifyProgress(w.ctx, &mcp.ProgressNotificationParams{ProgressToken: w.token, Progress: progress, Message: msg})
}

// warnings are the problems that did not stop the task (a journal write failed), secrets scrubbed.
func (w *watcher) warnings(scrub func(string) string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, m := range w.warns {
		out = append(out, scrub(m))
	}
	return out
}

// latest is the last progress a read reported.
func (w *watcher) latest() (waiter.Progress, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last, w.seen
}
