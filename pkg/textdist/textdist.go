// Package textdist owns the one edit distance of the project, behind every "did you mean": task
// names and aliases (pkg/catalog), model names (pkg/models), commands.
package textdist

// Distance is the optimal string alignment distance of a and b (Levenshtein plus transpositions of
// adjacent runes: "sumbit" is 1 from "submit"). It gives up, returning limit+1, as soon as the
// distance must exceed limit, so comparing one name with thousands stays cheap.
func Distance(a, b string, limit int) int {
	return Runes([]rune(a), []rune(b), limit)
}

// Runes is Distance on rune slices (callers that compare many prefixes convert once).
func Runes(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
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
