package catalog

import (
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/jsonpath"
)

// location is one concrete place a spec path names: the value at rest under root, shown as path.
type location struct {
	root any
	rest string
	path string
}

// expand lists the places a spec path names in body: one for a plain path, one per element for each "[]"
// (none when the array is absent).
func expand(body map[string]any, spath string) []location { return expandFrom(body, "", spath) }

func expandFrom(root any, prefix, spath string) []location {
	i := strings.Index(spath, "[]")
	if i < 0 {
		return []location{{root, spath, jsonpath.Join(prefix, spath)}}
	}
	arrPath, rest := spath[:i], strings.TrimPrefix(spath[i+2:], ".")
	v, ok := getAny(root, arrPath)
	a, isArr := v.([]any)
	if !ok || !isArr {
		return nil
	}
	var out []location
	for j, el := range a {
		out = append(out, expandFrom(el, fmt.Sprintf("%s[%d]", jsonpath.Join(prefix, arrPath), j), rest)...)
	}
	return out
}

// getAny is Get from any value: rest "" is the value itself.
func getAny(root any, rest string) (any, bool) {
	if rest == "" {
		return root, true
	}
	m, ok := root.(map[string]any)
	if !ok {
		return nil, false
	}
	return jsonpath.Get(m, rest)
}
