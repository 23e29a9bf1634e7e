package body

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/novita-cli/novita/pkg/clierr"
)

// parseObject decodes a JSON object keeping numbers as json.Number (so 42 stays 42, not 4.2e+01).
// Syntax errors name the line and column.
func parseObject(src []byte, where Source) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.Is(err, io.EOF):
			return nil, inputErr(where, clierr.Usagef("empty, want a JSON object"))
		case errors.As(err, &se):
			return nil, inputErr(where, clierr.Usagef("invalid JSON at %s: %v", position(src, se.Offset), err))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, inputErr(where, clierr.Usagef("invalid JSON: unexpected end at %s", position(src, int64(len(src)))))
		}
		return nil, inputErr(where, clierr.Usagef("invalid JSON: %v", err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, inputErr(where, clierr.Usagef("invalid JSON: unexpected data after the object at %s", position(src, dec.InputOffset())))
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, inputErr(where, clierr.Usagef("want a JSON object ({...}), got %s", jsonKind(v)))
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
func underRequest(data map[string]any, where Source) (map[string]any, error) {
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
			return nil, inputErr(where, clierr.Usagef("\"request\" must be an object, got %s", jsonKind(data["request"])))
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
