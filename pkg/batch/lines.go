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

// MaxBytes and MaxLines bound a whole batch file: `yes x | novita submit --batch -` must end in an
// error, not in memory exhaustion. 256 MiB holds a few thousand bodies with inline images; 100,000
// lines is six times the largest batch measured (16,000 tasks).
const (
	MaxBytes = 256 << 20
	MaxLines = 100_000
)

// Line is one task line of a batch file.
type Line struct {
	N    int    // 1-based line number in the file, as an editor shows it
	Text string // the line without surrounding blanks
	JSON bool   // the line is JSON (it starts with '{', '[' or '"'); otherwise it is a prompt
}

// ParseLines reads a batch file. Blank lines and lines starting with '#' are skipped; every other line
// is one task. Whether a JSON line is a valid object is for the body builder to say, with the line number.
func ParseLines(r io.Reader) ([]Line, error) {
	lr := &io.LimitedReader{R: r, N: MaxBytes + 1}
	sc := bufio.NewScanner(lr)
	sc.Buffer(make([]byte, 64<<10), maxLineBytes)
	var out []Line
	for n := 1; sc.Scan(); n++ {
		if lr.N <= 0 {
			return nil, fmt.Errorf("more than %d MiB: split it into several batches", MaxBytes>>20)
		}
		text := strings.TrimSpace(string(bytes.TrimPrefix(sc.Bytes(), []byte("\xef\xbb\xbf"))))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if len(out) == MaxLines {
			return nil, fmt.Errorf("more than %d task lines (line %d): split it into several batches", MaxLines, n)
		}
		out = append(out, Line{N: n, Text: text, JSON: strings.ContainsRune("{[\"", rune(text[0]))})
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("more than %d MiB: split it into several batches", MaxBytes>>20)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("line %d: %w", len(out)+1, err)
	}
	return out, nil
}
