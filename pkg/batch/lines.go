package batch

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// maxLineBytes bounds one line of a batch file; a body with an inline base64 image fits.
const maxLineBytes = 32 << 20

// Line is one task line of a batch file.
type Line struct {
	N    int    // 1-based line number in the file, as an editor shows it
	Text string // the line without surrounding blanks
	JSON bool   // the line is JSON (it starts with '{', '[' or '"'); otherwise it is a prompt
}

// ParseLines reads a batch file. Blank lines and lines starting with '#' are skipped; every other line
// is one task. Whether a JSON line is a valid object is for the body builder to say, with the line number.
func ParseLines(r io.Reader) ([]Line, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLineBytes)
	var out []Line
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(string(bytes.TrimPrefix(sc.Bytes(), []byte("\xef\xbb\xbf"))))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		out = append(out, Line{N: n, Text: text, JSON: strings.ContainsRune("{[\"", rune(text[0]))})
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("line %d: %w", len(out)+1, err)
	}
	return out, nil
}
