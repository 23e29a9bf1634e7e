package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
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
	Progress  io.Writer // nil = silent
	TTY       bool      // progress bars (true) or one plain line per file (false)
	UserAgent string
	// StallTimeout cuts a connection that delivers no byte for this long (default 60 s); the next
	// attempt resumes where it stopped.
	StallTimeout time.Duration
}

const (
	defaultParallel     = 4
	defaultMaxAttempts  = 5
	copyBufferSize      = 512 << 10 // one per worker: memory stays flat whatever the file size
	defaultStallTimeout = 60 * time.Second
	writebackChunk      = 16 << 20 // start writing back every 16 MiB so the final fsync is short
)

// Download saves outputs to the paths tmpl gives them and returns them in output order. On failure it
// returns the files that were saved plus an error naming each file that was not; no partial file is
// left behind under a final name or as a temporary file.
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
		opts.Sleep = sleepCtx
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
	if err := precheck(tmpl, jobs, opts.Overwrite); err != nil {
		return nil, err
	}

	f := &fetcher{opts: &opts, tmpl: tmpl, vars: vars, total: len(outputs),
		refresh: &refresher{fn: opts.Refresh}, claimed: map[string]string{}}
	f.rep = newReporter(opts.Progress, opts.TTY)

	files := make([]File, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.Parallel, len(jobs)) {
		wg.Go(func() {
			buf := make([]byte, copyBufferSize)
			for i := range next {
				files[i], errs[i] = f.run(ctx, jobs[i], buf)
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	f.rep.wait()

	var saved []File
	for i := range files {
		if errs[i] == nil {
			saved = append(saved, files[i])
		}
	}
	if ctx.Err() != nil && len(saved) < len(jobs) {
		return saved, fmt.Errorf("download interrupted, %d of %d files saved: %w", len(saved), len(jobs), ctx.Err())
	}
	return saved, errors.Join(errs...)
}

// precheck runs before any byte is fetched: two outputs must not share a path, and existing files are
// kept unless --overwrite was given.
func precheck(tmpl *Template, jobs []*job, overwrite bool) error {
	seen := map[string]*job{}
	for _, j := range jobs {
		if prev, ok := seen[j.guess]; ok {
			return clierr.Usagef("output template %q saves %s and %s to the same file %s; add {kind} and {index} to it",
				tmpl, prev.label(), j.label(), j.guess)
		}
		seen[j.guess] = j
	}
	if overwrite {
		return nil
	}
	var exist []string
	for _, j := range jobs {
		if _, err := os.Lstat(j.guess); err == nil {
			exist = append(exist, j.guess)
		}
	}
	switch len(exist) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s already exists; use --overwrite to replace it, or -o to choose another name", exist[0])
	}
	return fmt.Errorf("%d files already exist (%s); use --overwrite to replace them, or -o to choose other names",
		len(exist), strings.Join(exist, ", "))
}

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

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
