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
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
)

// fetcher holds what the parallel workers of one Download share.
type fetcher struct {
	opts    *Options
	tmpl    *Template
	vars    Vars
	total   int
	refresh *refresher
	rep     Progress

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

	path   string    // final path, settled when the first response headers arrive
	dst    io.Writer // where the bytes go: the partial file, or standard output or a device
	tmp    *os.File  // the partial file, open and locked (file targets)
	owned  bool      // the partial file is this job's to keep or remove
	part   string    // the partial file's name, and its sidecar's
	info   string
	held   partInfo // what the partial file holds
	direct *os.File // an opened device or FIFO
	// have bytes are in dst, all of them hashed; flushed were handed to the kernel for writeback.
	have, flushed int64
	size          int64 // expected total, -1 when unknown
	hash          hash.Hash
	track         Transfer
	done          *File // already on disk from an earlier download: nothing to fetch
}

func (j *job) label() string { return fmt.Sprintf("%s %d", j.out.Kind, j.out.Index) }

// errRetry marks failures worth another attempt: network errors, cut bodies, 5xx, 429.
type errRetry struct{ err error }

func (e *errRetry) Error() string { return e.err.Error() }
func (e *errRetry) Unwrap() error { return e.err }

// errExpired is a 403 from the file host: the presigned URL expired (or was never valid).
type errExpired struct{ detail string }

func (e *errExpired) Error() string { return "HTTP 403 " + e.detail }

func (f *fetcher) run(ctx context.Context, j *job) (file File, err error) {
	j.size = -1
	j.hash = sha256.New()
	j.track = f.rep.Track(displayPath(j.guess))
	defer func() {
		if j.direct != nil {
			j.direct.Close()
		}
		j.closePart(err != nil && ctx.Err() != nil && j.have > 0)
		j.track.End(j.path, j.have, err == nil)
	}()

	if f.tmpl.target == targetFile {
		j.part, j.info = partPaths(j.guess)
	}
	if j.out.Data != nil {
		if err := f.saveInline(j); err != nil {
			return File{}, fmt.Errorf("save %s: %w", j.label(), err)
		}
		return f.saved(j)
	}
	if f.tmpl.target == targetFile {
		if err := f.resume(j); err != nil {
			return File{}, fmt.Errorf("download %s: %w", j.label(), err)
		}
	}
	refreshed := false
	failures := 0
	var highWater int64
	for {
		aerr := f.attempt(ctx, j)
		if aerr == nil {
			break
		}
		if ctx.Err() != nil {
			return File{}, j.interrupted(ctx.Err())
		}
		var exp *errExpired
		if errors.As(aerr, &exp) {
			where := fmt.Sprintf("download %s from %s", j.label(), shortURL(j.url))
			if refreshed || f.opts.Refresh == nil {
				msg := "the URL has expired or access was denied"
				if refreshed {
					msg = "access denied even after re-reading the task result"
				}
				return File{}, fmt.Errorf("%s: %s; output URLs expire after their TTL (%w)", where, msg, aerr)
			}
			refreshed = true
			f.rep.Logf("%s: URL expired (%v); re-reading the task result", j.label(), aerr)
			u, rerr := f.refresh.urlFor(ctx, j.out)
			if ctx.Err() != nil {
				return File{}, j.interrupted(ctx.Err())
			}
			if rerr != nil {
				return File{}, fmt.Errorf("%s: URL expired (%v) and %w", where, aerr, rerr)
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
			return File{}, fmt.Errorf("download %s from %s: giving up after %s: %w", j.label(), shortURL(j.url), iostreams.Count(failures, "attempt"), aerr)
		}
		f.rep.Logf("%s: %v; retrying (attempt %d of %d)", j.label(), aerr, failures+1, f.opts.MaxAttempts)
		if serr := f.opts.Sleep(ctx, backoff(failures)); serr != nil {
			if ctx.Err() != nil {
				return File{}, j.interrupted(ctx.Err())
			}
			return File{}, fmt.Errorf("download %s: %w", j.label(), serr)
		}
	}
	return f.saved(j)
}

func backoff(failures int) time.Duration {
	return min(250*time.Millisecond<<(failures-1), 8*time.Second)
}

// attempt makes one request, resuming from j.have, and streams the body into the temporary file.
func (f *fetcher) attempt(ctx context.Context, j *job) error {
	// A connection that stops delivering without closing would hang the command forever: cut it
	// after StallTimeout without a byte, and the next attempt resumes with Range.
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	stall := time.AfterFunc(f.opts.StallTimeout, cancel)
	defer stall.Stop()
	resp, err := f.get(actx, j)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	finished, err := j.accept(resp)
	if err != nil {
		return err
	}
	if err := f.settleOnce(j, resp.Header.Get("Content-Type")); err != nil || finished {
		return err
	}
	if resp.StatusCode == http.StatusOK {
		j.startInfo(resp)
	}
	if err := f.stream(ctx, actx, stall, j, resp.Body); err != nil {
		return err
	}
	return j.checkLength()
}

// get sends the request for what j still needs: from j.have on, if the output is still the version
// the partial file holds.
func (f *fetcher) get(ctx context.Context, j *job) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return nil, fmt.Errorf("bad URL: %w", err)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, fmt.Errorf("unsupported URL scheme %q", req.URL.Scheme)
	}
	// identity: transparent gzip would make Range offsets meaningless.
	req.Header.Set("Accept-Encoding", "identity")
	if f.opts.UserAgent != "" {
		req.Header.Set("User-Agent", f.opts.UserAgent)
	}
	if j.have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", j.have))
		if v := j.held.ifRange(); v != "" {
			req.Header.Set("If-Range", v)
		}
	}
	resp, err := f.opts.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = shortURL(ue.URL) // the presigned query string is long noise in an error line
		}
		if novita.CannotSucceed(err) {
			return nil, err // a redirect to file:// or a loop: the same answer every time
		}
		return nil, &errRetry{err}
	}
	return resp, nil
}

