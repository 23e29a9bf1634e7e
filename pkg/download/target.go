package download

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/novita-cli/novita/pkg/clierr"
)

// StdoutPath is the -o value, and the File.Path, of an output written to standard output.
const StdoutPath = "-"

// target says how the outputs of a template reach their destination.
type target int

const (
	targetFile    target = iota // a new regular file: temporary file beside it, fsync, rename
	targetStdout                // "-": the one output is written to Options.Stdout
	targetSpecial               // an existing device or FIFO (/dev/null, a named pipe): written in place
)

// specialTarget tells whether a fully literal template names an existing device or FIFO. Such a
// target is written as it is: it gets no extension, and no temporary file can be renamed over it.
func specialTarget(path string) bool {
	fi, err := os.Stat(path) // follows symlinks: /dev/stdout is a link to the real pipe or terminal
	return err == nil && fi.Mode()&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) != 0
}

// IsStdout tells whether the template is "-": the output goes to standard output, which then carries
// nothing else.
func (t *Template) IsStdout() bool { return t.target == targetStdout }

// WritesFiles tells whether outputs become files of their own: not for standard output or an existing
// device or FIFO, whose paths must not be recorded as the task's files.
func (t *Template) WritesFiles() bool { return t.target == targetFile }

// checkSingle refuses several outputs for a template that can hold only one; nothing has been
// fetched yet.
func (t *Template) checkSingle(n int, stdout io.Writer) error {
	switch {
	case t.target == targetFile:
		return nil
	case t.target == targetStdout && stdout == nil:
		return clierr.Usagef("-o - (standard output) is not available in this command; give a file name with -o")
	case n > 1 && t.target == targetStdout:
		return clierr.Usagef("-o - writes one output to standard output, but this task has %d outputs; "+
			"save them as files instead, e.g. -o out-{index}.{ext}", n)
	case n > 1:
		return clierr.Usagef("-o %s is a device or pipe that takes one output, but this task has %d outputs; "+
			"save them as files instead, e.g. -o out-{index}.{ext}", t.src, n)
	}
	return nil
}

// openDirect opens the destination of a stdout or special template. Nothing is created: a FIFO's
// open waits for its reader, as any writer's does.
func (f *fetcher) openDirect(j *job) error {
	j.path = f.tmpl.src
	if f.tmpl.target == targetStdout {
		j.dst = f.opts.Stdout
		return nil
	}
	file, err := os.OpenFile(j.path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", j.path, err)
	}
	j.direct, j.dst = file, file
	return nil
}
