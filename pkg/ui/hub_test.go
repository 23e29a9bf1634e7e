package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/webhook"
)

func TestHubKeepsBoundedHistoryNewestFirst(t *testing.T) {
	t.Parallel()
	h := NewHub(3, 100)
	for _, id := range []string{"a", "b", "c", "d"} {
		h.Publish(Event{ID: id, Body: []byte("0123456789")})
	}
	if got := eventIDs(h.Recent(0)); got != "d,c,b" {
		t.Errorf("count bound: %s, want d,c,b", got)
	}
	if got := eventIDs(h.Recent(2)); got != "d,c" {
		t.Errorf("Recent(2): %s", got)
	}
	h.Publish(Event{ID: "big", Body: make([]byte, 95)})
	if got := eventIDs(h.Recent(0)); got != "big" {
		t.Errorf("byte bound: %s, want only the newest", got)
	}
	if ev := h.Publish(Event{}); len(ev.ID) != 16 {
		t.Errorf("assigned id %q, want 16 hex digits", ev.ID)
	}
}

func TestHubSubscribers(t *testing.T) {
	t.Parallel()
	h := NewHub(0, 0)
	var got []string
	unsub := h.Subscribe(func(ev Event) { got = append(got, ev.ID) })
	h.Publish(Event{ID: "1"})
	unsub()
	unsub() // twice is harmless
	h.Publish(Event{ID: "2"})
	if strings.Join(got, ",") != "1" || h.Subscribers() != 0 {
		t.Errorf("got %v, subscribers %d", got, h.Subscribers())
	}
}

func eventIDs(evs []Event) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.ID)
	}
	return strings.Join(s, ",")
}

func TestEventFromDelivery(t *testing.T) {
	t.Parallel()
	body := sampleBody("f6aec953-2e81-4e8b-938e-2ceab54d6df9", "TASK_STATUS_SUCCEED")
	at := time.Now()
	d := webhook.NewDelivery(at, "POST", http.Header{"Content-Type": {"application/json"}}, body)
	d.Duplicate = true
	d.Response = &webhook.Response{Status: 502, Latency: 3 * time.Millisecond, Body: []byte("down"), Err: errString("connection refused")}
	ev := EventFromDelivery(d, "http://127.0.0.1:3000/hook")
	if ev.Status != "TASK_STATUS_SUCCEED" || ev.TaskType != "TXT_TO_IMG" || ev.TaskID == "" || ev.Outputs != 1 ||
		!ev.Duplicate || ev.EventType != "ASYNC_TASK_RESULT" || ev.Received != at || string(ev.Body) != string(body) {
		t.Errorf("event = %+v", ev)
	}
	if fw := ev.Forward; fw == nil || fw.Status != 502 || fw.Err != "connection refused" || fw.Target != "http://127.0.0.1:3000/hook" || fw.Latency != 3*time.Millisecond {
		t.Errorf("forward = %+v", ev.Forward)
	}
	junk := EventFromDelivery(webhook.NewDelivery(at, "POST", nil, []byte("not json")), "")
	if junk.Status != "" || junk.Forward != nil || string(junk.Body) != "not json" {
		t.Errorf("undecodable = %+v", junk)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
