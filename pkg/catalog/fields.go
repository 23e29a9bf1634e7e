package catalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/textdist"
)

// UnknownFieldError is a body field the task's spec does not document: a typo, most likely. Its
// message names the closest documented paths; what to run to list them is the caller's to say.
type UnknownFieldError struct {
	Task        string
	Path        string   // concrete path: "request.promt", "request.loras[0].strenght"
	Suggestions []string // documented paths close to it
}

func (e *UnknownFieldError) Error() string {
	msg := fmt.Sprintf("%s has no field %s", e.Task, e.Path)
	if len(e.Suggestions) > 0 {
		msg += " (did you mean " + strings.Join(e.Suggestions, " or ") + "?)"
	}
	return msg
}

// ExitKind makes an unknown field a usage error (exit 2).
func (e *UnknownFieldError) ExitKind() clierr.Kind { return clierr.KindUsage }

// CheckFields returns an *UnknownFieldError for the first field of body (in key order) that no
// parameter of the spec documents, nor lies inside an object parameter documented without fields.
// The CLI lets such fields through (the API may know more than the spec); callers that must catch a
// typo before paying, such as an agent's tool call, refuse them. Pass-through tasks accept anything.
func (t Task) CheckFields(body map[string]any) error {
	if !t.Known() {
		return nil
	}
	known := map[string]*Param{}
	for i := range t.Params {
		known[t.Params[i].Path] = &t.Params[i]
	}
	return t.checkObject(known, body, "", "")
}

// checkObject walks one object of the body: pattern is its path in the spec's form ("prompts[]."),
// concrete the same with indexes ("prompts[0].").
func (t Task) checkObject(known map[string]*Param, obj map[string]any, pattern, concrete string) error {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p, c := pattern+k, concrete+k
		prm, documented := known[p]
		inside := hasPrefixPath(known, p)
		switch {
		case !documented && !inside:
			return &UnknownFieldError{Task: t.Name, Path: c, Suggestions: closePaths(known, p)}
		case documented && prm.Type == ParamObject && !inside:
			continue // a free-form object: its fields are the API's business
		}
		switch v := obj[k].(type) {
		case map[string]any:
			if err := t.checkObject(known, v, p+".", c+"."); err != nil {
				return err
			}
		case []any:
			for i, el := range v {
				if m, ok := el.(map[string]any); ok {
					if err := t.checkObject(known, m, p+"[].", fmt.Sprintf("%s[%d].", c, i)); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// hasPrefixPath tells whether some documented path lies inside p (p.field or p[].field).
func hasPrefixPath(known map[string]*Param, p string) bool {
	for k := range known {
		if strings.HasPrefix(k, p+".") || strings.HasPrefix(k, p+"[].") {
			return true
		}
	}
	return false
}

// closePaths returns up to three documented paths near p: the same parent with a name a few edits
// away, best first.
func closePaths(known map[string]*Param, p string) []string {
	parent, name := "", p
	if i := strings.LastIndex(p, "."); i >= 0 {
		parent, name = p[:i+1], p[i+1:]
	}
	limit := min(max(len(name)/3, 1), 3)
	score := map[string]int{}
	for k := range known {
		if !strings.HasPrefix(k, parent) {
			continue
		}
		field, _, _ := strings.Cut(k[len(parent):], ".") // the field at this level, or the object holding k
		cand := strings.TrimSuffix(field, "[]")
		if d := textdist.Distance(strings.ToLower(name), strings.ToLower(cand), limit); d <= limit {
			score[parent+field] = d
		}
	}
	out := make([]string, 0, len(score))
	for k := range score {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if score[out[i]] != score[out[j]] {
			return score[out[i]] < score[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > maxSuggestions {
		out = out[:maxSuggestions]
	}
	return out
}
