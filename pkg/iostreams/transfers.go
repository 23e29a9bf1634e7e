package iostreams

import (
	"fmt"
	"io"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Transfers shows the progress of files being transferred (downloads): a bar per file on a terminal,
// one line per finished file otherwise, or nothing. The downloader reports to it; it never draws itself.
type Transfers interface {
	Track(label string) Transfer
	// Logf prints a status line (a retry, a refresh) without breaking the bars.
	Logf(format string, args ...any)
	// Wait returns once every bar is drawn for the last time.
	Wait()
}

// Transfer follows one file. End must be called exactly once. An alias of an unnamed interface, as
// download.Transfer is: the two are one type, so a Transfers is a download.Progress.
type Transfer = interface {
	SetTotal(n int64) // -1 = unknown
	SetCurrent(n int64)
	Add(n int)
	End(path string, bytes int64, ok bool)
}

// Transfers is the progress display of downloads on stderr: bars on a terminal, plain lines
// otherwise, nothing with -q.
func (s *IOStreams) Transfers() Transfers {
	if s.Quiet {
		return noTransfers{}
	}
	return NewTransfers(s.ErrOut, s.ErrTTY)
}

// NewTransfers shows transfers on w: bars when tty, one line per finished file otherwise.
func NewTransfers(w io.Writer, tty bool) Transfers {
	switch {
	case w == nil:
		return noTransfers{}
	case tty:
		// The caller decided this is a terminal; WithAutoRefresh (not ForceTTY) keeps working when the
		// writer is a wrapper rather than the *os.File itself: ForceTTY would ask a non-file for its size.
		return &transferBars{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithAutoRefresh())}
	default:
		return &transferLines{w: w}
	}
}

type noTransfers struct{}

func (noTransfers) Track(string) Transfer { return noTransfer{} }
func (noTransfers) Logf(string, ...any)   {}
func (noTransfers) Wait()                 {}

type noTransfer struct{}

func (noTransfer) SetTotal(int64)          {}
func (noTransfer) SetCurrent(int64)        {}
func (noTransfer) Add(int)                 {}
func (noTransfer) End(string, int64, bool) {}

// transferLines writes "downloaded <path> (<size>)" per finished file, for logs and pipes.
type transferLines struct {
	mu sync.Mutex
	w  io.Writer
}

func (r *transferLines) Track(string) Transfer { return transferLine{r} }

func (r *transferLines) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, format+"\n", args...)
}

func (r *transferLines) Wait() {}

type transferLine struct{ r *transferLines }

func (transferLine) SetTotal(int64)   {}
func (transferLine) SetCurrent(int64) {}
func (transferLine) Add(int)          {}
func (t transferLine) End(path string, n int64, ok bool) {
	switch {
	case ok && path == "-": // -o -: the output went to stdout
		t.r.Logf("wrote %s to standard output", HumanBytes(n))
	case ok:
		t.r.Logf("downloaded %s (%s)", path, HumanBytes(n))
	}
}

// transferBars draws one mpb bar per file.
type transferBars struct{ p *mpb.Progress }

func (r *transferBars) Track(label string) Transfer {
	bar := r.p.AddBar(0,
		mpb.PrependDecorators(decor.Name(label, decor.WC{C: decor.DindentRight | decor.DextraSpace})),
		mpb.AppendDecorators(
			decor.OnAbort(decor.OnComplete(decor.CountersKiloByte("% .1f / % .1f"), "done"), "failed"),
		),
	)
	return &transferBar{bar: bar}
}

func (r *transferBars) Logf(format string, args ...any) { fmt.Fprintf(r.p, format+"\n", args...) }
func (r *transferBars) Wait()                           { r.p.Wait() }

type transferBar struct{ bar *mpb.Bar }

func (t *transferBar) SetTotal(n int64) {
	if n > 0 {
		t.bar.SetTotal(n, false)
	}
}
func (t *transferBar) SetCurrent(n int64) { t.bar.SetCurrent(n) }
func (t *transferBar) Add(n int)          { t.bar.IncrBy(n) }
func (t *transferBar) End(_ string, _ int64, ok bool) {
	if ok {
		t.bar.SetTotal(-1, true)
		return
	}
	t.bar.Abort(false)
}

// HumanBytes formats a size with decimal units, as file managers do: 1.2 MB.
func HumanBytes(n int64) string {
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
