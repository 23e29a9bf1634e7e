package ui

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// latencyTarget is the target for publish -> row in the page.
const latencyTarget = 100 * time.Millisecond

// TestBrowserLiveLatency measures the time from Hub.Publish to the event's row being in the page's
// DOM, over 50 events sent one after another. The page stamps each row as it is added (a
// MutationObserver, performance.timeOrigin + performance.now()); both clocks are this machine's
// wall clock, so polling from the test adds nothing to the figure. Run it alone with
//
//	go test -run TestBrowserLiveLatency -v ./pkg/ui
func TestBrowserLiveLatency(t *testing.T) {
	f := newFixture(t, nil)
	b := newBrowser(t)
	b.open(t, f.pageURL(""))
	b.waitJS(t, "the live badge", `document.getElementById('live').textContent === 'live'`, pageWait)
	b.eval(t, `window.__arrived = {};
new MutationObserver((ms) => {
  const now = performance.timeOrigin + performance.now();
  for (const m of ms) for (const n of m.addedNodes) if (n.dataset && n.dataset.id && !(n.dataset.id in window.__arrived)) window.__arrived[n.dataset.id] = now;
}).observe(document.getElementById('ev-rows'), {childList: true}); ''`)

	const n = 50
	lat := make([]float64, 0, n)
	for i := range n {
		id := fmt.Sprintf("lat-%02d", i)
		ev := sampleEvent(id, "task-"+id, "TASK_STATUS_SUCCEED", time.Now())
		sent := float64(time.Now().UnixNano()) / 1e6
		f.hub.Publish(ev)
		b.waitJS(t, "event "+id, `window.__arrived['`+id+`'] !== undefined`, pageWait)
		var at float64
		if _, err := fmt.Sscan(b.eval(t, `String(window.__arrived['`+id+`'])`), &at); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, at-sent)
	}
	slices.Sort(lat)
	median := (lat[n/2-1] + lat[n/2]) / 2
	t.Logf("publish -> row in the page: median %.1f ms, p95 %.1f ms, min %.1f ms, max %.1f ms over %d events (target <= %v)",
		median, lat[n*95/100], lat[0], lat[n-1], n, latencyTarget)
	if median > float64(latencyTarget.Milliseconds()) {
		t.Errorf("median latency %.1f ms is over the %v target", median, latencyTarget)
	}
}
