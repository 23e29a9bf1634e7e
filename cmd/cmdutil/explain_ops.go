package cmdutil

import (
	"errors"

	"github.com/novita-cli/novita/pkg/taskref"
)

// opsFix is the way out of the task references' errors, in this command line's commands.
func opsFix(err error) string {
	var amb *taskref.AmbiguousError
	if errors.As(err, &amb) {
		return "give more characters of the id (see: novita tasks)"
	}
	return ""
}
