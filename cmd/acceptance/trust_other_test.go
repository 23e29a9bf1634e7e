//go:build !unix

package acceptance

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this platform") }
