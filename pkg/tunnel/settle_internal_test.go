package tunnel

import (
	"log/slog"
	"testing"
	"time"
)

// Close waits out the library's heartbeat timers; how long depends on the configured heartbeat,
// which tests shorten (zero keeps the production timing).
func TestSettleDeadlineFollowsTheHeartbeat(t *testing.T) {
	now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name                string
		interval, tolerance time.Duration // configured
		afterClose          time.Duration // the closed session's requester ends at its next tick
		afterADrop          time.Duration // a lost session's checker ends at interval+tolerance
	}{
		{"zero is the production timing", 0, 0, time.Second + settleMargin, 5*time.Second + settleMargin},
		{"tests shorten it", 100 * time.Millisecond, 3 * time.Second,
			100*time.Millisecond + settleMargin, 3100*time.Millisecond + settleMargin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tun := newNgrokTunnel(Config{NgrokAuthtoken: "tok", Logger: slog.New(slog.DiscardHandler),
				NgrokHeartbeatInterval: tc.interval, NgrokHeartbeatTolerance: tc.tolerance})
			defer tun.cancelLibrary()
			tun.lastBeat = now.Add(-time.Hour) // no tick seen lately: the next one is an interval away
			if got := tun.settleDeadline(now).Sub(now); got != tc.afterClose {
				t.Errorf("after a close: waits %s, want %s", got, tc.afterClose)
			}
			tun.lastDrop = now
			if got := tun.settleDeadline(now).Sub(now); got != tc.afterADrop {
				t.Errorf("after a drop: waits %s, want %s", got, tc.afterADrop)
			}
		})
	}
}
