package ui

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
)

// maxLookupUpload bounds a file dropped on the page that its sha256 did not find: only its metadata
// is read, and outputs worth dropping are images and short clips.
const maxLookupUpload = 64 << 20

var sha256Hex = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// taskBySHA256 answers the task of an output whose sha256 the page computed (a dropped file), or 204
// when the journal has none.
func (s *Server) taskBySHA256(w http.ResponseWriter, r *http.Request) {
	sum := r.PathValue("sum")
	ff, ok := s.opts.Store.(FileFinder)
	if !ok || !sha256Hex.MatchString(sum) {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	t, err := ff.TaskOfFile(r.Context(), sum, nil)
	if errors.Is(err, ErrNotFound) {
		// Not an error: the page goes on to read the file's metadata (a 404 would be logged as one).
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, toTaskJSON(t))
}

// taskOfUpload reads a dropped file the journal does not know by its sha256: its embedded metadata
// names the task. The bytes are read, never stored.
func (s *Server) taskOfUpload(w http.ResponseWriter, r *http.Request) {
	ff, ok := s.opts.Store.(FileFinder)
	if !ok {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxLookupUpload)); err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "the file is larger than %d MiB: only outputs the journal knows by their sha256 can be looked up", maxLookupUpload>>20)
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	t, err := ff.TaskOfFile(r.Context(), hex.EncodeToString(sum[:]), bytes.NewReader(buf.Bytes()))
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusNotFound, "this file is no output of a task in the journal and carries no novita metadata")
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, toTaskJSON(t))
}
