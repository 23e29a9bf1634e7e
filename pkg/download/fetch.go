package download

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
)

// fetcher holds what the parallel workers of one Download share.
type fetcher struct {
	opts    *Options
	tmpl    *Template
	vars    Vars
	total   int
	refresh *refresher
	rep     reporter

	mu      sync.Mutex
	claimed map[string]string // final path -> label, for paths settled only by Content-Type
}

// job is one output being downloaded.
type job struct {
	out      novita.Output
	pos      int
	url      string
	ext      string // from the *_type field, or settled by the first response
	extKnown bool
	guess    string // path before any response: the one checked for existing files

	path    string // final path, settled when the first response headers arrive
	tmp     *os.File
	tmpName string
	have    int64 // bytes in tmp, all of them hashed
	flushed int64 // bytes handed to the kernel for writeback
	size    int64 // expected total, -1 when unknown
	hash    hash.Hash
	track   tracker
}

func (j *job) label() string { return fmt.Sprintf("%s %d", j.out.Kind, j.out.Index) }

// errRetry marks failures worth another attempt: network errors, cut bodies, 5xx, 429.
type errRetry struct{ err error }

func (e *errRetry) Error() string { return e.err.Error() }
func (e *errRetry) Unwrap() error { return e.err }

// errExpired is a 403 from the file host: the presigned URL expired (or was never valid).
type errExpired struct{ detail string }

func (e *errExpired) Error() string { return "HTTP 403 " + e.detail }

func (f *fetcher) run(ctx context.Context, j *job, buf []byte) (file File, err error) {
	j.size = -1
	j.hash = sha256.New()
	j.track = f.rep.track(j.guess)
	defer func() {
		if j.tmp != nil {
			j.tmp.Close()
		}
		if j.tmpName != "" {
			os.Remove(j.tmpName)
		}
		j.track.end(j.path, j.have, err == nil)
	}()

	if j.out.Data != nil {
		if err := f.saveInline(j); err != nil {
			return File{}, fmt.Errorf("save %s: %w", j.label(), err)
		}
		return f.saved(j)
	}
	refreshed := false
	failures := 0
	var highWater int64
	for {
		aerr := f.attempt(ctx, j, buf)
		if aerr == nil {
			break
		}
		if ctx.Err() != nil {
			return File{}, fmt.Errorf("download %s: %w", j.label(), ctx.Err())
		}
		var exp *errExpired
		if errors.As(aerr, &exp) {
			where := fmt.Sprintf("download %s from %s", j.label(), shortURL(j.url))
			hint := fmt.Sprintf("the output URLs expire after their TTL; fetch fresh ones with: novita result %s --download", f.vars.TaskID)
			if refreshed || f.opts.Refresh == nil {
				msg := "the URL has expired or access was denied"
				if refreshed {
					msg = "access denied even after re-reading the task result"
				}
				return File{}, clierr.WithHint(clierr.KindGeneric, fmt.Errorf("%s: %s (%w)", where, msg, aerr), hint)
			}
			refreshed = true
			f.rep.logf("%s: URL expired (%v); re-reading the task result", j.label(), aerr)
			u, rerr := f.refresh.urlFor(ctx, j.out)
			if rerr != nil {
				return File{}, clierr.WithHint(clierr.KindGeneric, fmt.Errorf("%s: URL expired (%v) and %w", where, aerr, rerr), hint)
			}
			j.url = u
			continue
		}
		var retry *errRetry
		if !errors.As(aerr, &retry) {
			return File{}, fmt.Errorf("download %s from %s: %w", j.label(), shortURL(j.url), aerr)
		}
		if j.have > highWater { // progress earns fresh attempts, so a long video on a flaky link completes
			highWater, failures = j.have, 0
		}
		failures++
		if failures >= f.opts.MaxAttempts {
			return File{}, fmt.Errorf("download %s from %s: giving up after %d attempts: %w", j.label(), shortURL(j.url), failures, aerr)
		}
		f.rep.logf("%s: %v; retrying (attempt %d of %d)", j.label(), aerr, failures+1, f.opts.MaxAttempts)
		if serr := f.opts.Sleep(ctx, backoff(failures)); serr != nil {
			return File{}, fmt.Errorf("download %s: %w", j.label(), serr)
		}
	}
	return f.saved(j)
}

func backoff(failures int) time.Duration {
	return min(250*time.Millisecond<<(failures-1), 8*time.Second)
}

