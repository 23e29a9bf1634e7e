package download

import (
	"fmt"
	"io"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// reporter shows download progress: bars on a terminal, one line per file otherwise, or nothing.
type reporter interface {
	track(label string) tracker
	// logf prints a status line (a retry, a refresh) without breaking the bars.
	logf(format string, args ...any)
	wait()
}

// tracker follows one file. end must be called exactly once.
type tracker interface {
	setTotal(n int64) // -1 = unknown
	setCurrent(n int64)
	add(n int)
	end(path string, bytes int64, ok bool)
}

func newReporter(w io.Writer, tty bool) reporter {
	switch {
	case w == nil:
		return nopReporter{}
	case tty:
		// The caller decided this is a terminal; WithAutoRefresh (not ForceTTY) keeps working when the
		// writer is a wrapper rather than the *os.File itself: ForceTTY would ask a non-file for its size.
		return &barReporter{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithAutoRefresh())}
	default:
		return &lineReporter{w: w}
	}
}

type nopReporter struct{}

func (nopReporter) track(string) tracker { return nopTracker{} }
func (nopReporter) logf(string, ...any)  {}
func (nopReporter) wait()                {}

type nopTracker struct{}

func (nopTracker) setTotal(int64)          {}
func (nopTracker) setCurrent(int64)        {}
func (nopTracker) add(int)                 {}
func (nopTracker) end(string, int64, bool) {}

// lineReporter writes "downloaded <path> (<size>)" per finished file, for logs and pipes.
type lineReporter struct {
	mu sync.Mutex
	w  io.Writer
}

func (r *lineReporter) track(string) tracker { return lineTracker{r} }

func (r *lineReporter) logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, format+"\n", args...)
}

func (r *lineReporter) wait() {}

type lineTracker struct{ r *lineReporter }

func (lineTracker) setTotal(int64)   {}
func (lineTracker) setCurrent(int64) {}
func (lineTracker) add(int)          {}
func (t lineTracker) end(path string, n int64, ok bool) {
	switch {
	case ok && path == StdoutPath:
		t.r.logf("wrote %s to standard output", humanBytes(n))
	case ok:
		t.r.logf("downloaded %s (%s)", path, humanBytes(n))
	}
}

// barReporter draws one mpb bar per file.
type barReporter struct{ p *mpb.Progress }

func (r *barReporter) track(label string) tracker {
	bar := r.p.AddBar(0,
		mpb.PrependDecorators(decor.Name(label, decor.WC{C: decor.DindentRight | decor.DextraSpace})),
		mpb.AppendDecorators(
			decor.OnAbort(decor.OnComplete(decor.CountersKiloByte("% .1f / % .1f"), "done"), "failed"),
		),
	)
	return &barTracker{bar: bar}
}

func (r *barReporter) logf(format string, args ...any) { fmt.Fprintf(r.p, format+"\n", args...) }
func (r *barReporter) wait()                           { r.p.Wait() }

type barTracker struct{ bar *mpb.Bar }

func (t *barTracker) setTotal(n int64) {
	if n > 0 {
		t.bar.SetTotal(n, false)
	}
}
func (t *barTracker) setCurrent(n int64) { t.bar.SetCurrent(n) }
func (t *barTracker) add(n int)          { t.bar.IncrBy(n) }
func (t *barTracker) end(_ string, _ int64, ok bool) {
	if ok {
		t.bar.SetTotal(-1, true)
		return
	}
	t.bar.Abort(false)
}

// humanBytes formats a size with decimal units, as file managers do: 1.2 MB.
func humanBytes(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, unit := range []string{"kB", "MB", "GB", "TB"} {
		f /= 1000
		if f < 999.95 || unit == "TB" {
			return fmt.Sprintf("%.1f %s", f, unit)
		}
	}
	return fmt.Sprintf("%d B", n)
}
