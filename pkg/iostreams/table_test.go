package iostreams

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestTableFitsWrapsAndCuts(t *testing.T) {
	tb := NewTable(Column{Header: "ID", Keep: true}, Column{Header: "STATUS"}, Column{Header: "NOTE", Wrap: true})
	tb.Row("abc-123", "\x1b[32mSUCCEED\x1b[0m", "a rather long description that has to wrap over several lines of the table")
	tb.Row("def-456", "FAILED", "short")
	var b strings.Builder
	if err := tb.Render(&b, 40); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for _, l := range lines {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("line wider than 40: %q", l)
		}
	}
	if len(lines) < 4 || !strings.HasPrefix(lines[1], "abc-123  \x1b[32mSUCCEED\x1b[0m  a rather") {
		t.Errorf("colour counted as width or no wrap:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "several") || !strings.Contains(b.String(), "def-456  FAILED") {
		t.Errorf("content lost:\n%s", b.String())
	}

	cut := NewTable(Column{Header: "NAME"}, Column{Header: "X"})
	cut.Row(strings.Repeat("n", 100<<10), "x")
	b.Reset()
	_ = cut.Render(&b, 0)
	if b.Len() > 3*CellCap || !strings.Contains(b.String(), "n…") {
		t.Errorf("piped, a 100 KB cell made %d bytes", b.Len())
	}
}

func TestTableWidth(t *testing.T) {
	s, _, _, _ := Test()
	if s.TableWidth() != 0 {
		t.Error("piped output is limited")
	}
	s.OutTTY = true
	if s.TableWidth() != 80 {
		t.Errorf("unknown terminal: %d", s.TableWidth())
	}
	s.termWidth = func() int { return 132 }
	if s.TableWidth() != 132 {
		t.Errorf("terminal: %d", s.TableWidth())
	}
	s.SetColumns("100")
	if s.TableWidth() != 100 {
		t.Errorf("COLUMNS: %d", s.TableWidth())
	}
}

// Data written to stdout while the meter's live line shows lands above it, and the line is drawn
// again below: nothing of the data is inside or under the live line.
func TestDataOutGoesAboveTheLiveLine(t *testing.T) {
	s, _, out, _ := Test()
	shared := &lockedWriter{w: out} // one terminal: stdout and stderr interleave on it
	s.Out, s.ErrOut = shared, shared
	s.OutTTY, s.ErrTTY = true, true
	s.Live("batch  [---] 0/2 done")
	if _, err := s.DataOut().Write([]byte("o2/2.png\n")); err != nil {
		t.Fatal(err)
	}
	s.Statusf("a status line")
	got := out.String()
	want := "\r\x1b[2Kbatch  [---] 0/2 done" + "\r\x1b[2K" + "o2/2.png\n" + "batch  [---] 0/2 done" +
		"\r\x1b[2K" + "a status line\n" + "batch  [---] 0/2 done"
	if got != want {
		t.Errorf("terminal stream\n%q\nwant\n%q", got, want)
	}
}

// A huge cell is measured only as far as the table needs, and a cell whose width hides behind a long
// run of escape sequences is still measured right.
func TestWidthUpToMeasuresOnlyWhatTheTableNeeds(t *testing.T) {
	huge := strings.Repeat("n", 200<<10)
	if w := widthUpTo(huge, CellCap); w <= CellCap || w > 8*(CellCap+1) {
		t.Errorf("widthUpTo(200 KB, %d) = %d, want above the cap from the probe alone", CellCap, w)
	}
	if w := widthUpTo("日本語abc", 10); w != 9 {
		t.Errorf("widthUpTo(wide runes) = %d, want 9", w)
	}
	escapes := strings.Repeat("\x1b[1m", 3000) + "ok"
	if w := widthUpTo(escapes, 5); w != 2 {
		t.Errorf("widthUpTo(escapes then ok) = %d, want 2", w)
	}
	wideAfterEscapes := strings.Repeat("\x1b[1m", 3000) + strings.Repeat("x", 300)
	if w := widthUpTo(wideAfterEscapes, CellCap); w != 300 {
		t.Errorf("widthUpTo(escapes then 300 columns) = %d, want 300", w)
	}
}
