package body

import (
	"fmt"
	"io/fs"
	"os"
)

// NotRegular refuses a named pipe, device or socket given as an input file: reading one can block
// forever (a FIFO with no writer) or never end (/dev/zero). Standard input, which is what a pipe is
// for, is taken with "-" where a flag accepts it. nil for a regular file, a directory (which the
// read reports) or a path that cannot be examined (which the open reports).
func NotRegular(name string) error {
	fi, err := os.Stat(name)
	if err != nil || fi.Mode().IsRegular() || fi.IsDir() {
		return nil
	}
	what := "not a regular file"
	switch m := fi.Mode(); {
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	return &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("is %s, which could block or never end; give a regular file", what)}
}
