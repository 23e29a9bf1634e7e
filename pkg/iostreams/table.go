package iostreams

import (
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"
)

// CellCap is the most columns one cell ever takes, even when nothing limits the table (stdout piped):
// a 200 KB name from the network must not pad every row of the table to 200 KB.
const CellCap = 256

// Column describes one column of a Table.
type Column struct {
	Header string
	// Wrap lets the cell break over several lines (descriptions, lists); otherwise a cell too wide is
	// cut with an ellipsis.
	Wrap bool
	// Keep never narrows the column below its content (ids and names users copy), up to CellCap.
	Keep bool
	// Min, when set, is the narrowest the column may become (paths read badly in slivers).
	Min int
}

// MinWrap is the narrowest a wrapping column gets: narrower, a description is a word per line.
const MinWrap = 12

// least is the narrowest the column may become: its content when kept, else short cells stay whole
// (cutting a 7-column cell saves little and loses the word) and wide ones give down to their header.
func (c Column) least(natural int) int {
	switch {
	case c.Min > 0:
		return min(natural, c.Min)
	case c.Keep || natural <= 8:
		return natural
	case c.Wrap:
		return min(natural, max(ansi.StringWidth(c.Header), MinWrap))
	}
	return min(natural, max(ansi.StringWidth(c.Header), 3))
}

// Table lays out rows in columns that fit a width: two spaces between columns, wide cells wrapped or
// cut with "…", ANSI colour in cells measured correctly. It replaces text/tabwriter, which knows
// neither the terminal's width nor escape sequences.
type Table struct {
	Indent string
	cols   []Column
	rows   [][]string
}

// NewTable starts a table with these columns.
func NewTable(cols ...Column) *Table { return &Table{cols: cols} }

// Row adds one row; missing cells are empty.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// TableWidth is the width tables on stdout should fit: COLUMNS when set, else the terminal's width
// (80 when it cannot be asked), else 0, unlimited, for a pipe or a file.
func (s *IOStreams) TableWidth() int {
	if s.Columns > 0 {
		return s.Columns
	}
	if !s.OutTTY {
		return 0
	}
	if s.termWidth != nil {
		if w := s.termWidth(); w > 0 {
			return w
		}
	}
	return 80
}

// SetColumns records COLUMNS as read from the environment (ignored unless a positive number).
func (s *IOStreams) SetColumns(env string) {
	if n, err := strconv.Atoi(strings.TrimSpace(env)); err == nil && n > 0 {
		s.Columns = n
	}
}

func stdoutWidth(fd int) func() int {
	return func() int {
		w, _, err := term.GetSize(fd)
		if err != nil {
			return 0
		}
		return w
	}
}

const gap = 2

// widthUpTo is s's width when that is at most limit, and some width above limit otherwise: a 200 KB
// name from the network is measured only about as far as the table needs (segmenting all of it into
// graphemes, for every cell of every row, took seconds). A width is at most the bytes it takes, so a
// prefix of 8 bytes per column is enough, but for one full of escape sequences (measured whole).
func widthUpTo(s string, limit int) int {
	if probe := 8 * (limit + 1); len(s) > probe {
		if w := ansi.StringWidth(s[:probe]); w > limit {
			return w
		}
	}
	return ansi.StringWidth(s)
}

// natural is each column's widest cell, capped at CellCap.
func (t *Table) natural() []int {
	natural := make([]int, len(t.cols))
	for i, c := range t.cols {
		natural[i] = ansi.StringWidth(c.Header)
	}
	for _, r := range t.rows {
		for i := 0; i < len(t.cols) && i < len(r); i++ {
			natural[i] = max(natural[i], min(widthUpTo(r[i], CellCap), CellCap))
		}
	}
	return natural
}

// Fits reports whether every column gets at least its least width within width (0: always). A
// command whose table cannot fit shows its rows another way (catalog <task> stacks them).
func (t *Table) Fits(width int) bool {
	if width <= 0 {
		return true
	}
	total := ansi.StringWidth(t.Indent) + gap*(len(t.cols)-1)
	for i, n := range t.natural() {
		total += t.cols[i].least(n)
	}
	return total <= width
}

