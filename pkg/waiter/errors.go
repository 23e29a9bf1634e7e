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

// StopError is a task's error when the run ended before the task did: the task may still be running
// and can be waited for again. errors.Is(err, ErrStopped) holds; it unwraps to its cause (ErrTimeout,
// context.Canceled on an interrupt, or the API's refusal of the key), whose exit kind it takes, and
// clierr.SubjectOf names the task. It says nothing of commands: how to resume is the caller's to word.
type StopError struct {
	TaskID string
	Cause  error
	After  time.Duration // how long the task was waited for, for a timeout
}

func (e *StopError) Error() string {
	switch {
	case errors.Is(e.Cause, ErrTimeout):
		return fmt.Sprintf("timed out after %s waiting for task %s; it may still be running", e.After, e.TaskID)
	case IsAuth(e.Cause):
		return e.Cause.Error() // a rejected key says what went wrong already
	}
	return fmt.Sprintf("interrupted while waiting for task %s; it may still be running", e.TaskID)
}

func (e *StopError) Unwrap() error        { return e.Cause }
func (e *StopError) Is(target error) bool { return target == ErrStopped }

// ExitKind is a timeout (5) for ErrTimeout, the cause's own for a refused key (4), else an interrupt
// (130): any other end of the caller's context is a Ctrl-C.
func (e *StopError) ExitKind() clierr.Kind {
	switch {
	case errors.Is(e.Cause, ErrTimeout):
		return clierr.KindTimeout
	case IsAuth(e.Cause):
		return clierr.KindOf(e.Cause)
	}
	return clierr.KindInterrupted
}

// stopped is the outcome error of task id whose wait the run cut short after waited.
func stopped(cause error, id string, waited time.Duration) error {
	return clierr.About(&StopError{TaskID: id, Cause: cause, After: waited}, clierr.Subject{TaskID: id})
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
