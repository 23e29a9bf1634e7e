package download

import (
	"errors"
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
)

// ExistsError is a file (or several) a download would replace without Overwrite. It states the fact
// only: what the user can do about it (a flag, a tool parameter) is worded by the caller.
type ExistsError struct {
	Paths []string
	// Early is set when it was found before anything was sent or paid for: a usage error (exit 2).
	Early bool
	// Planned is set when the files are where this request's outputs would go (its number of outputs
	// known), not the one path a template names.
	Planned bool
}

func (e *ExistsError) Error() string {
	if len(e.Paths) == 1 {
		if e.Planned {
			return e.Paths[0] + " already exists and this request would save an output there"
		}
		return e.Paths[0] + " already exists"
	}
	if e.Planned {
		return fmt.Sprintf("%d files this request would save already exist (%s)", len(e.Paths), strings.Join(e.Paths, ", "))
	}
	return fmt.Sprintf("%d files already exist (%s)", len(e.Paths), strings.Join(e.Paths, ", "))
}

// ExitKind is usage when nothing was spent yet, else a plain failure.
func (e *ExistsError) ExitKind() clierr.Kind {
	if e.Early {
		return clierr.KindUsage
	}
	return clierr.KindGeneric
}

// ErrStdoutTaken is a template of "-" (the output to standard output) when the JSON document needs
// standard output (Check.JSON).
var ErrStdoutTaken = clierr.New(clierr.KindUsage,
	errors.New("the output cannot be written to standard output: the JSON document goes there"))
