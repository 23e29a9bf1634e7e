package tunnel

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.ngrok.com/ngrok/v2"

	"github.com/novita-cli/novita/pkg/clierr"
)

// onEvent observes the agent. It runs on the library's goroutines (during Connect even with the
// agent's lock held), so it must not block or call back into the agent.
//
// How the library reports things: every failed connect attempt and every lost session is an
// EventAgentDisconnected with a non-nil Error; a (re)established session is an
// EventAgentConnectSucceeded; the library's session goroutine ends with one last
// EventAgentDisconnected whose Error is nil.
func (t *ngrokTunnel) onEvent(ev ngrok.Event) {
	switch e := ev.(type) {
	case *ngrok.EventAgentHeartbeatReceived:
		t.beat()
	case *ngrok.EventAgentConnectSucceeded:
		t.beat()
		t.mu.Lock()
		recovered := t.everUp && t.down && t.opened
		t.everUp, t.down = true, false
		t.mu.Unlock()
		if recovered {
			t.logger.Info("ngrok session re-established")
			t.status("reconnected")
		}
	case *ngrok.EventAgentDisconnected:
		if e.Error == nil {
			t.finalOnce.Do(func() { close(t.final) })
			return
		}
		msg := t.red.String(e.Error.Error())
		t.mu.Lock()
		opening := !t.opened
		if opening {
			t.lastErr = msg
		} else if !t.closing {
			t.lastDrop = time.Now()
		}
		t.mu.Unlock()
		if err := permanentError(msg, opening); err != nil {
			t.fail(err)
			return
		}
		t.mu.Lock()
		announce := t.opened && t.everUp && !t.down
		t.down = true
		t.mu.Unlock()
		if opening && isAuthFailure(msg) {
			// An answer from the edge, not a network blip: retrying will not change it.
			t.fail(fmt.Errorf("could not open ngrok tunnel: %s", summarize(msg)))
			return
		}
		if announce {
			t.logger.Warn("ngrok session lost, reconnecting", "err", msg)
			t.status("reconnecting: " + summarize(msg))
		}
	}
}

// fail handles a permanent error: while opening it aborts Open with err; afterwards the tunnel is
// dead for good, so the library is stopped (Close finishes the cleanup) and Done is closed.
func (t *ngrokTunnel) fail(err error) {
	t.mu.Lock()
	if t.fatalErr != nil {
		t.mu.Unlock()
		return
	}
	t.fatalErr = err
	opened, closing := t.opened, t.closing
	t.mu.Unlock()
	if !opened {
		t.abort(err)
		return
	}
	if closing {
		return
	}
	t.logger.Error("ngrok tunnel lost", "err", err)
	t.status("tunnel lost: " + err.Error())
	t.cancelLibrary()
	t.markDone()
}

// endpointDied is called when the endpoint stops delivering connections while still wanted
// (the service stopped it, or the library gave up).
func (t *ngrokTunnel) endpointDied(err error) {
	t.fail(fmt.Errorf("ngrok endpoint stopped: %s", summarize(t.red.String(err.Error()))))
}

// permanentError maps the ngrok error codes that no retry can fix to the error to report. The
// session limit counts only while opening: a reconnect can briefly overlap the old session.
func permanentError(msg string, opening bool) error {
	code := ngrokCode(msg)
	detail := strings.TrimPrefix(firstLine(msg), "authentication failed: ")
	switch code {
	case "ERR_NGROK_105", "ERR_NGROK_106", "ERR_NGROK_107", "ERR_NGROK_4018":
		return clierr.New(clierr.KindAuth, fmt.Errorf(
			"ngrok rejected the authtoken (%s: %s): check NGROK_AUTHTOKEN",
			code, detail))
	case "ERR_NGROK_108":
		if !opening {
			return nil
		}
		return &SessionLimitError{Code: code, Detail: detail}
	}
	return nil
}

// isAuthFailure recognises the library's errors for a failed Auth round trip (rejected by the
// edge, or the TLS/auth exchange itself failed), as opposed to a lost connection.
func isAuthFailure(msg string) bool {
	return strings.HasPrefix(msg, "authentication failed") ||
		strings.HasPrefix(msg, "failed to send authentication request")
}

// ngrokCode finds an "ERR_NGROK_<digits>" code in msg.
func ngrokCode(msg string) string {
	const prefix = "ERR_NGROK_"
	i := strings.Index(msg, prefix)
	if i < 0 {
		return ""
	}
	end := i + len(prefix)
	for end < len(msg) && msg[end] >= '0' && msg[end] <= '9' {
		end++
	}
	if end == i+len(prefix) {
		return ""
	}
	return msg[i:end]
}

func firstLine(msg string) string {
	for _, line := range strings.Split(msg, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return strings.TrimSuffix(line, ".")
		}
	}
	return msg
}

// summarize shortens a multi-line ngrok error to one line, keeping its error code.
func summarize(msg string) string {
	line := firstLine(msg)
	if code := ngrokCode(msg); code != "" && !strings.Contains(line, code) {
		line += " (" + code + ")"
	}
	return line
}

// timeoutError explains why Open gave up after the connect timeout.
func (t *ngrokTunnel) timeoutError() error {
	reason := "no answer from the ngrok service"
	if err := t.dialer.LastError(); err != nil {
		reason = "cannot reach the ngrok service: " + err.Error()
	} else {
		t.mu.Lock()
		if t.lastErr != "" {
			reason = summarize(t.lastErr)
		}
		t.mu.Unlock()
	}
	return errors.New(t.red.String(fmt.Sprintf("could not open ngrok tunnel within %s: %s", t.timeout, reason)))
}
