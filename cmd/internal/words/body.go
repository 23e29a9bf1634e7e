package words

import (
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/body"
)

// wordBody words the body builder's errors by the flag that gave the input at fault.
func wordBody(err error) (string, bool) {
	switch err {
	case body.ErrAssignmentForm:
		return err.Error() + ", e.g. --set request.seed=42", true
	case body.ErrFileAssignmentForm:
		return err.Error() + ", e.g. --set-file request.image_base64=photo.png", true
	}
	if e, ok := as[*body.InputError](err); ok {
		return sourceFlag(e.Source) + ": " + worded(e.Err), true
	}
	if e, ok := as[*body.URLFieldError](err); ok {
		return fmt.Sprintf("%s takes an http(s) URL, not a file: give the URL with --set %s=URL", e.Path, e.Path), true
	}
	if e, ok := as[*body.FlagError](err); ok {
		if !e.Known {
			return e.Task + " is not in the catalog, so typed flags do not apply: build the body with --data JSON and --set path=value", true
		}
		return fmt.Sprintf("task %s does not take this flag (it takes --%s); set the field directly with --set path=value",
			e.Task, strings.Join(e.Takes, ", --")), true
	}
	return "", false
}

// sourceFlag is the flag that gave a body input: "--data file req.json", "--set request.seed=4x".
func sourceFlag(s body.Source) string {
	switch s.Kind {
	case body.FromData:
		switch {
		case s.Name == "-":
			return "--data -"
		case strings.HasPrefix(s.Name, "@"):
			return "--data file " + s.Name[1:]
		}
		return "--data"
	case body.FromSet:
		return "--set " + s.Name
	case body.FromSetFile:
		return "--set-file " + s.Name
	case body.FromFlag:
		return "--" + s.Name
	}
	return s.String()
}
