package webhook

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// Delivery is one accepted webhook request.
type Delivery struct {
	Received  time.Time
	Method    string
	Header    http.Header
	Body      []byte             // exactly as received
	Event     *novita.Event      // nil when undecodable
	Result    *novita.TaskResult // nil unless ASYNC_TASK_RESULT with a decodable payload
	Ignored   bool               // not ASYNC_TASK_RESULT
	Duplicate bool               // same event seen before (a Novita retry)
	Response  *Response          // what Options.Respond answered, when set
	// DecodeErr explains why an ASYNC_TASK_RESULT event has no Result.
	DecodeErr error
}

// NewDelivery decodes body into a Delivery, as the receiver does. It is exported so that other
// commands (test-event, replays) can format bodies they did not receive.
func NewDelivery(received time.Time, method string, header http.Header, body []byte) Delivery {
	d := Delivery{Received: received, Method: method, Header: header, Body: body}
	ev, res, err := novita.DecodeEvent(body)
	d.Event, d.Result = ev, res
	if ev != nil {
		d.Ignored = ev.EventType != novita.EventAsyncTaskResult
		if !d.Ignored && res == nil {
			d.DecodeErr = err
		}
	}
	return d
}

// dedupKey identifies a Novita retry: the same event type, task and status; for anything else the body hash.
func dedupKey(d Delivery) string {
	if d.Result != nil && d.Result.Task.TaskID != "" {
		return d.Event.EventType + "\x00" + d.Result.Task.TaskID + "\x00" + string(d.Result.Task.Status)
	}
	sum := sha256.Sum256(d.Body)
	return "sha256:" + hex.EncodeToString(sum[:])
}
