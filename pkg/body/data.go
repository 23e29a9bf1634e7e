package body

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
)

// parseObject decodes a JSON object keeping numbers as json.Number (so 42 stays 42, not 4.2e+01).
// Syntax errors name the line and column.
func parseObject(src []byte, where string) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.Is(err, io.EOF):
			return nil, clierr.Usagef("%s: empty, want a JSON object", where)
		case errors.As(err, &se):
			return nil, clierr.Usagef("%s: invalid JSON at %s: %v", where, position(src, se.Offset), err)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, clierr.Usagef("%s: invalid JSON: unexpected end at %s", where, position(src, int64(len(src))))
		}
		return nil, clierr.Usagef("%s: invalid JSON: %v", where, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, clierr.Usagef("%s: invalid JSON: unexpected data after the object at %s", where, position(src, dec.InputOffset()))
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, clierr.Usagef("%s: want a JSON object ({...}), got %s", where, jsonKind(v))
	}
	return obj, nil
}

// position renders a byte offset as "line L, column C" (1-based).
func position(src []byte, off int64) string {
	if off > int64(len(src)) {
		off = int64(len(src))
	}
	before := src[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d (offset %d)", line, col, off)
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// underRequest moves the top-level keys of a shape-A --data object other than "extra" and "request"
// under "request", so --data '{"prompt":"x"}' means what the user meant.
func underRequest(data map[string]any) (map[string]any, error) {
	var loose []string
	for k := range data {
		if k != "extra" && k != "request" {
			loose = append(loose, k)
		}
	}
	if len(loose) == 0 {
		return data, nil
	}
	req, ok := data["request"].(map[string]any)
	if !ok {
		if data["request"] != nil {
			return nil, clierr.Usagef("--data: \"request\" must be an object, got %s", jsonKind(data["request"]))
		}
		req = map[string]any{}
	}
	for _, k := range loose {
		req[k] = data[k]
		delete(data, k)
	}
	data["request"] = req
	return data, nil
}

// merge deep-merges src onto dst: objects merge key by key, everything else replaces.
func merge(dst, src map[string]any) {
	for k, sv := range src {
		sm, sIsMap := sv.(map[string]any)
		dm, dIsMap := dst[k].(map[string]any)
		if sIsMap && dIsMap {
			merge(dm, sm)
			continue
		}
		dst[k] = sv
	}
}

// ParseAssignment splits "path=value" and parses value as JSON when it is valid JSON (numbers kept as
// json.Number), else takes it as a string. "a.b=" sets the empty string.
func ParseAssignment(s string) (path string, value any, err error) {
	path, raw, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(path) == "" {
		return "", nil, fmt.Errorf("want path=value, e.g. --set request.seed=42")
	}
	return strings.TrimSpace(path), parseValue(raw), nil
}

func parseValue(raw string) any {
	if strings.TrimSpace(raw) == "" {
		return raw
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return raw
	}
	return v
}

// SetPath stores value at a body path (dot path with [n] or .n array indexes), creating objects and
// arrays on the way. Unlike Build it applies no shape-A "request." convenience: the path is from the
// root of whatever document body is (a request body, a webhook event). Errors are usage errors.
func SetPath(body map[string]any, path string, value any) error {
	if err := catalog.Set(body, path, value); err != nil {
		return clierr.Usagef("%v", err)
	}
	return nil
}

// ApplySets applies "path=value" assignments (as --set does) to any JSON document, paths from its root.
func ApplySets(doc map[string]any, sets []string) error {
	for _, s := range sets {
		path, value, err := ParseAssignment(s)
		if err != nil {
			return clierr.Usagef("--set %s: %v", s, err)
		}
		if err := catalog.Set(doc, path, value); err != nil {
			return clierr.Usagef("--set %s: %v", s, err)
		}
	}
	return nil
}
