package download

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// Where a job's bytes go: the final path settled by the first response, the partial file beside it
// (or a stream), and starting over when the server cannot continue where the bytes stop.

// settleOnce settles the destination at the first response of this run.
func (f *fetcher) settleOnce(j *job, contentType string) error {
	if j.path != "" {
		return nil
	}
	return f.settle(j, contentType)
}

// settle fixes the final path once the first response says what the content is, and opens the
// partial file beside it (unless a resumed one is open already), so rename stays within one file system.
func (f *fetcher) settle(j *job, contentType string) error {
	if f.tmpl.target != targetFile {
		return f.openDirect(j)
	}
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
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", p, err)
	}
	if j.tmp == nil {
		if err := f.createPart(j); err != nil {
			return err
		}
	}
	j.dst = j.tmp
	return nil
}

// complete tells whether a 416 answer to a resume means the partial file already holds the whole
// output: the server's size is the part's, and the version is the one the part was written from.
func (j *job) complete(resp *http.Response) bool {
	rest, ok := strings.CutPrefix(resp.Header.Get("Content-Range"), "bytes */")
	total, okTotal := nonNegative(rest)
	if !ok || !okTotal || j.have == 0 || total != j.have || j.held.Size != j.have || !j.held.sameVersion(resp, total) {
		return false
	}
	j.size = total
	return true
}

// reset discards what was downloaded so far.
func (j *job) reset() error {
	if j.tmp == nil && j.have > 0 {
		return fmt.Errorf("the server sent the output from its start again after %d bytes had gone to %s, "+
			"which cannot be rewound; save it to a file instead", j.have, j.writingTo())
	}
	j.have = 0
	j.hash.Reset()
	j.flushed = 0
	j.track.SetCurrent(0)
	if j.tmp == nil {
		return nil
	}
	if err := j.tmp.Truncate(0); err != nil {
		return fmt.Errorf("truncate %s: %w", j.part, err)
	}
	if _, err := j.tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind %s: %w", j.part, err)
	}
	return nil
}

// writingTo names where the bytes go, for errors.
func (j *job) writingTo() string {
	if j.tmp != nil {
		return j.part
	}
	return displayPath(j.path)
}

// displayPath names a destination for people: "-" is standard output.
func displayPath(p string) string {
	if p == StdoutPath {
		return "standard output"
	}
	return p
}
