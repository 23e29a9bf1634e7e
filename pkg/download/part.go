package download

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/novita-cli/novita/pkg/iostreams"
)

// A download in progress lives in ".<name>.part" beside its target, with ".<name>.part.info" recording
// which bytes it holds (URL without its presigned query, size, ETag, Last-Modified). A failed download
// removes both; an interrupted one keeps them, so the next wait or result --download of the same output
// to the same path resumes with Range instead of starting over. A part whose info is missing or names
// another resource or size is discarded, and If-Range makes the server send everything again when the
// output changed. The part is locked while in use, so two processes never write it at once.

// partInfo is what the sidecar of a partial download records.
type partInfo struct {
	URL          string `json:"url"`
	Size         int64  `json:"size"` // -1: unknown
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// partMaxName keeps ".<name>.part.info" within NAME_MAX (255 bytes).
const partMaxName = 200

// partPaths names the partial file of the output whose path is guess, and its sidecar.
func partPaths(guess string) (part, info string) {
	dir, name := filepath.Split(guess)
	if len(name) > partMaxName {
		h := sha256.Sum256([]byte(name))
		cut := partMaxName - 17
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + "-" + hex.EncodeToString(h[:8])
	}
	part = filepath.Join(dir, "."+name+".part")
	return part, part + ".info"
}

// resourceOf is a URL without its query and fragment: a presigned URL's signature changes on every
// task-result read, while the object it names does not.
func resourceOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.User = "", false, "", nil
	return u.String()
}

// errBusy is a partial file locked by another process downloading the same output to the same path.
func errBusy(j *job) error {
	return fmt.Errorf("another novita process is downloading %s (its partial file %s is in use); let it finish, or stop it and run this again",
		j.guess, j.part)
}

// resume opens the partial file an interrupted run left and checks it is this output's; its bytes are
// hashed so the sha256 covers the whole file. A part that cannot be trusted is emptied.
func (f *fetcher) resume(j *job) error {
	fi, err := os.Lstat(j.part)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check the partial file %s: %w", j.part, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is in the way of the partial download of %s and is not a regular file; remove it", j.part, j.guess)
	}
	file, err := os.OpenFile(j.part, os.O_RDWR|noFollow, 0)
	if err != nil {
		return fmt.Errorf("open the partial file %s: %w", j.part, err)
	}
	if !tryLock(file) {
		file.Close()
		return errBusy(j)
	}
	j.tmp, j.owned = file, true
	size, err := file.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("read the partial file %s: %w", j.part, err)
	}
	info, why := f.readInfo(j, size)
	if why != "" {
		f.rep.Logf("%s: discarding the partial file %s (%s)", j.label(), j.part, why)
		return j.reset()
	}
	buf, giveBack := f.opts.Buffers.get(size)
	defer giveBack()
	if _, err := io.CopyBuffer(j.hash, io.NewSectionReader(file, 0, size), buf); err != nil {
		return fmt.Errorf("read the partial file %s: %w", j.part, err)
	}
	j.have, j.flushed, j.held = size, size, info
	f.rep.Logf("%s: resuming %s after %s", j.label(), j.guess, iostreams.HumanBytes(size))
	return nil
}

// readInfo reads the sidecar of a part of size bytes; why says what makes it untrustworthy.
func (f *fetcher) readInfo(j *job, size int64) (info partInfo, why string) {
	b, err := os.ReadFile(j.info)
	switch {
	case size == 0:
		return info, "empty"
	case err != nil || json.Unmarshal(b, &info) != nil:
		return info, "no record of what it holds"
	case info.URL != resourceOf(j.url):
		return info, "it holds another output"
	case info.Size >= 0 && size > info.Size:
		return info, fmt.Sprintf("%d bytes, but the output has %d", size, info.Size)
	}
	return info, ""
}

// createPart opens the partial file for a fresh download, emptying whatever an earlier run left.
func (f *fetcher) createPart(j *job) error {
	if err := os.MkdirAll(filepath.Dir(j.part), 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", j.guess, err)
	}
	file, err := os.OpenFile(j.part, os.O_RDWR|os.O_CREATE|noFollow, 0o644)
	if err != nil {
		return fmt.Errorf("create the partial file for %s: %w", j.guess, err)
	}
	if !tryLock(file) {
		file.Close()
		return errBusy(j)
	}
	j.tmp, j.owned = file, true
	return j.reset()
}

// startInfo records which bytes the part is about to receive: a response that starts at byte 0.
func (j *job) startInfo(resp *http.Response) {
	j.held = partInfo{URL: resourceOf(j.url), Size: j.size, ETag: resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified")}
	if j.tmp == nil {
		return // a stream: nothing to resume from later
	}
	b, _ := json.Marshal(j.held)
	// Without its sidecar a part is simply not resumed: a failed write costs nothing else.
	if file, err := os.OpenFile(j.info, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|noFollow, 0o644); err == nil {
		_, _ = file.Write(b)
		file.Close()
	}
}

// ifRange is the validator that makes a server answer a resume with the whole new file when the
// output changed since the part was written: a strong ETag, else Last-Modified.
func (i partInfo) ifRange() string {
	if i.ETag != "" && !strings.HasPrefix(i.ETag, "W/") {
		return i.ETag
	}
	return i.LastModified
}

// sameVersion checks a 206 answer against what the part holds.
func (i partInfo) sameVersion(resp *http.Response, total int64) bool {
	etag := resp.Header.Get("ETag")
	return (i.Size < 0 || total == i.Size) && (i.ETag == "" || etag == "" || etag == i.ETag)
}

// closePart releases the partial file of a job that was not committed: it is kept when the download
// was interrupted after some bytes (for a later resume) and removed otherwise.
func (j *job) closePart(keep bool) {
	if j.tmp != nil {
		j.tmp.Close()
		j.tmp = nil
	}
	if j.owned && !keep {
		os.Remove(j.part)
		os.Remove(j.info)
	}
	j.owned = false
}

// interruptedError is a download stopped by Ctrl-C or a deadline. It reads as what happened; the
// cause stays in the chain for the exit code.
type interruptedError struct {
	path, part string // the target, and the partial file kept for a resume ("" when none)
	have, size int64
	cause      error
}

func (j *job) interrupted(cause error) error {
	e := &interruptedError{path: displayPath(j.path), have: j.have, size: j.size, cause: cause}
	if e.path == "" {
		e.path = displayPath(j.guess)
	}
	if j.owned && j.have > 0 {
		e.part = j.part
	}
	return e
}

func (e *interruptedError) Error() string {
	verb := "interrupted"
	if errors.Is(e.cause, context.DeadlineExceeded) {
		verb = "stopped by the time limit"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "download of %s %s", e.path, verb)
	switch {
	case e.have == 0:
		b.WriteString(" before any byte arrived")
	case e.size > 0:
		fmt.Fprintf(&b, " after %d of %d bytes", e.have, e.size)
	default:
		fmt.Fprintf(&b, " after %d bytes", e.have)
	}
	if e.part != "" {
		fmt.Fprintf(&b, " (kept in %s)", e.part)
	}
	return b.String()
}

func (e *interruptedError) Unwrap() error { return e.cause }
