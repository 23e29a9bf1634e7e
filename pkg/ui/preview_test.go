package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Large webhook bodies do not multiply: the list carries previews (marked), the event's own URL the
// whole body.
func TestEventListCarriesBodyPreviews(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	big := `{"payload":"` + strings.Repeat("x", 4<<20) + `"}`
	for i := range 6 {
		f.hub.Publish(Event{ID: fmt.Sprint("e", i), Method: "POST", Body: []byte(big), Received: time.Now()})
	}
	code, body := read(t, f.do(t, "GET", "/api/events", ""))
	if code != 200 || len(body) > 6*(listBodyBytes+4096) {
		t.Fatalf("list of 6 events of 4 MiB: %d, %d bytes; want previews", code, len(body))
	}
	var list []eventJSON
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list) != 6 || !list[0].BodyTruncated || list[0].BodyBytes != len(big) {
		t.Fatalf("list: %v, %d events", err, len(list))
	}
	code, one := read(t, f.do(t, "GET", "/api/events/e3", ""))
	var ev eventJSON
	if code != 200 || json.Unmarshal([]byte(one), &ev) != nil || ev.BodyTruncated || !strings.Contains(string(ev.Body), strings.Repeat("x", 4<<20)) {
		t.Fatalf("the event itself: %d, truncated %v", code, ev.BodyTruncated)
	}
}

// An event whose body was cut when kept is not replayed as if whole.
func TestReplayRefusesACutBody(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.hub.Publish(Event{ID: "cut", Method: "POST", Body: []byte(`{"payload":"xxx`), BodyBytes: 5 << 20, Received: time.Now()})
	code, body := read(t, f.do(t, "POST", "/api/events/cut/replay", ""))
	if code != http.StatusConflict || !strings.Contains(body, "cut") {
		t.Fatalf("replay of a cut body: %d %s; want 409 saying why", code, body)
	}
}
