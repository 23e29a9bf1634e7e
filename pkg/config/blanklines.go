package config

import "strings"

// The YAML encoder drops blank lines between keys. Users group settings with them, and a dotfile
// repository would show every `config set` as a reflowed file, so the blank line before each
// top-level key (or its comment) is put back where the original file had one.

// blankLineKeys names the top-level keys that a blank line preceded in the original text.
func blankLineKeys(raw []byte, d *document) map[string]bool {
	m := d.mapping()
	if m == nil {
		return nil
	}
	lines := strings.Split(string(raw), "\n")
	want := map[string]bool{}
	for i := 2; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		above := k.Line - commentHeight(k.HeadComment) - 1 // 1-based line above the pair
		if above >= 1 && above <= len(lines) && strings.TrimSpace(lines[above-1]) == "" {
			want[strings.ToLower(k.Value)] = true
		}
	}
	return want
}

// withBlankLines inserts a blank line above each wanted key of out, whose tree is d.
func withBlankLines(out []byte, d *document, want map[string]bool) []byte {
	m := d.mapping()
	if m == nil || len(want) == 0 {
		return out
	}
	lines := strings.Split(string(out), "\n")
	at := map[int]bool{} // 0-based index of the line to push down
	for i := 2; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if !want[strings.ToLower(k.Value)] {
			continue
		}
		idx := k.Line - commentHeight(k.HeadComment) - 1
		if idx > 0 && idx < len(lines) && strings.TrimSpace(lines[idx-1]) != "" {
			at[idx] = true
		}
	}
	var b strings.Builder
	for i, l := range lines {
		if at[i] {
			b.WriteString("\n")
		}
		b.WriteString(l)
		if i < len(lines)-1 {
			b.WriteString("\n")
		}
	}
	return []byte(b.String())
}

func commentHeight(c string) int {
	if c == "" {
		return 0
	}
	return strings.Count(c, "\n") + 1
}
