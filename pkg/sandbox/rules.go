package sandbox

import (
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
)

// apiMessage words a catalog violation the way the simulated API does ("request.width: must be between
// 128 and 2048"): the field, then the rule, without echoing the value.
func apiMessage(v *catalog.Violation) string {
	p := v.Path
	integer := v.Param != nil && v.Param.Type == catalog.ParamInteger
	num := func(f *float64) string {
		if integer {
			return fmt.Sprintf("%d", int64(*f))
		}
		return fmt.Sprintf("%g", *f)
	}
	switch v.Kind {
	case catalog.ViolationMissing:
		return p + ": is required"
	case catalog.ViolationType:
		switch {
		case strings.Contains(v.Want, "integer"):
			return p + ": must be an integer"
		case strings.HasPrefix(v.Want, "a boolean"):
			return p + ": must be a boolean"
		}
		return p + ": must be " + v.Want
	case catalog.ViolationLength:
		if v.Max != nil {
			return fmt.Sprintf("%s: length must be between %d and %d", p, int(*v.Min), int(*v.Max))
		}
		return fmt.Sprintf("%s: length must be at least %d", p, int(*v.Min))
	case catalog.ViolationRange:
		switch {
		case v.Min != nil && v.Max != nil && v.ExclMin:
			return fmt.Sprintf("%s: must be greater than %s and at most %s", p, num(v.Min), num(v.Max))
		case v.Min != nil && v.Max != nil:
			return fmt.Sprintf("%s: must be between %s and %s", p, num(v.Min), num(v.Max))
		case v.Min != nil:
			return fmt.Sprintf("%s: must be at least %s", p, num(v.Min))
		case v.Max != nil:
			return fmt.Sprintf("%s: must be at most %s", p, num(v.Max))
		}
	case catalog.ViolationEnum:
		return fmt.Sprintf("%s: must be one of %s", p, strings.Join(v.Allowed, ", "))
	case catalog.ViolationItems:
		switch {
		case v.Min != nil && v.Max != nil:
			return fmt.Sprintf("%s: must have between %d and %d items", p, int(*v.Min), int(*v.Max))
		case v.Min != nil:
			return fmt.Sprintf("%s: must have at least %d item(s)", p, int(*v.Min))
		case v.Max != nil:
			return fmt.Sprintf("%s: must have at most %d items", p, int(*v.Max))
		}
	}
	problem, _, _ := strings.Cut(v.Problem, ", got ")
	return p + ": " + problem
}

// oneOf reports whether v (a string) is one of vals.
func oneOf(v any, vals ...string) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	for _, x := range vals {
		if s == x {
			return true
		}
	}
	return false
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}
