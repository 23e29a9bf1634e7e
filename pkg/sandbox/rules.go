package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// check validates one field's value; it returns a message naming path ("request.width: must be ...")
// or "" when the value is fine. Values come from a json.Decoder with UseNumber.
type check func(path string, v any) string

// rule is one row of an endpoint's validation table.
type rule struct {
	name     string
	required bool
	check    check
}

func req(name string, c check) rule { return rule{name, true, c} }
func opt(name string, c check) rule { return rule{name, false, c} }

// validate runs rules over params (the "request" object or the top level), prefix being "request." or "".
func validate(prefix string, params map[string]any, rules []rule) string {
	for _, r := range rules {
		v, ok := params[r.name]
		if !ok || v == nil {
			if r.required {
				return prefix + r.name + ": is required"
			}
			continue
		}
		if msg := r.check(prefix+r.name, v); msg != "" {
			return msg
		}
	}
	return ""
}

func text(lo, hi int) check {
	return func(p string, v any) string {
		s, ok := v.(string)
		if !ok {
			return p + ": must be a string"
		}
		if n := utf8.RuneCountInString(s); n < lo || n > hi {
			return fmt.Sprintf("%s: length must be between %d and %d", p, lo, hi)
		}
		return ""
	}
}

func intIn(lo, hi int64) check {
	return func(p string, v any) string {
		n, ok := v.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil {
			return p + ": must be an integer"
		}
		if i < lo || i > hi {
			return fmt.Sprintf("%s: must be between %d and %d", p, lo, hi)
		}
		return ""
	}
}

func numIn(lo, hi float64) check {
	return func(p string, v any) string {
		n, ok := v.(json.Number)
		f, err := n.Float64()
		if !ok || err != nil || math.IsNaN(f) {
			return p + ": must be a number"
		}
		if f < lo || f > hi {
			return fmt.Sprintf("%s: must be between %g and %g", p, lo, hi)
		}
		return ""
	}
}

func boolean(p string, v any) string {
	if _, ok := v.(bool); !ok {
		return p + ": must be a boolean"
	}
	return ""
}

func object(p string, v any) string {
	if _, ok := v.(map[string]any); !ok {
		return p + ": must be an object"
	}
	return ""
}

// oneOf accepts a string (or a number, for fields like kling's duration sent either way) from vals.
func oneOf(vals ...string) check {
	return func(p string, v any) string {
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case json.Number:
			s = x.String()
		}
		if !slices.Contains(vals, s) {
			return fmt.Sprintf("%s: must be one of %s", p, strings.Join(vals, ", "))
		}
		return ""
	}
}

// rawBase64 is how Novita takes image inputs: plain base64, no data: URI prefix.
func rawBase64(p string, v any) string {
	s, ok := v.(string)
	if !ok || s == "" {
		return p + ": must be a non-empty base64 string"
	}
	if strings.HasPrefix(s, "data:") {
		return p + ": must be raw base64 without a data: URI prefix"
	}
	if _, err := decodeBase64(s); err != nil {
		return p + ": is not valid base64"
	}
	return ""
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

// urlOrDataURI is how newer video models take images.
func urlOrDataURI(p string, v any) string {
	s, _ := v.(string)
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "data:") {
		return p + ": must be an http(s) URL or a data: URI"
	}
	return ""
}

// listOf checks a non-empty array whose items pass item (called with path "p[i]").
func listOf(lo, hi int, item check) check {
	return func(p string, v any) string {
		a, ok := v.([]any)
		if !ok {
			return p + ": must be an array"
		}
		if len(a) < lo || len(a) > hi {
			return fmt.Sprintf("%s: must have between %d and %d items", p, lo, hi)
		}
		for i, x := range a {
			if msg := item(fmt.Sprintf("%s[%d]", p, i), x); msg != "" {
				return msg
			}
		}
		return ""
	}
}

// fields checks an object against its own rules (loras[i], prompts[i], ...).
func fields(rules ...rule) check {
	return func(p string, v any) string {
		m, ok := v.(map[string]any)
		if !ok {
			return p + ": must be an object"
		}
		return validate(p+".", m, rules)
	}
}
