package tunnel

import "time"

// Close closes the endpoint, disconnects the agent and waits for the library's goroutines.
func (t *ngrokTunnel) Close() error {
	t.closeOnce.Do(func() {
		t.mu.Lock()
		t.closing = true
		t.mu.Unlock()
		t.statusMu.Lock()
		t.quiet = true
		t.statusMu.Unlock()

		_ = t.ln.Close()
		// The unbind is a round trip on the session; if that session is being re-established at the
		// same moment, ngrok-go v2.4.0 races on the new session's logger (rawSession.Auth writes it,
		// rpc reads it). While the agent is down or was down moments ago, skip the unbind: the
		// disconnect below ends the endpoint just the same.
		if t.recentlyDown() {
			t.logger.Debug("skipping ngrok unbind: the session is reconnecting")
		} else if err := t.closeEndpoint(); err != nil {
			t.logger.Debug("close ngrok endpoint", "err", err)
		}
		t.teardown(true)
		t.ln.wait()
		t.markDone()
	})
	return nil
}

// closeEndpoint unbinds the endpoint. The unbind is a round trip without a deadline, so if the
// edge does not answer the session is cut, which fails the round trip.
func (t *ngrokTunnel) closeEndpoint() error {
	res := make(chan error, 1)
	go func() { res <- t.ep.Close() }()
	timer := time.NewTimer(unbindWait)
	defer timer.Stop()
	select {
	case err := <-res:
		return err
	case <-timer.C:
		_ = t.agent.Disconnect()
		return <-res
	}
}

// teardown disconnects the agent (if it connected) and waits until the library's goroutines
// have ended, so that nothing outlives Open's failure or Close.
func (t *ngrokTunnel) teardown(connected bool) {
	if connected {
		if t.ep != nil && !t.isOpened() {
			_ = t.ep.Close()
		}
		if err := t.agent.Disconnect(); err != nil {
			t.logger.Debug("disconnect ngrok agent", "err", err)
		}
	}
	t.stopDial()
	if connected {
		timer := time.NewTimer(finalWait)
		select {
		case <-t.final:
		case <-timer.C:
			t.logger.Warn("ngrok session did not shut down in time")
		}
		timer.Stop()
	}
	t.sessCancel()
	time.Sleep(time.Until(t.settleDeadline(time.Now())))
}

// settleDeadline is when the goroutines that the library cannot stop early have ended on their
// own: the heartbeat requester of the session just closed (at its next tick), the heartbeat
// checker of a session lost earlier (at its timeout), and a reconnect loop asleep in its backoff.
func (t *ngrokTunnel) settleDeadline(now time.Time) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	var deadline time.Time
	later := func(d time.Time) {
		if d.After(deadline) {
			deadline = d
		}
	}
	if !t.lastBeat.IsZero() {
		// Ticks are an interval apart; a tick seen less than one interval ago dates the next.
		next := now.Add(t.interval)
		if now.Sub(t.lastBeat) < t.interval {
			next = t.lastBeat.Add(t.interval)
		}
		later(next.Add(settleMargin))
	}
	if !t.lastDrop.IsZero() {
		later(t.lastDrop.Add(t.interval + t.tolerance + settleMargin))
	}
	if !t.cancelledAt.IsZero() {
		later(t.cancelledAt.Add(librarySettle))
	}
	return deadline
}

// beat records a sign of the current session's heartbeat timer (see settleDeadline).
func (t *ngrokTunnel) beat() {
	t.mu.Lock()
	t.lastBeat = time.Now()
	t.mu.Unlock()
}

// recentlyDown reports whether the session is reconnecting or came back within the last few seconds.
func (t *ngrokTunnel) recentlyDown() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.down || (!t.lastDrop.IsZero() && time.Since(t.lastDrop) < recentDropWindow)
}

// recentDropWindow covers the time a reconnect takes to dial, authenticate and rebind.
const recentDropWindow = 10 * time.Second
