package words

import (
	"fmt"
	"strings"

	"github.com/novita-cli/novita/cmd/internal/example"
	"github.com/novita-cli/novita/pkg/catalog"
)

// wordCatalog words the catalog's errors: a field by the flag that sets it, a task by the command
// that runs it or lists the others.
func wordCatalog(err error) (string, bool) {
	if e, ok := as[*catalog.FieldError](err); ok {
		return wordField(e), true
	}
	if e, ok := as[*catalog.TrainingEndpointError](err); ok {
		return fmt.Sprintf("%s is a LoRA training endpoint, not a task: upload the images and start it with %s (novita catalog %s shows its parameters)",
			e.Name, example.TrainCommand(e.Path), e.Name), true
	}
	if e, ok := as[*catalog.TaskNameError](err); ok {
		msg := fmt.Sprintf("invalid task name %q: use a catalog name (novita catalog lists them) or an endpoint name under /v3/async/", e.Name)
		if len(e.Suggestions) > 0 {
			msg += "; did you mean " + strings.Join(e.Suggestions, " or ") + "?"
		}
		return msg, true
	}
	if e, ok := as[*catalog.NoBodyError](err); ok {
		if len(e.Suggestions) > 0 {
			return fmt.Sprintf("%s is not in the catalog: did you mean %s? (an unknown endpoint needs its body from --data JSON)",
				e.Task, strings.Join(e.Suggestions, " or ")), true
		}
		return e.Task + " is not in the catalog and no body was given: build it with --data JSON (and --set path=value), or use a known task (novita catalog lists them)", true
	}
	return "", false
}

// wordField is one violation with how to set the field on this command line.
func wordField(e *catalog.FieldError) string {
	v := e.Violation
	switch v.Kind {
	case catalog.ViolationMissing:
		return fmt.Sprintf("%s: missing required field %s: %s", e.Task, v.Path, howToSet(e, v.Path))
	case catalog.ViolationGroup:
		which, paths := v.GroupChoice()
		names := make([]string, len(paths))
		for i, p := range paths {
			if f := e.Flags[p]; f != "" {
				names[i] = "--" + f
			} else {
				names[i] = "--set " + p + "=VALUE"
			}
		}
		msg := e.Task + ": " + which + strings.Join(names, " or ")
		if v.Note != "" {
			msg += " (" + v.Note + ")"
		}
		return msg
	}
	problem := v.Problem
	if f := e.Flags[v.Path]; f != "" && problem == catalog.ProblemURLForBase64 {
		problem += " (give a local file, or the URL to --" + f + " and it is fetched)"
	}
	return fmt.Sprintf("%s: %s %s (%s)", e.Task, v.Path, problem, howToSet(e, v.Path))
}

// howToSet tells the user how to give a field a value.
func howToSet(e *catalog.FieldError, path string) string {
	if f := e.Flags[path]; f != "" {
		return fmt.Sprintf("set it with --%s or --set %s=VALUE", f, path)
	}
	return fmt.Sprintf("set it with --set %s=VALUE", path)
}
