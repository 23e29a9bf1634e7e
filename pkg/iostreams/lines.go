package iostreams

import "strings"

// SafeLines is Safe for a message of several lines (an error listing invalid batch lines): each line
// is escaped and the line breaks are kept, so the message reads as lines instead of one line with a
// literal \n. A carriage return never survives, so a line cannot overwrite the one before it.
func SafeLines(s string) string {
	if !strings.Contains(s, "\n") {
		return Safe(s)
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = Safe(l)
	}
	return strings.Join(lines, "\n")
}