// Render writes the table to fit width columns (0: no limit but CellCap per cell).
func (t *Table) Render(w io.Writer, width int) error {
	n := len(t.cols)
	natural := t.natural()
	least := make([]int, n)
	for i, c := range t.cols {
		least[i] = c.least(natural[i])
	}
	widths := append([]int(nil), natural...)
	if width > 0 {
		avail := width - ansi.StringWidth(t.Indent) - gap*(n-1)
		total := 0
		for _, x := range widths {
			total += x
		}
		// Narrow the widest column that can still give, one column at a time, until the table fits:
		// long cells pay first, short ones keep their words.
		for total > avail {
			k := -1
			for i := range widths {
				if widths[i] > least[i] && (k < 0 || widths[i] > widths[k]) {
					k = i
				}
			}
			if k < 0 {
				break // nothing can give: the table overflows rather than lose whole columns
			}
			widths[k]--
			total--
		}
	}
	var b strings.Builder
	header := make([]string, n)
	for i, c := range t.cols {
		header[i] = c.Header
	}
	t.line(&b, header, widths)
	for _, r := range t.rows {
		t.line(&b, r, widths)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// line writes one row, which may take several lines when a cell wraps.
func (t *Table) line(b *strings.Builder, cells []string, widths []int) {
	parts := make([][]string, len(widths))
	height := 1
	for i, wd := range widths {
		cell := ""
		if i < len(cells) {
			cell = strings.ReplaceAll(cells[i], "\n", " ")
		}
		if widthUpTo(cell, wd) <= wd {
			parts[i] = []string{cell}
		} else if t.cols[i].Wrap {
			parts[i] = wrapLines(cell, wd)
		} else {
			parts[i] = []string{ansi.Truncate(cell, wd, "…")}
		}
		height = max(height, len(parts[i]))
	}
	for l := 0; l < height; l++ {
		var sb strings.Builder
		sb.WriteString(t.Indent)
		for i, wd := range widths {
			s := ""
			if l < len(parts[i]) {
				s = strings.TrimRight(parts[i][l], " ")
			}
			sb.WriteString(s)
			if i < len(widths)-1 {
				sb.WriteString(strings.Repeat(" ", max(wd-ansi.StringWidth(s), 0)+gap))
			}
		}
		b.WriteString(strings.TrimRight(sb.String(), " "))
		b.WriteByte('\n')
	}
}

// wrapLines wraps at spaces, and after "." "/" "_" "," "|" inside long words (paths, lists), never
// at hyphens ("--image" stays whole); a word wider than the line is cut across lines.
func wrapLines(s string, width int) []string {
	var tokens []string
	start := 0
	for i, r := range s {
		switch r {
		case ' ':
			tokens = append(tokens, s[start:i+1])
			start = i + 1
		case '.', '/', '_', ',', '|':
			tokens = append(tokens, s[start:i+1])
			start = i + 1
		}
	}
	tokens = append(tokens, s[start:])
	var out []string
	cur := ""
	flush := func() {
		if c := strings.TrimRight(cur, " "); c != "" || len(out) == 0 {
			out = append(out, c)
		}
		cur = ""
	}
	for _, tok := range tokens {
		if tok == "" {
			continue
		}
		if ansi.StringWidth(strings.TrimRight(cur+tok, " ")) <= width {
			cur += tok
			continue
		}
		flush()
		for ansi.StringWidth(strings.TrimRight(tok, " ")) > width {
			out = append(out, ansi.Truncate(tok, width, ""))
			tok = ansi.TruncateLeft(tok, width, "")
		}
		cur = tok
	}
	flush()
	return out
}

// Wrap breaks prose to fit width columns after a first-line prefix; continuation lines start with
// indent. width 0 leaves s on one line.
func Wrap(prefix, s string, width int, indent string) string {
	if width <= 0 || ansi.StringWidth(prefix+s) <= width {
		return prefix + s
	}
	lines := wrapLines(s, max(width-ansi.StringWidth(prefix), 20))
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
		if i > 0 {
			lines[i] = indent + strings.TrimLeft(lines[i], " ")
		}
	}
	return prefix + strings.Join(lines, "\n")
}
