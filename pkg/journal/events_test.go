package journal

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// Deliveries, with their forward results, survive a restart and can be listed, filtered, searched,
// tailed and fetched for a replay.
func TestEventsRoundTrip(t *testing.T) {
	j, dir := openTest(t)
	ctx := context.Background()
	sample := []byte(`{"event_type":"ASYNC_TASK_RESULT","payload":{"task":{"task_id":"f6","status":"TASK_STATUS_SUCCEED",` +
		`"task_type":"TXT_TO_IMG"},"images":[{"image_url":"https://x/a.png","image_url_ttl":"3600"}]}}`)
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	first, err := j.RecordEvent(ctx, Event{ReceivedAt: t0, Source: "listen", TaskID: "f6", EventType: "ASYNC_TASK_RESULT",
		Status: "TASK_STATUS_SUCCEED", TaskType: "TXT_TO_IMG", Method: "POST", Path: "/hook",
		Headers: http.Header{"Content-Type": {"application/json"}, "X-Retry": {"0"}}, Body: sample})
	must(t, err)
	dup, err := j.RecordEvent(ctx, Event{ReceivedAt: t0.Add(time.Second), Source: "listen", TaskID: "f6",
		Status: "TASK_STATUS_SUCCEED", TaskType: "TXT_TO_IMG", Method: "POST", Body: sample, Duplicate: true})
	must(t, err)
	huge := bytes.Repeat([]byte("x"), MaxForwardBody+100)
	must(t, j.RecordForward(ctx, first, Forward{To: "http://127.0.0.1:3000/hook", Status: 500, LatencyMS: 12,
		Headers: http.Header{"X-App": {"1"}}, Body: huge}))
	failed, err := j.RecordEvent(ctx, Event{ReceivedAt: t0.Add(2 * time.Second), Source: "submit", TaskID: "g7",
		Status: "TASK_STATUS_FAILED", TaskType: "IMG_TO_VIDEO", Method: "POST", Body: []byte(`{"reason":"Out Of Memory"}`),
		Forward: &Forward{To: "http://127.0.0.1:9/", Error: "connection refused"}})
	must(t, err)
	replay, err := j.RecordEvent(ctx, Event{Source: "replay", ReplayOf: first, TaskID: "f6", Body: sample})
	must(t, err)

	// A new process (the inspector restarted) sees the same events.
	must(t, j.Close())
	j2 := Open(dir)
	defer j2.Close()
	list := func(q EventQuery) string {
		t.Helper()
		es, err := j2.Events(ctx, q)
		must(t, err)
		return fmt.Sprint(eventIDs(es))
	}
	for _, c := range []struct {
		name string
		q    EventQuery
		want []int64
	}{
		{"all newest first", EventQuery{}, []int64{replay, failed, dup, first}},
		{"status", EventQuery{Status: "failed"}, []int64{failed}},
		{"task type, any case", EventQuery{TaskType: "txt_to_img"}, []int64{dup, first}},
		{"body text, any case", EventQuery{Text: "out of memory"}, []int64{failed}},
		{"like wildcards are text", EventQuery{Text: "%"}, nil},
		{"tail after an id, oldest first", EventQuery{AfterID: first, Limit: 2}, []int64{dup, failed}},
		{"limit", EventQuery{Limit: 1}, []int64{replay}},
	} {
		if got := list(c.q); got != fmt.Sprint(c.want) {
			t.Errorf("%s: %s, want %v", c.name, got, c.want)
		}
	}
	e, ok, err := j2.EventByID(ctx, first)
	must(t, err)
	if !ok || !bytes.Equal(e.Body, sample) || e.Headers.Get("X-Retry") != "0" || e.Method != "POST" || e.Path != "/hook" ||
		!e.ReceivedAt.Equal(t0) || e.Source != "listen" || e.BodyBytes != int64(len(sample)) {
		t.Errorf("event: %+v", e)
	}
	if f := e.Forward; f == nil || f.Status != 500 || f.LatencyMS != 12 || len(f.Body) != MaxForwardBody ||
		f.BodyBytes != int64(len(huge)) || f.Headers.Get("X-App") != "1" {
		t.Errorf("forward result (body cut to %d bytes): %+v", MaxForwardBody, e.Forward)
	}
	if e, _, _ := j2.EventByID(ctx, dup); !e.Duplicate || e.Forward != nil {
		t.Errorf("duplicate: %+v", e)
	}
	if e, _, _ := j2.EventByID(ctx, failed); e.Forward == nil || e.Forward.Error != "connection refused" || e.Forward.Status != 0 {
		t.Errorf("failed forward: %+v", e.Forward)
	}
	if e, _, _ := j2.EventByID(ctx, replay); e.ReplayOf != first || e.ReceivedAt.IsZero() {
		t.Errorf("replay: %+v", e)
	}
	if _, ok, err := j2.EventByID(ctx, 999); ok || err != nil {
		t.Errorf("unknown event: %v %v", ok, err)
	}
	// A task's page shows its deliveries.
	must(t, j2.RecordSubmitted(ctx, Submitted{TaskID: "f6", Task: "txt2img"}))
	d, _, err := j2.Get(ctx, "f6")
	if err != nil || fmt.Sprint(eventIDs(d.Events)) != fmt.Sprint([]int64{replay, dup, first}) {
		t.Errorf("task events: %v %v", eventIDs(d.Events), err)
	}
}

func eventIDs(es []Event) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// A request body beyond the bound is cut, and says how large it was.
func TestEventBodyBound(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	big := bytes.Repeat([]byte("y"), MaxEventBody+1)
	id, err := j.RecordEvent(ctx, Event{Body: big})
	must(t, err)
	e, _, err := j.EventByID(ctx, id)
	if err != nil || len(e.Body) != MaxEventBody || e.BodyBytes != int64(len(big)) {
		t.Errorf("body %d bytes, body_bytes %d, %v", len(e.Body), e.BodyBytes, err)
	}
}
