package iostreams

import (
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Meter shows the progress of many things at once (a batch): one bar with a text on a terminal, the
// text every few seconds otherwise (only when it changed), nothing with -q.
type Meter struct {
	text func(long bool) string
	p    *mpb.Progress
	bar  *mpb.Bar
	quit chan struct{}
	wg   sync.WaitGroup
}

// StartMeter starts a meter named name over total items; text renders the counts, long for the plain
// lines that stand alone. every is the period of the plain lines (0 = 5 s).
func (s *IOStreams) StartMeter(name string, total int, every time.Duration, text func(long bool) string) *Meter {
	m := &Meter{text: text}
	if s.Quiet {
		return m
	}
	if s.ErrTTY {
		m.p = mpb.New(mpb.WithOutput(s.ErrOut), mpb.WithWidth(40), mpb.WithAutoRefresh())
		m.bar = m.p.AddBar(int64(max(total, 1)),
			mpb.PrependDecorators(decor.Name(name, decor.WC{C: decor.DindentRight | decor.DextraSpace})),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return text(false) })),
		)
		return m
	}
	if every <= 0 {
		every = 5 * time.Second
	}
	m.quit = make(chan struct{})
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		last := ""
		for {
			select {
			case <-t.C:
				if line := text(true); line != last {
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

// Set moves the bar to current.
func (m *Meter) Set(current int) {
	if m.bar != nil {
		m.bar.SetCurrent(int64(current))
	}
}

// Stop ends the meter; complete fills the bar, otherwise it is left where it stopped.
func (m *Meter) Stop(complete bool) {
	if m.quit != nil {
		close(m.quit)
		m.wg.Wait()
	}
	if m.p != nil {
		if complete {
			m.bar.SetTotal(-1, true)
		} else {
			m.bar.Abort(false)
		}
		m.p.Wait()
	}
}
