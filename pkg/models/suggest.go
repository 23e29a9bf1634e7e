package models

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/textdist"
)

// Suggest returns up to n names of available models of kind that look like name, best first: the
// same name in another case or without its file extension, then names that it begins (or that begin
// it), names that contain it, and close spellings (edit distance, transpositions counting one).
func Suggest(ms []novita.Model, kind Kind, name string, n int) []string {
	in := []rune(normName(name))
	if len(in) == 0 || n <= 0 {
		return nil
	}
	maxDist := min(1+len(in)/5, 5)
	type cand struct {
		name            string
		rank, dist, gap int
	}
	seen := map[string]bool{name: true}
	var cs []cand
	for _, m := range ms {
		api := m.APIName()
		if !m.Available() || !kind.Of(m) || seen[api] || !shellWord(api) {
			continue
		}
		seen[api] = true
		cn := []rune(normName(api))
		c := cand{name: api, gap: abs(len(cn) - len(in))}
		switch sin, scn := string(in), string(cn); {
		case scn == sin:
			c.rank = 0
		case len(in) >= 3 && (strings.HasPrefix(scn, sin) || strings.HasPrefix(sin, scn)):
			c.rank = 1
		case len(in) >= 4 && strings.Contains(scn, sin):
			c.rank = 2
		default:
			if c.dist = textdist.Runes(in, cn, maxDist); c.dist <= maxDist {
				c.rank = 3
			} else if len(in) >= 6 && len(cn) > len(in) {
				// A typo in a shortened name: "dreamshapr_8" for dreamshaper_8_93211.
				if c.dist = textdist.Runes(in, cn[:len(in)], maxDist); c.dist > maxDist {
					continue
				}
				c.rank = 4
			} else {
				continue
			}
		}
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b cand) int {
		for _, d := range []int{a.rank - b.rank, a.dist - b.dist, a.gap - b.gap} {
			if d != 0 {
				return d
			}
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]string, 0, min(n, len(cs)))
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.name)
	}
	return out
}

// normName is the form names are compared in: lower case, without a model file extension.
func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, ext := range []string{".safetensors", ".ckpt", ".pt", ".pth", ".bin"} {
		s = strings.TrimSuffix(s, ext)
	}
	return s
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Warning is the submit-time check of one model name: "" when there is nothing to say, else one
// line for stderr. It only speaks from a fresh list (a stale or missing one cannot tell a typo from
// a new model) and it is a warning, never a refusal: private models may be absent from the list.
// Names are quoted with %q, so control characters from the user or the network are escaped.
func Warning(s Snapshot, kind Kind, name string) string {
	if !s.Fresh() || name == "" {
		return ""
	}
	var other *novita.Model
	for i, m := range s.Models {
		if m.APIName() != name && m.SDName != name {
			continue
		}
		if kind.Of(m) {
			if !m.Available() {
				return fmt.Sprintf("%s %q is listed by Novita as unavailable: the task may fail", kind.Label(), name)
			}
			return ""
		}
		other = &s.Models[i]
	}
	if other != nil {
		return fmt.Sprintf("%q is a %s in Novita's model list, not a %s", name, kindLabelOf(*other), kind.Label())
	}
	msg := fmt.Sprintf("%s %q is not in Novita's model list (fetched %s)", kind.Label(), name, ago(s.Age))
	if sug := Suggest(s.Models, kind, name, 3); len(sug) > 0 {
		q := make([]string, len(sug))
		for i, n := range sug {
			q[i] = fmt.Sprintf("%q", n)
		}
		msg += "; did you mean " + strings.Join(q, " or ") + "?"
	}
	return msg + UnlistedNote
}

// UnlistedNote ends the warning about a name the list does not have: the list may be behind, and the
// caller says how to refresh it.
const UnlistedNote = " (a private or new model may be missing from the list)"

// BodyWarnings checks every model name in a request body for the task (catalog Task.Name):
// request.model_name, each LoRA, embedding and ControlNet unit, the VAE. One Warning per problem,
// in a stable order; none when the list is not fresh.
func BodyWarnings(s Snapshot, endpoint string, body map[string]any) []string {
	if !s.Fresh() {
		return nil
	}
	fields := modelFields(endpoint)
	patterns := make([]string, 0, len(fields))
	for p := range fields {
		patterns = append(patterns, p)
	}
	slices.Sort(patterns)
	var out []string
	for _, p := range patterns {
		for _, v := range valuesAt(body, strings.Split(p, ".")) {
			if name, ok := v.(string); ok {
				if w := Warning(s, fields[p], name); w != "" {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// valuesAt collects the values at a path whose "#" segments stand for every element of an array.
func valuesAt(v any, path []string) []any {
	if len(path) == 0 {
		return []any{v}
	}
	switch x := v.(type) {
	case map[string]any:
		if next, ok := x[path[0]]; ok && path[0] != "#" {
			return valuesAt(next, path[1:])
		}
	case []any:
		if path[0] == "#" {
			var out []any
			for _, e := range x {
				out = append(out, valuesAt(e, path[1:])...)
			}
			return out
		}
	}
	return nil
}

// kindLabelOf names m's type for humans; an unknown type name is shown without control characters.
func kindLabelOf(m novita.Model) string {
	for _, k := range []Kind{KindCheckpoint, KindLoRA, KindVAE, KindControlNet, KindUpscaler, KindEmbedding} {
		if k.Of(m) {
			return k.Label()
		}
	}
	return oneLine(m.Type.Name)
}

// ago is an age for humans: "just now", "12m ago", "5h ago".
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	}
	return fmt.Sprintf("%dh ago", int(d/time.Hour))
}
