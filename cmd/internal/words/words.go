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
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if e := u.Unwrap(); e != nil {
			return replaceLast(msg, e.Error(), worded(e))
		}
	case interface{ Unwrap() []error }:
		errs := u.Unwrap()
		texts, words := make([]string, len(errs)), make([]string, len(errs))
		for i, e := range errs {
			texts[i], words[i] = e.Error(), worded(e)
		}
		if msg == strings.Join(texts, "\n") { // errors.Join: one line each
			return strings.Join(words, "\n")
		}
		for i := range errs {
			msg = replaceLast(msg, texts[i], words[i])
		}
	}
	return msg
}

// replaceLast replaces the last s in msg: a wrapped error's text ends its wrapper's ("ctx: inner").
func replaceLast(msg, s, w string) string {
	i := strings.LastIndex(msg, s)
	if s == "" || s == w || i < 0 {
		return msg
	}
	return msg[:i] + w + msg[i+len(s):]
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
