package listen

import (
	"fmt"
	"sync"

	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/webhook"
)

// view prints a listen session: one line (or one JSON line) per event on stdout, everything else on
// stderr. One lock keeps lines whole and in order across both streams.
type view struct {
	io        *iostreams.IOStreams
	json      bool
	forwardTo string

	mu sync.Mutex
}

func (v *view) Delivery(d webhook.Delivery) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case d.Ignored:
		v.io.Warnf("event type %q is not %s: acknowledged, not processed", d.Event.EventType, novita.EventAsyncTaskResult)
	case d.Result == nil:
		v.io.Warnf("%s event with an undecodable payload: %s", novita.EventAsyncTaskResult, iostreams.Safe(fmt.Sprint(d.DecodeErr)))
	case v.json:
		_ = iostreams.WriteRawJSONLine(v.io.Out, d.Body)
	default:
		fmt.Fprintln(v.io.Out, taskview.EventLine(d, v.io.ColorScheme()))
	}
}

// Answered prints the answer the sender got: `<-- [status] POST target (ms)` for a relay, with what
// fault injection changed, or `<-- [status] injected: rules (ms)` when listen answered alone.
func (v *view) Answered(d webhook.Delivery) {
	v.mu.Lock()
	defer v.mu.Unlock()
	r := d.Response
	injected := iostreams.Safe(r.Header.Get(listen.InjectedHeader))
	var line string
	switch {
	case v.forwardTo != "":
		line = fmt.Sprintf("<-- [%d] %s %s (%d ms)", r.Status, iostreams.Safe(d.Method), v.forwardTo, r.Latency.Milliseconds())
		if injected != "" {
			line += " injected: " + injected
		}
	default:
		line = fmt.Sprintf("<-- [%d] injected: %s (%d ms)", r.Status, injected, r.Latency.Milliseconds())
	}
	if r.Err != nil {
		v.io.Errorf("%s: %s", line, iostreams.Safe(r.Err.Error()))
		return
	}
	w := v.io.Out
	if v.json {
		w = v.io.ErrOut
	}
	fmt.Fprintln(w, line)
}

func (v *view) Saved(path string, err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err != nil {
		v.io.Errorf("save event: %v", err)
		return
	}
	v.io.Statusf("saved %s", path)
}

func (v *view) Rejected(p webhook.Problem) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.io.Warnf("%d %s %s from %s: %s", p.Status, iostreams.Safe(p.Method), iostreams.Safe(p.Path), p.Remote, iostreams.Safe(p.Detail))
}

func (v *view) HookFailed(taskID string, err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.io.Errorf("task %s: %s", iostreams.Safe(taskID), iostreams.Safe(err.Error()))
}
