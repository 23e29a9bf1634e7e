// Package taskref turns what a user typed to name a task into its id: a full id, a unique id prefix
// (MinPrefix characters or more), or the path of an output file, found by its sha256 in the journal
// (delivered or final, after embedded metadata), else by the provenance embedded in it or beside it.
// Every command that names a task, and the inspector, resolve through Resolve.
package taskref

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/provenance"
)

// MinPrefix is the shortest id prefix that names a task.
const MinPrefix = 6

// How a reference was resolved.
const (
	ViaID       = "id"
	ViaPrefix   = "prefix"
	ViaSHA256   = "sha256"
	ViaMetadata = "metadata"
)

// Ref is a resolved task reference.
type Ref struct {
	Input string // as typed
	ID    string
	Via   string
	Known bool   // the journal has the task
	Path  string // the file the reference named, if it was one
	// Record is the provenance embedded in (or beside) the file, when the reference was a file that
	// the journal did not know by its sha256.
	Record *provenance.Record
	// Warning is a journal error the resolution did without (the id is used as typed).
	Warning error
}

// AmbiguousError is a prefix several tasks share (a usage error: exit 2).
type AmbiguousError struct {
	Prefix     string
	Candidates []string // up to maxCandidates
	More       bool     // there are more than these
}

const maxCandidates = 10

func (e *AmbiguousError) Error() string {
	more := ""
	if e.More {
		more = ", ..."
	}
	safe := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		safe[i] = iostreams.Safe(c)
	}
	return fmt.Sprintf("task id prefix \"%s\" matches several tasks: %s%s", iostreams.Safe(e.Prefix), strings.Join(safe, ", "), more)
}

// ExitKind makes an ambiguous prefix a usage error.
func (e *AmbiguousError) ExitKind() clierr.Kind { return clierr.KindUsage }

// Resolve resolves ref against the journal j.
func Resolve(ctx context.Context, j *journal.Journal, ref string) (Ref, error) {
	return ResolveIn(ctx, j, "", ref)
}

// ResolveIn is Resolve with a relative file reference taken in dir ("" the process's directory).
func ResolveIn(ctx context.Context, j *journal.Journal, dir, ref string) (Ref, error) {
	r := Ref{Input: ref, ID: strings.TrimSpace(ref), Via: ViaID}
	if r.ID == "" {
		return r, clierr.Usagef("empty task reference: give a task id, a prefix of one (%d+ characters) or an output file", MinPrefix)
	}
	file := r.ID
	if dir != "" && !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	info, err := os.Stat(file)
	switch {
	case err == nil && info.Mode().IsRegular():
		r.ID = file
		return resolveFile(ctx, j, r)
	case err == nil && looksLikePath(r.ID):
		return r, clierr.Usagef("%s is not a regular file: a task reference is a task id, a prefix of one, or an output file", iostreams.Safe(r.ID))
	case looksLikePath(r.ID):
		return r, clierr.Usagef("%s: no such file (a task reference is a task id, a prefix of one, or an output file)", iostreams.Safe(r.ID))
	}
	return resolveID(ctx, j, r)
}

// ResolveID resolves a reference that may only be an id or a unique prefix, never a path: for
// callers such as the inspector's URLs, where a file name must not reach the file system.
func ResolveID(ctx context.Context, j *journal.Journal, ref string) (Ref, error) {
	r := Ref{Input: ref, ID: strings.TrimSpace(ref), Via: ViaID}
	if r.ID == "" {
		return r, clierr.Usagef("empty task reference")
	}
	return resolveID(ctx, j, r)
}

func resolveID(ctx context.Context, j *journal.Journal, r Ref) (Ref, error) {
	ids, err := j.IDsWithPrefix(ctx, r.ID, maxCandidates+1)
	if err != nil {
		r.Warning = err
		return r, nil
	}
	switch {
	case len(ids) > 0 && ids[0] == r.ID:
		r.Known = true
	case len(r.ID) < MinPrefix || len(ids) == 0:
		// Not in the journal: the API may still know it (a task submitted elsewhere).
	case len(ids) == 1:
		r.ID, r.Via, r.Known = ids[0], ViaPrefix, true
	default:
		return r, &AmbiguousError{Prefix: r.ID, Candidates: ids[:min(len(ids), maxCandidates)], More: len(ids) > maxCandidates}
	}
	return r, nil
}

// looksLikePath tells a reference meant as a file (a separator, or a media extension) from an id.
func looksLikePath(s string) bool {
	if strings.ContainsAny(s, `/\`) {
		return true
	}
	switch strings.ToLower(filepath.Ext(s)) {
	case ".png", ".jpg", ".jpeg", ".webp", ".gif", ".mp4", ".webm", ".mov", ".wav", ".mp3", ".flac", ".ogg", ".json":
		return true
	}
	return false
}

// resolveFile finds the task of an output file: by sha256 in the journal, else by its metadata.
func resolveFile(ctx context.Context, j *journal.Journal, r Ref) (Ref, error) {
	r.Path = r.ID
	sum, err := download.SHA256File(r.Path)
	if err != nil {
		return r, fmt.Errorf("read %s: %w", iostreams.Safe(r.Path), err)
	}
	ids, jerr := j.IDsWithFile(ctx, sum)
	if jerr == nil && len(ids) > 0 {
		r.ID, r.Via, r.Known = ids[0], ViaSHA256, true
		return r, nil
	}
	rec, ok, err := provenance.Read(r.Path)
	if err != nil {
		return r, fmt.Errorf("read %s: %w", iostreams.Safe(r.Path), err)
	}
	if !ok {
		err := clierr.Usagef("%s is not an output this journal knows (sha256 %.12s...) and carries no novita metadata",
			iostreams.Safe(r.Path), sum)
		if jerr != nil {
			err = errors.Join(err, jerr)
		}
		return r, err
	}
	r.ID, r.Via, r.Record = rec.TaskID, ViaMetadata, &rec
	if jerr == nil {
		if ids, err := j.IDsWithPrefix(ctx, rec.TaskID, 1); err == nil && len(ids) == 1 && ids[0] == rec.TaskID {
			r.Known = true
		}
	} else {
		r.Warning = jerr
	}
	return r, nil
}
