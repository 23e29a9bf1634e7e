package catalog

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/novita-cli/novita/pkg/clierr"
)

// RuleKind selects what a Rule checks.
type RuleKind int

const (
	RuleRange  RuleKind = iota // a number within [Min, Max]
	RuleLength                 // a string of Min..Max characters (Max 0 = no upper bound)
	RuleEnum                   // one of OneOf
)

// Rule is a value check on one body field, applied only when the field is present.
type Rule struct {
	Path     string
	Kind     RuleKind
	Min, Max float64
	// OneOf values are compared with the value's text: "5" matches both 5 and "5".
	OneOf []string
}

// Range is a RuleRange.
func Range(path string, min, max float64) Rule {
	return Rule{Path: path, Kind: RuleRange, Min: min, Max: max}
}

// Length is a RuleLength.
func Length(path string, min, max int) Rule {
	return Rule{Path: path, Kind: RuleLength, Min: float64(min), Max: float64(max)}
}

// OneOf is a RuleEnum.
func OneOf(path string, values ...string) Rule {
	return Rule{Path: path, Kind: RuleEnum, OneOf: values}
}

// Validate checks a full request body against the task's required fields and rules. Errors are usage
// errors naming the field path and, when a typed flag sets that field, the flag. Pass-through tasks
// accept anything.
func (t Task) Validate(body map[string]any) error {
	if !t.Known() {
		return nil
	}
	for _, p := range t.Required {
		v, ok := Get(body, p)
		if !ok || v == nil || isEmptyArray(v) {
			return clierr.Usagef("%s: missing required field %s: %s", t.Name, p, t.howToSet(p))
		}
	}
	for _, r := range t.Rules {
		v, ok := Get(body, r.Path)
		if !ok || v == nil {
			continue
		}
		if err := r.check(v); err != nil {
			return clierr.Usagef("%s: %s %v (%s)", t.Name, r.Path, err, t.howToSet(r.Path))
		}
	}
	return nil
}

// howToSet tells the user how to give a field a value.
func (t Task) howToSet(path string) string {
	for _, f := range t.Flags {
		if f.Path == path {
			return fmt.Sprintf("set it with --%s or --set %s=VALUE", f.Flag, path)
		}
	}
	return fmt.Sprintf("set it with --set %s=VALUE", path)
}

func (r Rule) check(v any) error {
	switch r.Kind {
	case RuleRange:
		n, ok := number(v)
		if !ok {
			return fmt.Errorf("must be a number between %s and %s, got %s", fmtNum(r.Min), fmtNum(r.Max), describe(v))
		}
		if n < r.Min || n > r.Max {
			return fmt.Errorf("must be between %s and %s, got %s", fmtNum(r.Min), fmtNum(r.Max), describe(v))
		}
	case RuleLength:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("must be a string, got %s", describe(v))
		}
		n := utf8.RuneCountInString(s)
		if float64(n) < r.Min || (r.Max > 0 && float64(n) > r.Max) {
			if r.Max > 0 {
				return fmt.Errorf("must be %s-%s characters long, got %d", fmtNum(r.Min), fmtNum(r.Max), n)
			}
			return fmt.Errorf("must be at least %s characters long, got %d", fmtNum(r.Min), n)
		}
	case RuleEnum:
		s, ok := text(v)
		if ok {
			for _, want := range r.OneOf {
				if s == want {
					return nil
				}
			}
		}
		return fmt.Errorf("must be one of %s, got %s", strings.Join(r.OneOf, ", "), describe(v))
	}
	return nil
}

func isEmptyArray(v any) bool {
	a, ok := v.([]any)
	return ok && len(a) == 0
}

// number reads the numeric types a body can hold: flag values (int64, float64), --data values
// (json.Number) and values decoded without UseNumber (float64).
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func text(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number: // before string: json.Number is a string type
		return x.String(), true
	case string:
		return x, true
	}
	if n, ok := number(v); ok {
		return fmtNum(n), true
	}
	return "", false
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func describe(v any) string {
	switch x := v.(type) {
	case json.Number:
		return x.String()
	case string:
		if len(x) > 40 {
			x = x[:40] + "..."
		}
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	if n, ok := number(v); ok {
		return fmtNum(n)
	}
	return fmt.Sprintf("%v", v)
}
