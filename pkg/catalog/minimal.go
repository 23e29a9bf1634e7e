package catalog

import (
	"slices"
	"strconv"
	"strings"
)

// MinimalField is one value the least valid request needs from the user: a required field without a
// default (or the first field of a required group), at one concrete path.
type MinimalField struct {
	Param *Param
	Path  string // concrete: "image_settings[1].key_image"
	Flag  string // the typed flag that sets exactly this path, "" when only --set does
	Count int    // array fields: how many elements (min_items, at least 1); 1 otherwise
}

// MinimalFields lists what the least valid request needs beyond the spec's defaults, in spec order:
// the base of `novita catalog <task>`'s example and of the tests' minimal inputs. Objects and lists
// whose own fields are listed are left out (those fields create them).
func (t Task) MinimalFields() []MinimalField {
	given := map[string]bool{}
	for i := range t.Params {
		p := &t.Params[i]
		if p.Required && p.Default == nil && p.DefaultBy == nil && t.containerRequired(p.Path) {
			given[p.Path] = true
		}
	}
	for _, g := range t.Groups {
		if !g.Required || slices.ContainsFunc(g.Paths, func(p string) bool { return given[p] }) {
			continue
		}
		if p, ok := t.Param(g.Paths[0]); ok && p.Default == nil {
			given[p.Path] = true
		}
	}
	for i := range t.Params { // a required list whose element fields are all optional still needs one
		p := &t.Params[i]
		if given[p.Path] && (p.Type == ParamObject || p.Type == ParamArray) && !t.anyGivenField(p.Path, given) {
			if f, ok := t.firstField(p.Path); ok {
				given[f] = true
			}
		}
	}
	var out []MinimalField
	for i := range t.Params {
		p := &t.Params[i]
		if !given[p.Path] || (p.Type == ParamObject || p.Type == ParamArray) && t.hasFields(p.Path) {
			continue
		}
		n := 1
		if p.Type == ParamArray && p.MinItems != nil && *p.MinItems > 1 {
			n = *p.MinItems
		}
		for _, path := range t.elementPaths(p.Path) {
			f := MinimalField{Param: p, Path: path, Count: n}
			for _, fm := range t.Flags {
				if fm.Param == p && fm.Path == path {
					f.Flag = fm.Flag
				}
			}
			out = append(out, f)
		}
	}
	return out
}

// containerRequired reports whether the list holding an element field ("prompts[].prompt") is itself
// required: element fields of optional lists (loras[].model_name) need no value.
func (t Task) containerRequired(path string) bool {
	i := strings.LastIndex(path, "[]")
	if i < 0 {
		return true
	}
	p, ok := t.Param(path[:i])
	return ok && p.Required
}

// hasFields reports whether an object or list field has fields of its own in the spec.
func (t Task) hasFields(path string) bool {
	for _, p := range t.Params {
		if strings.HasPrefix(p.Path, path+".") || strings.HasPrefix(p.Path, path+"[]") {
			return true
		}
	}
	return false
}

func isFieldOf(path, parent string) bool {
	return strings.HasPrefix(path, parent+".") || strings.HasPrefix(path, parent+"[]")
}

// anyGivenField reports whether one of the fields of an object or list is in the least request or
// has a default (MiniMax's voice_setting.voice_id), either of which creates it.
func (t Task) anyGivenField(path string, given map[string]bool) bool {
	for _, p := range t.Params {
		if isFieldOf(p.Path, path) && (given[p.Path] || p.Default != nil || p.DefaultBy != nil) {
			return true
		}
	}
	return !t.hasFields(path) // nothing of its own to give: the list itself is given
}

// firstField is the first scalar field of an object or list in spec order (viduq2-pro-fast's
// subjects[].name, when the page marks no element field required).
func (t Task) firstField(path string) (string, bool) {
	for _, p := range t.Params {
		if isFieldOf(p.Path, path) && p.Type != ParamObject && p.Type != ParamArray {
			return p.Path, true
		}
	}
	return "", false
}

// elementPaths is every concrete path of a spec path in the least request: an element field of a list
// that needs n elements is given in each ("image_settings[1].key_image").
func (t Task) elementPaths(path string) []string {
	i := strings.Index(path, "[]")
	if i < 0 {
		return []string{path}
	}
	n := 1
	if p, ok := t.Param(path[:i]); ok && p.MinItems != nil && *p.MinItems > 1 {
		n = *p.MinItems
	}
	var out []string
	for _, rest := range t.elementPaths(path[i+2:]) {
		for k := range n {
			out = append(out, path[:i]+"["+strconv.Itoa(k)+"]"+rest)
		}
	}
	return out
}
