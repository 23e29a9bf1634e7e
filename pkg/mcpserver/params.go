package mcpserver

import (
	"errors"
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
)

// paramsError words a body's problems by this tool's parameters (params.width), with the body path
// the API sees; the command line's words name its flags instead. nil when err is not (only) such
// problems: a failed fetch, a cancelled call.
func paramsError(t catalog.Task, err error) *ToolError {
	if err == nil {
		return nil
	}
	var lines []string
	for _, e := range problems(err) {
		line, ok := paramsLine(t, e)
		if !ok {
			return nil
		}
		lines = append(lines, line)
	}
	return &ToolError{Msg: strings.Join(lines, "\n"), Hint: "call describe_task " + t.Name + " for its parameters"}
}

// problems are the errors of a joined error (every problem of a request, found at once), else err.
func problems(err error) []error {
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) && err.Error() == j.(error).Error() {
		return j.Unwrap()
	}
	return []error{err}
}

// paramsLine words one problem: a field's violation, or an input that could not be read.
func paramsLine(t catalog.Task, err error) (string, bool) {
	var fe *catalog.FieldError
	var ie *body.InputError
	switch {
	case errors.As(err, &fe):
		return violationLine(t, fe.Violation), true
	case errors.As(err, &ie) && ie.Source.Kind == body.FromFlag:
		if f, ok := t.Flag(ie.Source.Name); ok {
			return paramName(t, f.Path) + ": " + ie.Err.Error(), true
		}
	case errors.As(err, &ie) && ie.Source.Kind == body.FromData:
		return "params: " + ie.Err.Error(), true
	}
	return "", false
}

func violationLine(t catalog.Task, v *catalog.Violation) string {
	switch v.Kind {
	case catalog.ViolationMissing:
		return fmt.Sprintf("%s: missing required field %s", t.Name, paramName(t, v.Path))
	case catalog.ViolationGroup:
		which, paths := v.GroupChoice()
		names := make([]string, len(paths))
		for j, p := range paths {
			names[j] = paramName(t, p)
		}
		return t.Name + ": " + which + strings.Join(names, " or ")
	}
	return fmt.Sprintf("%s: %s %s", t.Name, paramName(t, v.Path), v.Problem)
}

// paramName is a body path as params names it: the short key when it means the same path
// ("params.width (request.width)"), else the path itself.
func paramName(t catalog.Task, path string) string {
	if i := strings.IndexByte(path, '.'); i > 0 && t.FullPath(path[i+1:]) == path {
		return "params." + path[i+1:] + " (" + path + ")"
	}
	return "params." + path
}
