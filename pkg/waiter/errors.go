package waiter

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
)

var (
	// ErrStopped marks a wait that was cut short before its task ended (the run was interrupted or
	// timed out, or the API refused the key): the task may still be running and can be waited for
	// again. errors.Is(outcome.Err, ErrStopped) tells it from a task that ended badly. A Gate's waits
	// also return it once the gate is stopped.
	ErrStopped = errors.New("wait stopped")
	// ErrTimeout is the engine's error when its Options.Timeout passed.
	ErrTimeout = errors.New("wait timed out")
)

// stoppedError is a task's error when the run ended before the task did. It reads as its cause and
// keeps the cause's kind and hint; it only adds errors.Is(err, ErrStopped).
type stoppedError struct{ err error }

func (s stoppedError) Error() string        { return s.err.Error() }
func (s stoppedError) Unwrap() error        { return s.err }
func (s stoppedError) Is(target error) bool { return target == ErrStopped }

// stopWording is the only place where the waiter words a wait it cut short for a person, with the
// command that resumes it. A rejected key says what went wrong already; any other end of the
// caller's context is an interrupt.
// TODO(lead): move the words and the hint to cmd once errors carry kinds as data.
func stopWording(cause error, id string, timeout time.Duration) error {
	hint := "resume with: novita wait " + id
	switch {
	case errors.Is(cause, ErrTimeout):
		return clierr.WithHint(clierr.KindTimeout,
			fmt.Errorf("timed out after %s waiting for task %s; it may still be running", timeout, id), hint)
	case IsAuth(cause):
		return cause
	}
	return clierr.WithHint(clierr.KindInterrupted,
		fmt.Errorf("interrupted while waiting for task %s; it may still be running", id), hint)
}

// permanent decides which read errors end a task's wait: a task the API does not know (after a grace
// period, since a fresh task may not be readable at once) or another 4xx that retrying cannot fix.
// 429 (handled by the gate), 408, 5xx and network trouble are ridden out. A rejected key is not a
// task's problem: it ends the whole run (see IsAuth).
func permanent(err error, elapsed, grace time.Duration) bool {
	var ae *novita.APIError
	if !errors.As(err, &ae) {
		return false
	}
	if ae.HTTPStatus == http.StatusNotFound {
		return elapsed >= grace
	}
	return ae.HTTPStatus >= 400 && ae.HTTPStatus < 500 && ae.HTTPStatus != http.StatusTooManyRequests &&
		ae.HTTPStatus != http.StatusRequestTimeout
}

// RateLimited reports a 429 and the Retry-After it asked for (0 when it named none).
func RateLimited(err error) (time.Duration, bool) {
	var ae *novita.APIError
	if errors.As(err, &ae) && ae.HTTPStatus == http.StatusTooManyRequests {
		return ae.RetryAfter, true
	}
	return 0, false
}

// IsAuth reports a rejected API key, which no retry or other task can get past.
func IsAuth(err error) bool {
	var ae *novita.APIError
	return errors.As(err, &ae) && ae.IsAuth()
}
