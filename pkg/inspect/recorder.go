package inspect

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/ui"
	"github.com/novita-cli/novita/pkg/webhook"
)

// Journal sources of the events a Recorder writes.
const (
	SourceListen = "listen"
	SourceReplay = "replay"
)

// SelfTarget is the forward target shown for an answer listen made up alone (fault injection
// without --forward-to).
const SelfTarget = "novita listen"

// persistTimeout bounds one journal write; the busy timeout of the database is shorter.
const persistTimeout = 10 * time.Second

// Recorder is a listen.Visitor that persists each shown delivery in the journal and then publishes
// it to the inspector's Hub under the journal's id. When the journal cannot be written the event is
// still published (under a random id) and OnError is told, once.
type Recorder struct {
	listen.NopVisitor
	Journal *journal.Journal // nil = live only
	Hub     *ui.Hub
	Target  string      // the --forward-to URL; "" when not forwarding
	OnError func(error) // the first failure to persist

	failed atomic.Bool
}

// Delivery implements listen.Visitor.
func (r *Recorder) Delivery(d webhook.Delivery) { r.Record(d) }

// Record persists and publishes one delivery (with its answer, when the engine gave one) and
// returns it as published.
func (r *Recorder) Record(d webhook.Delivery) ui.Event {
	return r.publish(r.view(d), SourceListen)
}

// recordReplay persists and publishes the replay of orig with body and the application's answer.
// A target that could not be reached is shown as no answer (status 0) with the reason: nobody saw
// the 502 a relay would have answered.
func (r *Recorder) recordReplay(orig ui.Event, body []byte, resp webhook.Response, at time.Time) ui.Event {
	if resp.Err != nil {
		resp.Status = 0
	}
	d := webhook.NewDelivery(at, orig.Method, orig.Header.Clone(), body)
	d.Response = &resp
	ev := r.view(d)
	ev.ReplayOf = orig.ID
	return r.publish(ev, SourceReplay)
}

// view is the event as the inspector shows it. Without a forward target, an answer listen did not
// shape (the receiver's plain 200 while fault rules exist for other statuses) is no forward result.
func (r *Recorder) view(d webhook.Delivery) ui.Event {
	target := r.Target
	if target == "" {
		target = SelfTarget
		if d.Response != nil && d.Response.Header.Get(listen.InjectedHeader) == "" {
			d.Response = nil
		}
	}
	return ui.EventFromDelivery(d, target)
}

func (r *Recorder) publish(ev ui.Event, source string) ui.Event {
	if r.Journal != nil {
		ctx, cancel := context.WithTimeout(context.Background(), persistTimeout)
		id, err := r.Journal.RecordEvent(ctx, journalEvent(ev, source))
		cancel()
		if err == nil {
			ev.ID = strconv.FormatInt(id, 10)
		} else if r.OnError != nil && r.failed.CompareAndSwap(false, true) {
			r.OnError(err)
		}
	}
	return r.Hub.Publish(ev)
}

// journalEvent is the row for ev. The receiver's path is not kept: it is the webhook URL's secret.
func journalEvent(ev ui.Event, source string) journal.Event {
	je := journal.Event{ReceivedAt: ev.Received, Source: source, TaskID: ev.TaskID, EventType: ev.EventType,
		Status: ev.Status, TaskType: ev.TaskType, Method: ev.Method, Headers: headerOrEmpty(ev.Header), Body: ev.Body,
		Duplicate: ev.Duplicate}
	if n, ok := rowID(ev.ReplayOf); ok {
		je.ReplayOf = n
	}
	if f := ev.Forward; f != nil {
		je.Forward = &journal.Forward{To: f.Target, Status: f.Status, LatencyMS: f.Latency.Milliseconds(),
			Headers: headerOrEmpty(f.Header), Body: f.Body, Error: f.Err}
	}
	return je
}

func headerOrEmpty(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	return h
}