// attempt makes one request, resuming from j.have, and streams the body into the temporary file.
func (f *fetcher) attempt(ctx context.Context, j *job, buf []byte) error {
	// A connection that stops delivering without closing would hang the command forever: cut it
	// after StallTimeout without a byte, and the next attempt resumes with Range.
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	stall := time.AfterFunc(f.opts.StallTimeout, cancel)
	defer stall.Stop()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, j.url, nil)
	if err != nil {
		return fmt.Errorf("bad URL: %w", err)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("unsupported URL scheme %q", req.URL.Scheme)
	}
	// identity: transparent gzip would make Range offsets meaningless.
	req.Header.Set("Accept-Encoding", "identity")
	if f.opts.UserAgent != "" {
		req.Header.Set("User-Agent", f.opts.UserAgent)
	}
	if j.have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", j.have))
	}
	resp, err := f.opts.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = shortURL(ue.URL) // the presigned query string is long noise in an error line
		}
		return &errRetry{err}
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusOK:
		if j.have > 0 { // the server ignored Range: start over
			if err := j.reset(); err != nil {
				return err
			}
		}
		j.size = resp.ContentLength
	case resp.StatusCode == http.StatusPartialContent:
		start, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != j.have {
			if err := j.reset(); err != nil {
				return err
			}
			return &errRetry{fmt.Errorf("server resumed at the wrong offset (Content-Range %q, wanted %d)", resp.Header.Get("Content-Range"), j.have)}
		}
		j.size = total
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		if err := j.reset(); err != nil {
			return err
		}
		return &errRetry{errors.New("server refused to resume (HTTP 416)")}
	case resp.StatusCode == http.StatusForbidden:
		return &errExpired{s3Detail(resp.Body)}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500:
		return &errRetry{fmt.Errorf("HTTP %s", resp.Status)}
	default:
		return fmt.Errorf("HTTP %s", resp.Status)
	}

	if j.path == "" {
		if err := f.settle(j, resp.Header.Get("Content-Type")); err != nil {
			return err
		}
	}
	j.track.setTotal(j.size)
	j.track.setCurrent(j.have)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if _, werr := j.tmp.Write(buf[:n]); werr != nil {
				return fmt.Errorf("write %s: %w", j.tmpName, werr)
			}
			j.hash.Write(buf[:n])
			j.have += int64(n)
			j.track.add(n)
			if j.have-j.flushed >= writebackChunk {
				startWriteback(j.tmp, j.flushed, j.have-j.flushed)
				j.flushed = j.have
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil && ctx.Err() == nil && actx.Err() != nil {
			return &errRetry{fmt.Errorf("no data for %s after %d bytes", f.opts.StallTimeout, j.have)}
		}
		if rerr != nil {
			return &errRetry{fmt.Errorf("connection lost after %d bytes: %w", j.have, rerr)}
		}
		stall.Reset(f.opts.StallTimeout)
	}
	if j.size >= 0 && j.have != j.size {
		if j.have > j.size {
			if err := j.reset(); err != nil {
				return err
			}
		}
		return &errRetry{fmt.Errorf("got %d of %d bytes", j.have, j.size)}
	}
	return nil
}

// settle fixes the final path once the first response says what the content is, and opens the
// temporary file beside it, so rename stays within one file system.
func (f *fetcher) settle(j *job, contentType string) error {
	if !j.extKnown {
		j.ext = extFromContentType(contentType)
		if j.ext == "" {
			j.ext = extFromURL(j.out.URL)
		}
		if j.ext == "" {
			j.ext = "bin"
		}
	}
	p := f.tmpl.expand(f.vars, j.out, j.ext, j.pos, f.total)
	f.mu.Lock()
	prev, taken := f.claimed[p]
	if !taken {
		f.claimed[p] = j.label()
	}
	f.mu.Unlock()
	if taken {
		return fmt.Errorf("%s and %s would both be saved as %s; use an -o template with {kind} and {index}", prev, j.label(), p)
	}
	j.path = p
	dir, name := filepath.Split(p)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", p, err)
	}
	if len(name) > 200 { // keep the temporary name within NAME_MAX
		name = name[:200]
	}
	tmp, err := os.CreateTemp(dir, "."+name+".part-*")
	if err != nil {
		return fmt.Errorf("create temporary file for %s: %w", p, err)
	}
	j.tmp, j.tmpName = tmp, tmp.Name()
	return nil
}

// reset discards what was downloaded so far.
func (j *job) reset() error {
	j.have = 0
	j.hash.Reset()
	j.flushed = 0
	j.track.setCurrent(0)
	if j.tmp == nil {
		return nil
	}
	if err := j.tmp.Truncate(0); err != nil {
		return fmt.Errorf("truncate %s: %w", j.tmpName, err)
	}
	if _, err := j.tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind %s: %w", j.tmpName, err)
	}
	return nil
}
