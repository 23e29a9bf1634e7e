package body

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// assignment is one parsed --set: path=value (typed from the spec) or path:=JSON (raw).
type assignment struct {
	path string
	text string // the value as typed
	raw  bool   // path:=JSON
}

// parseAssignment splits "path=value" or "path:=JSON" at the first '='.
func parseAssignment(s string) (assignment, error) {
	path, text, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(strings.TrimSuffix(path, ":")) == "" {
		return assignment{}, ErrAssignmentForm
	}
	a := assignment{path: strings.TrimSpace(path), text: text}
	if strings.HasSuffix(a.path, ":") {
		a.path, a.raw = strings.TrimSpace(strings.TrimSuffix(a.path, ":")), true
	}
	return a, nil
}

// ParseAssignment splits "path=value" and parses value as JSON when it is valid JSON (numbers kept as
// json.Number), else takes it as a string: the untyped form, for paths no spec describes. "a.b=" sets
// the empty string. "path:=JSON" requires valid JSON.
func ParseAssignment(s string) (path string, value any, err error) {
	a, err := parseAssignment(s)
	if err != nil {
		return "", nil, err
	}
	if a.raw {
		v, ok := parseJSON(a.text)
		if !ok {
			return "", nil, fmt.Errorf("%s:= takes JSON, and %q is not valid JSON (quote strings: %s:='\"text\"')", a.path, a.text, a.path)
		}
		return a.path, v, nil
	}
	return a.path, parseValue(a.text), nil
}

// parseValue is JSON when the text is valid JSON, else the text itself.
func parseValue(raw string) any {
	if strings.TrimSpace(raw) == "" {
		return raw
	}
	if v, ok := parseJSON(raw); ok {
		return v
	}
	return raw
}

// parseJSON decodes exactly one JSON value, numbers kept as json.Number.
func parseJSON(raw string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return v, true
}

// applySet applies one --set to a task body: typed from the spec where the path is known.
func (b *builder) applySet(body map[string]any, s string) error {
	what := Source{Kind: FromSet, Name: s}
	a, err := parseAssignment(s)
	if err != nil {
		return inputErr(what, clierr.New(clierr.KindUsage, err))
	}
	if a.raw {
		_, v, err := ParseAssignment(s)
		if err != nil {
			return inputErr(what, clierr.New(clierr.KindUsage, err))
		}
		return b.set(body, what, a.path, v)
	}
	full := b.task.FullPath(a.path)
	p, known := b.task.Param(full)
	if !known {
		return b.set(body, what, a.path, parseValue(a.text))
	}
	v, err := typedValue(p, a.text)
	if err != nil {
		return inputErr(what, clierr.Usagef("%s %v (use %s:=JSON to send any JSON)", full, err, a.path))
	}
	return b.set(body, what, a.path, v)
}

// typedValue converts --set text for a parameter of the spec: strings stay text (42 stays "42"; a JSON
// string literal such as "42" with its quotes is unquoted, as --set always did), numbers and booleans
// must parse as such (null sends null), lists take JSON or one element, objects take JSON.
func typedValue(p *catalog.Param, text string) (any, error) {
	switch p.Type {
	case catalog.ParamString, catalog.ParamEnum, catalog.ParamFile:
		if strings.HasPrefix(text, `"`) {
			if v, ok := parseJSON(text); ok {
				if s, isStr := v.(string); isStr {
					return s, nil
				}
			}
		}
		return text, nil
	case catalog.ParamInteger, catalog.ParamNumber:
		v, ok := parseJSON(text)
		if n, isNum := v.(json.Number); ok && isNum {
			if _, err := n.Int64(); err != nil && p.Type == catalog.ParamInteger {
				return nil, fmt.Errorf("is an integer, got %q", text)
			}
			return n, nil
		}
		if ok && v == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("is %s, got %q", article(p.Type), text)
	case catalog.ParamBoolean:
		v, ok := parseJSON(strings.ToLower(strings.TrimSpace(text)))
		if _, isBool := v.(bool); ok && (isBool || v == nil) {
			return v, nil
		}
		return nil, fmt.Errorf("is true or false, got %q", text)
	case catalog.ParamArray:
		if v, ok := parseJSON(text); ok {
			if _, isList := v.([]any); isList {
				return v, nil
			}
		}
		if p.Items == nil || p.Items.Type == catalog.ParamString || p.Items.Type == catalog.ParamFile || p.Items.Type == catalog.ParamEnum {
			return []any{text}, nil
		}
		return nil, fmt.Errorf("is a JSON array, got %q", text)
	case catalog.ParamObject:
		if v, ok := parseJSON(text); ok {
			if _, isObj := v.(map[string]any); isObj || v == nil {
				return v, nil
			}
		}
		return nil, fmt.Errorf("is a JSON object, got %q", text)
	}
	return parseValue(text), nil
}

func article(typ string) string {
	if typ == catalog.ParamInteger {
		return "an integer"
	}
	return "a number"
}

// setPath stores value at a body path (dot path with [n] or .n array indexes), creating objects and
// arrays on the way. Unlike Build it applies no path convenience: the path is from the root of whatever
// document body is (a request body, a webhook event). Errors are usage errors.
func setPath(body map[string]any, path string, value any) error {
	if err := jsonpath.Set(body, path, value); err != nil {
		return clierr.Usagef("%v", err)
	}
	return nil
}

// ApplySets applies "path=value" assignments (untyped: JSON when valid, else a string; "path:=JSON" raw)
// to any JSON document, paths from its root.
func ApplySets(doc map[string]any, sets []string) error {
	for _, s := range sets {
		what := Source{Kind: FromSet, Name: s}
		path, value, err := ParseAssignment(s)
		if err != nil {
			return inputErr(what, clierr.New(clierr.KindUsage, err))
		}
		if err := jsonpath.Set(doc, path, value); err != nil {
			return inputErr(what, clierr.New(clierr.KindUsage, err))
		}
	}
	return nil
}
