package download

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
)

// Saved is an output saved earlier, as the journal recorded it. A target that already holds exactly
// these bytes is reported as already downloaded: it is neither fetched again nor refused as existing.
type Saved struct {
	Kind   string
	Index  int
	Path   string // where it was saved; its extension recognises a name settled by Content-Type
	Bytes  int64
	SHA256 string // hex; empty in records that have none, which then compare by size only
}

// Intact reports whether path is a regular file holding exactly the bytes s records.
func (s Saved) Intact(path string) bool {
	_, ok := s.check(path)
	return ok
}

// check compares path with s and returns its sha256 when it matches.
func (s Saved) check(path string) (string, bool) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != s.Bytes {
		return "", false
	}
	sum, err := SHA256File(path)
	if err != nil {
		return "", false
	}
	return sum, s.SHA256 == "" || strings.EqualFold(sum, s.SHA256)
}

// SHA256File is the hex sha256 of a file's bytes.
func SHA256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// precheck runs before any byte is fetched: two outputs must not share a path; a target that holds
// the bytes the journal recorded for its output is already downloaded; other existing files are kept
// unless --overwrite was given.
func (f *fetcher) precheck(jobs []*job) error {
	seen := map[string]*job{}
	for _, j := range jobs {
		if prev, ok := seen[j.guess]; ok && f.tmpl.target == targetFile {
			return clierr.Usagef("output template %q saves %s and %s to the same file %s; add {kind} and {index} to it",
				f.tmpl, prev.label(), j.label(), j.guess)
		}
		seen[j.guess] = j
	}
	if f.tmpl.target != targetFile {
		return nil
	}
	var earlier []Saved
	asked := false
	var exist []string
	for _, j := range jobs {
		_, err := os.Lstat(j.guess)
		there := err == nil
		if !there && j.extKnown && !f.opts.SavedAnywhere {
			continue // nothing in the way, and the name will not change
		}
		if !asked && f.opts.Earlier != nil {
			earlier, asked = f.opts.Earlier(), true
		}
		if done := f.onDisk(j, earlier); done != nil {
			j.done = done
			f.rep.Logf("already downloaded %s (same sha256 as recorded in the journal)", done.Path)
			continue
		}
		if there && !f.opts.Overwrite {
			if fi, err := os.Stat(j.guess); err == nil && fi.Mode().IsRegular() {
				continue // fetched, then compared at commit: the same bytes are success, others are refused
			}
			exist = append(exist, j.guess)
		}
	}
	if len(exist) == 0 {
		return nil
	}
	return &ExistsError{Paths: exist}
}

// onDisk finds j's output among the earlier saves, at the path the template gives it now.
func (f *fetcher) onDisk(j *job, earlier []Saved) *File {
	for _, s := range earlier {
		if s.Kind != j.out.Kind || s.Index != j.out.Index {
			continue
		}
		paths := []string{j.guess}
		if ext := normalizeExt(filepath.Ext(s.Path)); ext != "" && !j.extKnown {
			paths = append(paths, f.tmpl.expand(f.vars, j.out, ext, j.pos, f.total))
		}
		if f.opts.SavedAnywhere && filepath.IsAbs(s.Path) && f.tmpl.target == targetFile {
			// Saved earlier under another template (listen --download, another -o): still there
			// unchanged, it is that output; a second copy would be a second download of it.
			paths = append(paths, s.Path)
		}
		for _, p := range paths {
			if sum, ok := s.check(p); ok {
				return &File{Kind: j.out.Kind, Index: j.out.Index, URL: j.out.URL, Path: p, Bytes: s.Bytes, SHA256: sum}
			}
		}
	}
	return nil
}
