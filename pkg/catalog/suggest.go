package catalog

import (
	"slices"
	"sort"
	"strings"

	"github.com/novita-cli/novita/pkg/textdist"
)

// maxSuggestions bounds a "did you mean" list.
const maxSuggestions = 3

// Suggest returns up to three canonical names close to name: by edit distance over names and aliases
// (a third of the name's length, at least 1, at most 3 edits), or names that start with it. Exact
// matches are not suggestions: Lookup finds them.
func (c *Catalog) Suggest(name string) []string {
	q := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "/v3/async/")))
	if q == "" {
		return nil
	}
	limit := min(max(len(q)/3, 1), 3)
	best := map[string]int{}                                 // canonical name -> score (lower is better)
	for _, e := range slices.Concat(c.entries, c.training) { // a training endpoint's name is close too
		for _, key := range append([]string{e.Name}, e.Aliases...) {
			k := strings.ToLower(key)
			score := -1
			if d := textdist.Distance(q, k, limit); d <= limit {
				score = d
			} else if len(q) >= 3 && strings.HasPrefix(k, q) {
				score = limit + 1 + len(k) - len(q)
			}
			if score < 0 {
				continue
			}
			if prev, ok := best[e.Name]; !ok || score < prev {
				best[e.Name] = score
			}
		}
	}
	out := make([]string, 0, len(best))
	for n := range best {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		if best[out[i]] != best[out[j]] {
			return best[out[i]] < best[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > maxSuggestions {
		out = out[:maxSuggestions]
	}
	return out
}
