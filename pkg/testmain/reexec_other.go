//go:build !unix

package testmain

import "errors"

// reexec cannot replace a running process here: the tests run with the pause.
func reexec(string, []string, []string) error { return errors.New("cannot re-execute in place") }
