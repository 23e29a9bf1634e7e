package body

import (
	"errors"
	"strings"
)

// SourceKind says which of the user's inputs a value came from.
type SourceKind int

const (
	// FromData is the JSON object (Input.Data). Name: "" the text itself, "-" standard input,
	// "@file" the file it was read from.
	FromData    SourceKind = iota + 1
	FromSet                // one assignment of Input.Sets; Name: the assignment as given
	FromSetFile            // one file assignment of Input.SetFiles; Name: the assignment, or its path once parsed
	FromFlag               // a typed input of Input.Flags or Input.Lists; Name: its spec flag name ("image")
)

// Source is the input at fault (Kind 0: one no flag gives, named by Name, e.g. "JSON line"), so that each caller names it in its own terms: the command line by
// its flag, `novita mcp` by its tool parameter.
type Source struct {
	Kind SourceKind
	Name string
}

// String names the source without naming any command's flags (callers word it their way).
func (s Source) String() string {
	switch s.Kind {
	case FromData:
		switch {
		case s.Name == "-":
			return "the JSON object (standard input)"
		case strings.HasPrefix(s.Name, "@"):
			return "the JSON object file " + s.Name[1:]
		}
		return "the JSON object"
	case FromSet:
		return "assignment " + s.Name
	case FromSetFile:
		return "file assignment " + s.Name
	case FromFlag:
		return "input " + s.Name
	}
	return s.Name // an input no flag gives: "JSON line"
}

// InputError is a problem with one input of a body: which input, and what is wrong with it. Its
// kind is its cause's (a usage error, or a failed fetch).
type InputError struct {
	Source Source
	Err    error
}

func (e *InputError) Error() string { return e.Source.String() + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// inputErr blames err on the input src.
func inputErr(src Source, err error) error { return &InputError{Source: src, Err: err} }

// ErrAssignmentForm and ErrFileAssignmentForm are an assignment without its '='.
var (
	ErrAssignmentForm     = errors.New("want path=value (or path:=JSON)")
	ErrFileAssignmentForm = errors.New("want path=file")
)

// URLFieldError is a file given for a field that takes only an http(s) URL the API fetches itself.
type URLFieldError struct{ Path string }

func (e *URLFieldError) Error() string {
	return e.Path + " takes an http(s) URL, not a file: give the URL as its value"
}

// FlagError is a typed input the task does not take: Known is false for a task outside the
// catalog (no typed input applies), else Takes lists the flag names it does take.
type FlagError struct {
	Task  string
	Known bool
	Takes []string
}

func (e *FlagError) Error() string {
	if !e.Known {
		return e.Task + " is not in the catalog, so typed inputs do not apply: build the body as JSON and path=value assignments"
	}
	return "task " + e.Task + " does not take this input (it takes " + strings.Join(e.Takes, ", ") + "); set the field by its path"
}
