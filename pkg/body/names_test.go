package body

import (
	"errors"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
)

// named is err's message followed by the facts the command line words it with (cmd/internal/words):
// the input at fault as its flag ("[--set a=b]") and the flags of a field ("[--width]", "[--set
// path]" when none sets it). The tests assert the facts, whatever the words.
func named(err error) string {
	if err == nil {
		return ""
	}
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) && err.Error() == j.(error).Error() {
		lines := make([]string, 0, len(j.Unwrap()))
		for _, e := range j.Unwrap() {
			lines = append(lines, named(e))
		}
		return strings.Join(lines, "\n")
	}
	var facts []string
	var ie *InputError
	if errors.As(err, &ie) {
		switch s := ie.Source; s.Kind {
		case FromData:
			facts = append(facts, "--data "+s.Name)
		case FromSet:
			facts = append(facts, "--set "+s.Name)
		case FromSetFile:
			facts = append(facts, "--set-file "+s.Name)
		case FromFlag:
			facts = append(facts, "--"+s.Name)
		}
	}
	var fe *catalog.FieldError
	if errors.As(err, &fe) {
		for _, p := range append([]string{fe.Violation.Path}, fe.Violation.Allowed...) {
			if f := fe.Flags[p]; f != "" {
				facts = append(facts, "--"+f)
			} else {
				facts = append(facts, "--set "+p)
			}
		}
	}
	if len(facts) == 0 {
		return err.Error()
	}
	return err.Error() + " [" + strings.Join(facts, "; ") + "]"
}
