package textdist

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"submit", "submit", 3, 0},
		{"sumbit", "submit", 3, 1}, // adjacent transposition
		{"txt2image", "txt2img", 3, 2},
		{"kitten", "sitting", 5, 3},
		{"a", "abcdef", 2, 3},                // gives up: limit+1
		{"dreamshaper", "DreamShaper", 1, 2}, // case matters here; callers fold it
		{"héllo", "hello", 2, 1},             // runes, not bytes
		{"", "", 0, 0},
	} {
		if got := Distance(c.a, c.b, c.limit); got != c.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
		}
	}
}
