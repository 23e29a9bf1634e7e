package ui

import (
	"github.com/novita-cli/novita/pkg/webhook"
)

// EventFromDelivery is the view of a receiver's delivery; forwardTarget is the --forward-to URL ("" when
// not forwarding). The ID is left empty for Hub.Publish (or the caller) to assign.
func EventFromDelivery(d webhook.Delivery, forwardTarget string) Event {
	ev := Event{
		Received:  d.Received,
		Method:    d.Method,
		Header:    d.Header.Clone(),
		Body:      d.Body,
		Duplicate: d.Duplicate,
	}
	if d.Event != nil {
		ev.EventType = d.Event.EventType
	}
	if d.Result != nil {
		t := d.Result.Task
		ev.Status, ev.TaskType, ev.TaskID = string(t.Status), t.TaskType, t.TaskID
		ev.Outputs = len(d.Result.Outputs())
	}
	if r := d.Response; r != nil {
		fr := &ForwardResult{Target: forwardTarget, Status: r.Status, Latency: r.Latency, Header: r.Header.Clone(), Body: r.Body}
		if r.Err != nil {
			fr.Err = r.Err.Error()
		}
		ev.Forward = fr
	}
	return ev
}
