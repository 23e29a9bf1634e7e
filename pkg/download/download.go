package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
)

// File is one saved output, as listed in --json output.
type File struct {
	Kind   string `json:"kind"`
	Index  int    `json:"index"`
	URL    string `json:"url"`
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	// DeliveredSHA256 is the sha256 of the bytes as delivered, when embedded metadata changed them
	// since (SHA256 is then the file's as it is now).
	DeliveredSHA256 string `json:"delivered_sha256,omitempty"`
}

// Options configure Download. Zero values get the defaults noted per field.
type Options struct {
	HTTPClient  *http.Client // default: a client with a 60 s response-header timeout and no overall timeout
	Parallel    int          // files at once; default 4
	Overwrite   bool         // replace existing files instead of failing
	MaxAttempts int          // attempts per file without progress; default 5
	// Sleep waits between attempts; default a timer honouring ctx. Tests inject a no-op.
	Sleep func(ctx context.Context, d time.Duration) error
	// Refresh re-reads the task result once when a URL has expired (HTTP 403); nil disables it.
	Refresh   func(ctx context.Context) (*novita.TaskResult, error)
	Progress  Progress // where progress is shown (bars, lines); nil = nowhere
	UserAgent string
	// StallTimeout cuts a connection that delivers no byte for this long (default 60 s); the next
	// attempt resumes where it stopped.
	StallTimeout time.Duration
	// Stdout receives the one output of the template "-"; nil refuses that template.
	Stdout io.Writer
	// Earlier lists the outputs saved before (the journal's record); it is asked at most once, and
	// only when a target already exists, its name depends on the response, or SavedAnywhere. nil: none.
	Earlier func() []Saved
	// SavedAnywhere: an output intact at its recorded path (not the template's) is not fetched again.
	SavedAnywhere bool
	// Buffers lends the copy buffers; share one across the downloads of a batch. nil: one per file.
	Buffers *Buffers
}

const (
	defaultParallel     = 4
	defaultMaxAttempts  = 5
	defaultStallTimeout = 60 * time.Second
	writebackChunk      = 16 << 20 // start writing back every 16 MiB so the final fsync is short
)

// Download saves outputs to the paths tmpl gives them and returns them in output order. An output
// whose target already holds the bytes recorded in Options.Earlier is returned without being fetched.
// On failure it returns the files that were saved plus an error naming each file that was not; no
// partial file is left behind under a final name. An interrupted download keeps its partial file
// beside the target (".<name>.part"), and the next Download of that output resumes it.
func Download(ctx context.Context, opts Options, tmpl *Template, vars Vars, outputs []novita.Output) ([]File, error) {
	if tmpl == nil {
		var err error
		if tmpl, err = ParseTemplate(""); err != nil {
			return nil, err
		}
	}
	if len(outputs) == 0 {
		return nil, nil
	}
	if err := tmpl.checkSingle(len(outputs), opts.Stdout); err != nil {
		return nil, err
	}
	if opts.HTTPClient == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.ResponseHeaderTimeout = 60 * time.Second
		opts.HTTPClient = &http.Client{Transport: tr}
		defer tr.CloseIdleConnections()
	}
	if opts.Parallel <= 0 {
		opts.Parallel = defaultParallel
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = defaultMaxAttempts
	}
	if opts.Sleep == nil {
		opts.Sleep = clock.Sleep
	}
	if opts.StallTimeout <= 0 {
		opts.StallTimeout = defaultStallTimeout
	}

	jobs := make([]*job, len(outputs))
	for i, o := range outputs {
		j := &job{out: o, pos: i + 1, url: o.URL, ext: extFromType(o.Type)}
		if j.ext == "" {
			j.ext = inlineExt(o)
		}
		j.extKnown = j.ext != ""
		ext := j.ext
		if ext == "" {
			ext = extFromURL(o.URL)
		}
		j.guess = tmpl.expand(vars, o, ext, j.pos, len(outputs))
		jobs[i] = j
	}
	f := &fetcher{opts: &opts, tmpl: tmpl, vars: vars, total: len(outputs),
		refresh: &refresher{fn: opts.Refresh}, claimed: map[string]string{}}
	f.rep = opts.Progress
	if f.rep == nil {
		f.rep = noProgress{}
	}
	if err := f.precheck(jobs); err != nil {
		f.rep.Wait()
		return nil, err
	}

	files := make([]File, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.Parallel, len(jobs)) {
		wg.Go(func() {
			for i := range next {
				files[i], errs[i] = f.run(ctx, jobs[i])
			}
		})
	}
	for i, j := range jobs {
		if j.done != nil {
			files[i] = *j.done
			continue
		}
		next <- i
	}
	close(next)
	wg.Wait()
	f.rep.Wait()

	var saved []File
	for i := range files {
		if errs[i] == nil {
			saved = append(saved, files[i])
		}
	}
	if ctx.Err() != nil && len(saved) < len(jobs) {
		return saved, interrupted(ctx.Err(), len(saved), errs)
	}
	return saved, errors.Join(errs...)
}

// interrupted words a download stopped by Ctrl-C or a deadline: what each file got, where its partial
// file is, and how to resume. The cause stays in the chain: exit 130 (or 5).
func interrupted(cause error, saved int, errs []error) error {
	var parts []string
	kept := false
	for _, err := range errs {
		var ie *interruptedError
		if errors.As(err, &ie) {
			kept = kept || ie.part != ""
		}
		if err != nil {
			parts = append(parts, err.Error())
		}
	}
	msg := strings.Join(parts, "; ")
	if len(errs) > 1 {
		msg = fmt.Sprintf("download stopped with %d of %d files saved: %s", saved, len(errs), msg)
	}
	err := error(&causeError{msg: msg, cause: cause})
	if kept {
		err = &partialKept{err}
	}
	return clierr.New(clierr.KindOf(cause), err)
}

// ErrPartialKept is in the chain of an interrupted download that kept partial files: downloading
// the same outputs again resumes them.
var ErrPartialKept = errors.New("partial files kept for a resume")

type partialKept struct{ error }

func (p *partialKept) Unwrap() error        { return p.error }
func (p *partialKept) Is(target error) bool { return target == ErrPartialKept }

// causeError is a message that replaces its cause's text but keeps the cause for errors.Is.
type causeError struct {
	msg   string
	cause error
}

func (e *causeError) Error() string { return e.msg }
func (e *causeError) Unwrap() error { return e.cause }

// refresher performs the single task-result re-read shared by all files of one Download.
type refresher struct {
	fn   func(ctx context.Context) (*novita.TaskResult, error)
	mu   sync.Mutex
	done bool
	res  *novita.TaskResult
	err  error
}

// urlFor returns the fresh URL of the output with o's kind and index.
func (r *refresher) urlFor(ctx context.Context, o novita.Output) (string, error) {
	r.mu.Lock()
	if !r.done {
		r.res, r.err = r.fn(ctx)
		if r.err == nil && r.res == nil {
			r.err = errors.New("empty task result")
		}
		r.done = ctx.Err() == nil // a cancelled read is not a verdict
	}
	res, err := r.res, r.err
	r.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("re-read the task result: %w", err)
	}
	for _, fresh := range res.Outputs() {
		if fresh.Kind == o.Kind && fresh.Index == o.Index && fresh.URL != "" {
			return fresh.URL, nil
		}
	}
	return "", fmt.Errorf("the re-read task result has no %s %d", o.Kind, o.Index)
}
