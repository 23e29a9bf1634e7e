package catalog

import (
	"sort"
	"strings"
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
	best := map[string]int{} // canonical name -> score (lower is better)
	for _, e := range c.entries {
		for _, key := range append([]string{e.Name}, e.Aliases...) {
			k := strings.ToLower(key)
			score := -1
			if d := editDistance(q, k, limit); d <= limit {
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

// editDistance is the Damerau-Levenshtein (optimal string alignment) distance of a and b; it stops
// early and returns limit+1 once the distance must exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