// accept reads the answer's status: whether its body continues what j holds (starting over when it
// cannot), and finished when j already holds every byte (a 416 after the last byte, before the rename).
func (j *job) accept(resp *http.Response) (finished bool, err error) {
	switch {
	case resp.StatusCode == http.StatusOK:
		if j.have > 0 { // the server ignored Range, or If-Range said the output changed: start over
			if err := j.reset(); err != nil {
				return false, err
			}
		}
		j.size = resp.ContentLength
		return false, nil
	case resp.StatusCode == http.StatusPartialContent:
		return false, j.acceptPart(resp)
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		if j.complete(resp) {
			return true, nil
		}
		if err := j.reset(); err != nil {
			return false, err
		}
		return false, &errRetry{errors.New("server refused to resume (HTTP 416)")}
	case resp.StatusCode == http.StatusForbidden:
		return false, &errExpired{s3Detail(resp.Body)}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500:
		return false, &errRetry{fmt.Errorf("HTTP %s", resp.Status)}
	}
	return false, fmt.Errorf("HTTP %s", resp.Status)
}

// acceptPart checks that a 206 resumes where j stopped, of the same version of the output.
func (j *job) acceptPart(resp *http.Response) error {
	start, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
	if !ok || start != j.have {
		if err := j.reset(); err != nil {
			return err
		}
		return &errRetry{fmt.Errorf("server resumed at the wrong offset (Content-Range %q, wanted %d)", resp.Header.Get("Content-Range"), j.have)}
	}
	if !j.held.sameVersion(resp, total) {
		if err := j.reset(); err != nil {
			return err
		}
		return &errRetry{errors.New("the partial file holds another version of this output; starting over")}
	}
	j.size = total
	return nil
}

// stream copies body into j (hashing and reporting every byte), restarting the stall timer on each
// read; a cut or stalled connection is worth another attempt.
func (f *fetcher) stream(ctx, actx context.Context, stall *time.Timer, j *job, body io.Reader) error {
	j.track.SetTotal(j.size)
	j.track.SetCurrent(j.have)
	left := int64(-1)
	if j.size >= 0 {
		left = j.size - j.have
	}
	buf, giveBack := f.opts.Buffers.get(left)
	defer giveBack()
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			if err := j.write(buf[:n]); err != nil {
				return err
			}
		}
		switch {
		case rerr == io.EOF:
			return nil
		case rerr != nil && ctx.Err() == nil && actx.Err() != nil:
			return &errRetry{fmt.Errorf("no data for %s after %d bytes", f.opts.StallTimeout, j.have)}
		case rerr != nil:
			return &errRetry{fmt.Errorf("connection lost after %d bytes: %w", j.have, rerr)}
		}
		stall.Reset(f.opts.StallTimeout)
	}
}

// write adds b to what j holds, handing the written part of a partial file to the kernel's
// writeback in chunks.
func (j *job) write(b []byte) error {
	if _, err := j.dst.Write(b); err != nil {
		return fmt.Errorf("write %s: %w", j.writingTo(), err)
	}
	j.hash.Write(b)
	j.have += int64(len(b))
	j.track.Add(len(b))
	if j.tmp != nil && j.have-j.flushed >= writebackChunk {
		startWriteback(j.tmp, j.flushed, j.have-j.flushed)
		j.flushed = j.have
	}
	return nil
}

// checkLength says a body shorter than announced is worth another attempt (resuming), and one
// longer starts over.
func (j *job) checkLength() error {
	if j.size < 0 || j.have == j.size {
		return nil
	}
	if j.have > j.size {
		if err := j.reset(); err != nil {
			return err
		}
	}
	return &errRetry{fmt.Errorf("got %d of %d bytes", j.have, j.size)}
}
