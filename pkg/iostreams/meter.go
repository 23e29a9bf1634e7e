package iostreams

import (
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Meter shows the progress of many things at once (a batch): on a terminal, one live line with a bar
// and a text, redrawn in place (never a multi-line display that moves the cursor up: that would erase
// lines written to stdout on the same terminal in between); elsewhere the text every few seconds
// (only when it changed); nothing with -q. Data for stdout goes through DataOut while it runs.
type Meter struct {
	s     *IOStreams
	name  string
	total int
	text  func(long bool) string

	mu      sync.Mutex
	current int

	quit chan struct{}
	wg   sync.WaitGroup
	tty  bool
}

// meterTick is how often the live line is redrawn on a terminal.
const meterTick = 150 * time.Millisecond

const barWidth = 38

// StartMeter starts a meter named name over total items; text renders the counts, long for the plain
// lines that stand alone. every is the period of the plain lines (0 = 5 s).
func (s *IOStreams) StartMeter(name string, total int, every time.Duration, text func(long bool) string) *Meter {
	m := &Meter{s: s, name: name, total: max(total, 1), text: text}
	if s.Quiet {
		return m
	}
	m.quit = make(chan struct{})
	m.tty = s.ErrTTY
	if m.tty {
		s.Live(m.line())
		every = meterTick
	} else if every <= 0 {
		every = 5 * time.Second
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		last := ""
		for {
			select {
			case <-t.C:
				if m.tty {
					s.Live(m.line())
				} else if line := text(true); line != last {
					s.Statusf("%s", line)
					last = line
				}
			case <-m.quit:
				return
			}
		}
	}()
	return m
}

// line is the live line: name, bar, text, cut to the terminal's width (a line that wrapped could not
// be redrawn in place).
func (m *Meter) line() string {
	m.mu.Lock()
	cur := min(m.current, m.total)
	m.mu.Unlock()
	fill := barWidth * cur / m.total
	bar := strings.Repeat("=", fill)
	if fill < barWidth {
		if cur > 0 {
			bar += ">"
		} else {
			bar += "-"
		}
		bar += strings.Repeat("-", barWidth-fill-1)
	}
	l := m.name + "  [" + bar + "] " + m.text(false)
	width := 80
	if m.s.errWidth != nil {
		if w := m.s.errWidth(); w > 0 {
			width = w
		}
	}
	return ansi.Truncate(l, width-1, "…")
}

// Set moves the bar to current.
func (m *Meter) Set(current int) {
	m.mu.Lock()
	m.current = current
	m.mu.Unlock()
}

// Stop ends the meter; complete fills the bar, otherwise it is left where it stopped. On a terminal
// the last state stays on screen as an ordinary line.
func (m *Meter) Stop(complete bool) {
	if m.quit == nil {
		return
	}
	close(m.quit)
	m.wg.Wait()
	m.quit = nil
	if !m.tty {
		return
	}
	if complete {
		m.Set(m.total)
	}
	s := m.s
	s.Live(m.line())
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ErrOut.Write([]byte("\n"))
	s.live = ""
}
