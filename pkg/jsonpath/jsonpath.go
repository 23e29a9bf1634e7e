// Package jsonpath addresses values in decoded JSON by dot paths with optional [n] indexes
// ("request.loras[0].model_name", "request.loras.0.model_name"): the one walker the catalog, the body
// builder, the journal and rerun share, so a path means the same thing everywhere it is written.
package jsonpath

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Segment is one step of a path.
type Segment struct {
	Key string // the key, or the index's digits
	// Index is >= 0 when the segment can address an array element: "[2]" always does; a plain "2"
	// does when the value there is an array or absent, and is an object key when it is an object.
	Index   int
	Bracket bool // written as [n]: an array index only
}

// Parse splits a dot path with optional [n] indexes: "request.loras.0.model_name" and
// "request.loras[0].model_name" are the same path. Keys cannot contain '.', '[' or ']'.
func Parse(p string) ([]Segment, error) {
	if p == "" {
		return nil, fmt.Errorf("empty path")
	}
	var segs []Segment
	for _, part := range strings.Split(p, ".") {
		key := part
		var idxs []string
		if i := strings.IndexByte(part, '['); i >= 0 {
			key = part[:i]
			rest := part[i:]
			for rest != "" {
				end := strings.IndexByte(rest, ']')
				if rest[0] != '[' || end < 0 {
					return nil, fmt.Errorf("path %q: malformed index in %q", p, part)
				}
				idxs = append(idxs, rest[1:end])
				rest = rest[end+1:]
			}
		}
		if strings.ContainsRune(key, ']') {
			return nil, fmt.Errorf("path %q: unexpected ']' in %q", p, part)
		}
		if key == "" && len(idxs) == 0 {
			return nil, fmt.Errorf("path %q: empty segment", p)
		}
		if key != "" {
			segs = append(segs, Segment{Key: key, Index: indexOf(key)})
		}
		for _, ix := range idxs {
			n := indexOf(ix)
			if n < 0 {
				return nil, fmt.Errorf("path %q: index %q is not a non-negative integer", p, ix)
			}
			segs = append(segs, Segment{Key: ix, Index: n, Bracket: true})
		}
	}
	if segs[0].Bracket {
		return nil, fmt.Errorf("path %q: the body is an object, it cannot start with an index", p)
	}
	return segs, nil
}

func indexOf(s string) int {
	if s == "" || len(s) > 9 {
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strconv.Itoa(n) != s {
		return -1
	}
	return n
}

// Get returns the value at path under root (decoded JSON: an object, usually), and whether it exists.
// A path that does not parse exists nowhere.
func Get(root any, path string) (any, bool) {
	segs, err := Parse(path)
	if err != nil {
		return nil, false
	}
	cur := root
	for _, s := range segs {
		switch c := cur.(type) {
		case map[string]any:
			if s.Bracket {
				return nil, false
			}
			v, ok := c[s.Key]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			if s.Index < 0 || s.Index >= len(c) {
				return nil, false
			}
			cur = c[s.Index]
		default:
			return nil, false
		}
	}
	return cur, true
}

// Set stores value at path, creating objects and arrays on the way. An array index may address an
// existing element or the next one (append); a further index is an error, as is a path through a value
// that is not an object or array.
func Set(body map[string]any, path string, value any) error {
	segs, err := Parse(path)
	if err != nil {
		return err
	}
	_, err = setIn(body, segs, value, path, 0)
	return err
}

func setIn(cur any, segs []Segment, value any, path string, depth int) (any, error) {
	if depth == len(segs) {
		return value, nil
	}
	s := segs[depth]
	if cur == nil {
		if s.Index >= 0 {
			cur = []any{}
		} else {
			cur = map[string]any{}
		}
	}
	switch c := cur.(type) {
	case map[string]any:
		if s.Bracket {
			return nil, fmt.Errorf("path %q: %s is an object, not an array", path, prefix(segs, depth))
		}
		v, err := setIn(c[s.Key], segs, value, path, depth+1)
		if err != nil {
			return nil, err
		}
		c[s.Key] = v
		return c, nil
	case []any:
		if s.Index < 0 {
			return nil, fmt.Errorf("path %q: %s is an array, %q is not an index", path, prefix(segs, depth), s.Key)
		}
		if s.Index > len(c) {
			return nil, fmt.Errorf("path %q: index %d is past the end of %s (%d elements; the next index is %d)",
				path, s.Index, prefix(segs, depth), len(c), len(c))
		}
		var old any
		if s.Index < len(c) {
			old = c[s.Index]
		}
		v, err := setIn(old, segs, value, path, depth+1)
		if err != nil {
			return nil, err
		}
		if s.Index == len(c) {
			return append(c, v), nil
		}
		c[s.Index] = v
		return c, nil
	}
	return nil, fmt.Errorf("path %q: %s is a %s, not an object or array", path, prefix(segs, depth), kindName(cur))
}

// prefix renders the path up to (not including) segment depth, "the body" for the root.
func prefix(segs []Segment, depth int) string {
	if depth == 0 {
		return "the body"
	}
	var b strings.Builder
	for i, s := range segs[:depth] {
		switch {
		case s.Bracket:
			b.WriteString("[" + s.Key + "]")
		case i > 0:
			b.WriteString("." + s.Key)
		default:
			b.WriteString(s.Key)
		}
	}
	return b.String()
}

func kindName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	switch v.(type) {
	case int, int64, float64, json.Number:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// Join appends p to prefix: "a" + "b" is "a.b", "a" + "[0]" is "a[0]"; either may be empty.
func Join(prefix, p string) string {
	switch {
	case prefix == "":
		return p
	case p == "":
		return prefix
	case strings.HasPrefix(p, "["):
		return prefix + p
	}
	return prefix + "." + p
}

// Element turns a concrete path into the spec form, every array index "[]": "prompts[0].frames" and
// "prompts.0.frames" are "prompts[].frames". A path that does not parse is returned as is.
func Element(p string) string {
	segs, err := Parse(p)
	if err != nil || !strings.ContainsAny(p, "0123456789") {
		return p
	}
	var b strings.Builder
	for i, s := range segs {
		switch {
		case s.Index >= 0:
			b.WriteString("[]")
		case i > 0:
			b.WriteString("." + s.Key)
		default:
			b.WriteString(s.Key)
		}
	}
	return b.String()
}

// Field names the field a path is in, without array indexes: "images.0", "images[0]" and "images[]"
// are all "images" (a list flag gives the whole list).
func Field(p string) string {
	return strings.ReplaceAll(Element(strings.ReplaceAll(p, "[]", "")), "[]", "")
}
