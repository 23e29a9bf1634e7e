// Package words words the engines' typed errors in this command line's terms. Engines (pkg/) state
// facts and name their inputs by what they are (a body path, "the JSON object"); the flag that gives
// an input, the command that fixes a setting, are this command line's, so they are written here and
// only here (docs/architecture.md "Errors"). `novita mcp` words the same errors by its tool parameters.
package words

import (
	"errors"
	"strings"
)

// Message is err's message in this command line's words: each typed error in its chain that names an
// input or a setting is worded by wordOf, its text replaced where it stands in the message, so the
// words around it (the task, the wrapping context) are kept.
func Message(err error) string {
	return worded(err)
}

// Lines are err's problems, one each, worded: every error of a joined error (all the problems of a
// request, found at once), else the one message.
func Lines(err error) []string {
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) && err.Error() == j.(error).Error() {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, Lines(e)...)
		}
		return out
	}
	return []string{worded(err)}
}

func worded(err error) string {
	if w, ok := wordOf(err); ok {
		return w
	}
	msg := err.Error()
	var inner []error
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if e := u.Unwrap(); e != nil {
			inner = []error{e}
		}
	case interface{ Unwrap() []error }:
		inner = u.Unwrap()
	}
	for _, e := range inner {
		if s := e.Error(); s != "" {
			if w := worded(e); w != s {
				msg = strings.Replace(msg, s, w, 1)
			}
		}
	}
	return msg
}

// wordOf is the command line's sentence for one engine error, when it has its own.
func wordOf(err error) (string, bool) {
	for _, w := range []func(error) (string, bool){wordBody, wordCatalog, wordTraining, wordConfig, wordListen, wordTunnel, wordOps} {
		if s, ok := w(err); ok {
			return s, true
		}
	}
	return "", false
}

// as is errors.As for err itself, not its chain: worded walks the chain.
func as[T error](err error) (T, bool) {
	t, ok := err.(T)
	return t, ok
}
