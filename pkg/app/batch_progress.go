package app

import (
	"fmt"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/novita-cli/novita/pkg/batch"
)

// batchProgress shows a batch's overall progress: one bar with counts by status on a terminal, a plain
// line every few seconds otherwise (when something changed), nothing with -q.
type batchProgress struct {
	id   string
	wait bool

	mu     sync.Mutex
	counts batch.Counts

	p    *mpb.Progress
	bar  *mpb.Bar
	quit chan struct{}
	wg   sync.WaitGroup
}

func (e *Env) startBatchProgress(id string, total int, every time.Duration, wait bool) *batchProgress {
	bp := &batchProgress{id: id, wait: wait, counts: batch.Counts{Total: total}}
	if e.IO.Quiet {
		return bp
	}
	if e.IO.ErrTTY {
		bp.p = mpb.New(mpb.WithOutput(e.IO.ErrOut), mpb.WithWidth(40), mpb.WithAutoRefresh())
		bp.bar = bp.p.AddBar(int64(max(total, 1)),
			mpb.PrependDecorators(decor.Name("batch "+id, decor.WC{C: decor.DindentRight | decor.DextraSpace})),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return bp.text(false) })),
		)
		return bp
	}
	if every <= 0 {
		every = 5 * time.Second
	}
	bp.quit = make(chan struct{})
	bp.wg.Add(1)
	go func() {
		defer bp.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		last := ""
		for {
			select {
			case <-t.C:
				if s := bp.text(true); s != last {
					e.IO.Statusf("%s", s)
					last = s
				}
			case <-bp.quit:
				return
			}
		}
	}()
	return bp
}

func (bp *batchProgress) update(c batch.Counts) {
	bp.mu.Lock()
	bp.counts = c
	bp.mu.Unlock()
	if bp.bar != nil {
		n := c.Submitted
		if bp.wait {
			n = c.Done()
		}
		bp.bar.SetCurrent(int64(n))
	}
}

func (bp *batchProgress) text(long bool) string {
	bp.mu.Lock()
	c := bp.counts
	bp.mu.Unlock()
	if !bp.wait {
		s := fmt.Sprintf("%d/%d submitted", c.Submitted, c.Total)
		if c.Errored > 0 {
			s += fmt.Sprintf(", %d errors", c.Errored)
		}
		if long {
			return "batch " + bp.id + ": " + s
		}
		return s
	}
	s := fmt.Sprintf("%d/%d done (%d succeeded, %d failed", c.Done(), c.Total, c.Succeeded, c.Failed)
	if c.Errored > 0 {
		s += fmt.Sprintf(", %d errors", c.Errored)
	}
	s += fmt.Sprintf("), %d pending", c.Pending())
	if c.Submitted < c.Total {
		s += fmt.Sprintf(", %d submitted", c.Submitted)
	}
	if long {
		return "batch " + bp.id + ": " + s
	}
	return s
}

func (bp *batchProgress) stop() {
	if bp.quit != nil {
		close(bp.quit)
		bp.wg.Wait()
	}
	if bp.p != nil {
		bp.mu.Lock()
		complete := bp.counts.Done() == bp.counts.Total || (!bp.wait && bp.counts.Submitted == bp.counts.Total)
		bp.mu.Unlock()
		if complete {
			bp.bar.SetTotal(-1, true)
		} else {
			bp.bar.Abort(false)
		}
		bp.p.Wait()
	}
}
