package testevent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
)

// Edit applies --set path=value edits to an event body. Paths are dot-separated keys with numeric
// indexes for arrays (payload.images.0.image_type); missing object keys are created. The value is
// parsed as JSON when it is valid JSON, else taken as a string. A bad edit is a usage error.
func Edit(body []byte, sets []string) ([]byte, error) {
	if len(sets) == 0 {
		return body, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keep numbers exactly as they were
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, clierr.Usagef("event is not JSON: %v", err)
	}
	for _, set := range sets {
		path, raw, ok := strings.Cut(set, "=")
		if !ok || strings.TrimSpace(path) == "" {
			return nil, clierr.Usagef("--set %q: want path=value", set)
		}
		var val any = raw
		if json.Valid([]byte(raw)) {
			vd := json.NewDecoder(strings.NewReader(raw))
			vd.UseNumber()
			_ = vd.Decode(&val) // valid JSON: cannot fail
		}
		var err error
		if doc, err = setPath(doc, strings.Split(path, "."), val); err != nil {
			return nil, clierr.Usagef("--set %s: %v", path, err)
		}
	}
	return marshal(doc)
}

func setPath(node any, keys []string, val any) (any, error) {
	if len(keys) == 0 {
		return val, nil
	}
	key := keys[0]
	if key == "" {
		return nil, fmt.Errorf("empty path element")
	}
	switch n := node.(type) {
	case map[string]any:
		child, err := setPath(n[key], keys[1:], val)
		if err != nil {
			return nil, err
		}
		n[key] = child
		return n, nil
	case []any:
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(n) {
			return nil, fmt.Errorf("%q is not an index of an array of %d", key, len(n))
		}
		child, err := setPath(n[i], keys[1:], val)
		if err != nil {
			return nil, err
		}
		n[i] = child
		return n, nil
	case nil:
		child, err := setPath(nil, keys[1:], val)
		if err != nil {
			return nil, err
		}
		return map[string]any{key: child}, nil
	}
	return nil, fmt.Errorf("cannot set %q inside a %T", key, node)
}
