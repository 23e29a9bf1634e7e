package catalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/novita-cli/novita/pkg/jsonpath"
	"github.com/novita-cli/novita/pkg/textdist"
)

// followedDefault is the default of a field whose default follows another field (Param.DefaultBy): the
// value listed for the other field's value (or its own default), else the field's plain default.
func (t Task) followedDefault(body map[string]any, p *Param) (any, bool) {
	if p.DefaultBy == nil {
		return nil, false
	}
	var other any
	if v, ok := jsonpath.Get(body, p.DefaultBy.Path); ok && v != nil {
		other = v
	} else if q, ok := t.Param(p.DefaultBy.Path); ok && q.DefaultBy == nil { // one level: no cycles
		other = q.Default
		if other == nil {
			other = q.APIDefault
		}
	}
	if s, ok := text(other); ok {
		if d, ok := p.DefaultBy.Values[s]; ok {
			return normalize(d), true
		}
	}
	if p.Default != nil {
		return p.Default, true
	}
	return nil, false
}

// FillFollowedDefaults sets every absent field whose default follows another field, once the user's
// values are all in the body: `img2video --model SVD` gets frames_num 14, SVD-XT 25. An explicit value
// is left alone (the spec's rules refuse a conflicting one).
func (t Task) FillFollowedDefaults(body map[string]any) error {
	for _, path := range t.Following {
		if v, ok := jsonpath.Get(body, path); ok && v != nil {
			continue
		}
		p, ok := t.Param(path)
		if !ok {
			continue
		}
		if d, ok := t.followedDefault(body, p); ok {
			if err := jsonpath.Set(body, path, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// CanonicalEnums rewrites enum values given in another letter case to the spec's spelling
// (--sampler "euler a" sends "Euler a"), in place. Values matching no enum value, or several in
// different cases, are left for validation to refuse with a suggestion.
func (t Task) CanonicalEnums(body map[string]any) {
	for i := range t.Params {
		p := &t.Params[i]
		enum, elems := p.Enum, false
		if p.Type == ParamArray {
			if p.Items == nil || len(p.Items.Enum) == 0 {
				continue
			}
			enum, elems = p.Items.Enum, true
		}
		if len(enum) == 0 {
			continue
		}
		for _, at := range expand(body, p.Path) {
			v, ok := getAny(at.root, at.rest)
			if !ok {
				continue
			}
			if !elems {
				if s, ok := v.(string); ok {
					if c, ok := foldMatch(s, enum); ok && c != s {
						_ = jsonpath.Set(body, at.path, c)
					}
				}
				continue
			}
			if a, ok := v.([]any); ok {
				for j, e := range a {
					if s, ok := e.(string); ok {
						if c, ok := foldMatch(s, enum); ok {
							a[j] = c
						}
					}
				}
			}
		}
	}
}

// foldMatch finds the one enum value equal to s in any letter case (surrounding spaces ignored).
func foldMatch(s string, enum []string) (string, bool) {
	s = strings.TrimSpace(s)
	found := ""
	for _, e := range enum {
		if e == s {
			return e, true
		}
		if strings.EqualFold(e, s) {
			if found != "" {
				return "", false
			}
			found = e
		}
	}
	return found, found != ""
}

// closeTo is the allowed value nearest to s for a "did you mean": within a third of its length in
// edits (at least 1, at most 3), letter case ignored; "" when none is that close.
func closeTo(s string, allowed []string) string {
	q := strings.ToLower(strings.TrimSpace(s))
	if q == "" {
		return ""
	}
	limit := min(max(len(q)/3, 1), 3)
	best, bestD := "", limit+1
	for _, a := range allowed {
		if d := textdist.Distance(q, strings.ToLower(a), limit); d < bestD {
			best, bestD = a, d
		}
	}
	return best
}

// Text words a followed default for help: "by model_name: SVD 14, SVD-XT 25".
func (d *DefaultBy) Text() string {
	keys := make([]string, 0, len(d.Values))
	for k := range d.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %v", k, d.Values[k])
	}
	return "by " + d.Path + ": " + strings.Join(parts, ", ")
}
