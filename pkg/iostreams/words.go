package iostreams

import "strconv"

// Count is n and the word, plural unless n is 1: "1 pending task", "3 pending tasks" (the plural
// adds "s", which covers every word the CLI counts).
func Count(n int, word string) string { return strconv.Itoa(n) + " " + Plural(n, word) }

// Plural is word, with an "s" unless n is 1.
func Plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
