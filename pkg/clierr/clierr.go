// Package clierr owns the mapping from errors to process exit codes. It is the one place that decides
// which failures are usage errors, authentication failures, failed tasks, timeouts or interruptions, so
// every command exits with the code the design promises no matter which package produced the error.
package clierr

import (
	"context"
	"errors"
	"fmt"
)

// Kind classifies an error for the exit code table (README "The JSON contract and exit codes").
type Kind int

const (
	KindGeneric     Kind = iota // exit 1
	KindUsage                   // exit 2
	KindTaskFailed              // exit 3
	KindAuth                    // exit 4
	KindTimeout                 // exit 5
	KindInterrupted             // exit 130
)

// Exit codes, as documented in the README.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitTaskFailed  = 3
	ExitAuth        = 4
	ExitTimeout     = 5
	ExitInterrupted = 130
)

// Kinder is implemented by errors of other packages (an API error, a tunnel error) that know their kind.
type Kinder interface{ ExitKind() Kind }

// Error carries a Kind, the cause, and an optional hint telling the user what to do next.
type Error struct {
	Kind Kind
	Err  error
	Hint string // printed on its own line after the message, e.g. "run: novita wait <id>"
}

func (e *Error) Error() string  { return e.Err.Error() }
func (e *Error) Unwrap() error  { return e.Err }
func (e *Error) ExitKind() Kind { return e.Kind }

// New wraps err with a kind.
func New(kind Kind, err error) error { return &Error{Kind: kind, Err: err} }

// WithHint wraps err with a kind and a hint.
func WithHint(kind Kind, err error, hint string) error {
	return &Error{Kind: kind, Err: err, Hint: hint}
}

// Usagef is a usage error (exit 2): a bad flag, argument, template or input file.
func Usagef(format string, args ...any) error {
	return &Error{Kind: KindUsage, Err: fmt.Errorf(format, args...)}
}

// KindOf finds the most specific kind in err's chain. The outermost Kinder wins, so a caller can
// reclassify an error by wrapping it.
func KindOf(err error) Kind {
	if err == nil {
		return KindGeneric
	}
	var k Kinder
	if errors.As(err, &k) {
		return k.ExitKind()
	}
	if errors.Is(err, context.Canceled) {
		return KindInterrupted
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return KindTimeout
	}
	return KindGeneric
}

// Code maps err to the process exit code.
func Code(err error) int {
	if err == nil {
		return ExitOK
	}
	switch KindOf(err) {
	case KindUsage:
		return ExitUsage
	case KindTaskFailed:
		return ExitTaskFailed
	case KindAuth:
		return ExitAuth
	case KindTimeout:
		return ExitTimeout
	case KindInterrupted:
		return ExitInterrupted
	}
	return ExitError
}

// HintOf returns the first hint found in err's chain.
func HintOf(err error) string {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return ""
		}
		if e.Hint != "" {
			return e.Hint
		}
		err = e.Err
	}
	return ""
}

// ReasonOf returns a short machine reason for --json error output.
func ReasonOf(err error) string {
	switch KindOf(err) {
	case KindUsage:
		return "USAGE"
	case KindTaskFailed:
		return "TASK_FAILED"
	case KindAuth:
		return "AUTHENTICATION"
	case KindTimeout:
		return "TIMEOUT"
	case KindInterrupted:
		return "INTERRUPTED"
	}
	return "ERROR"
}

// reported marks an error whose details the command already wrote on stdout (a --json document),
// so the top level prints no second error document.
type reported struct{ error }

func (r reported) Unwrap() error { return r.error }

// Reported wraps err so that it keeps its kind but is not printed again as a JSON error.
func Reported(err error) error { return reported{err} }

// IsReported tells whether err was already reported on stdout.
func IsReported(err error) bool {
	var r reported
	return errors.As(err, &r)
}

// Subject is what an error is about, for the --json error document: the task or batch it concerns.
type Subject struct {
	TaskID, BatchID string
}

type about struct {
	error
	s Subject
}

func (a about) Unwrap() error { return a.error }

// About wraps err with the task or batch it concerns; the outermost subject wins.
func About(err error, s Subject) error {
	if err == nil {
		return nil
	}
	return about{err, s}
}

// SubjectOf returns the subject err carries, if any.
func SubjectOf(err error) Subject {
	var a about
	if errors.As(err, &a) {
		return a.s
	}
	return Subject{}
}
