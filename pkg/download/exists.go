package download

import (
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
)

// ExistsError is a file (or several) a download would replace without Overwrite.
type ExistsError struct {
	Paths []string
	// Early is set when it was found before anything was sent or paid for: a usage error (exit 2).
	Early bool
}

func (e *ExistsError) Error() string {
	if len(e.Paths) == 1 {
		return fmt.Sprintf("%s already exists; use --overwrite to replace it, or -o to choose another name", e.Paths[0])
	}
	return fmt.Sprintf("%d files already exist (%s); use --overwrite to replace them, or -o to choose other names",
		len(e.Paths), strings.Join(e.Paths, ", "))
}

// ExitKind is usage when nothing was spent yet, else a plain failure.
func (e *ExistsError) ExitKind() clierr.Kind {
	if e.Early {
		return clierr.KindUsage
	}
	return clierr.KindGeneric
}
