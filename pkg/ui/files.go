package ui

import (
	"errors"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// mediaTypes are the only types a file is served as; anything else is a download
// (application/octet-stream, attachment), so no stored file can become a page of this origin.
func mediaTypes() map[string]string {
	return map[string]string{
		".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif",
		".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime",
		".wav": "audio/wav", ".mp3": "audio/mpeg", ".flac": "audio/flac", ".ogg": "audio/ogg", ".m4a": "audio/mp4", ".aac": "audio/aac",
	}
}

func contentType(path string) string {
	if t, ok := mediaTypes()[strings.ToLower(filepath.Ext(path))]; ok {
		return t
	}
	return "application/octet-stream"
}

// file serves /files/{task}/{n}: the n-th file the Store lists for the task, opened by the path the
// Store recorded. The request only chooses which record; it never contributes to a path.
func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("n")
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || strconv.Itoa(n) != raw {
		writeError(w, http.StatusNotFound, "no such file")
		return
	}
	t, err := s.task(r, r.PathValue("task"))
	if err != nil {
		s.fail(w, err)
		return
	}
	if n >= len(t.Files) {
		writeError(w, http.StatusNotFound, "task %s has no file %d", t.ID, n)
		return
	}
	path := t.Files[n].Path
	if path == "" || !filepath.IsAbs(path) {
		writeError(w, http.StatusNotFound, "this output was not downloaded")
		return
	}
	f, st, err := openRecorded(t.Files[n])
	if err != nil {
		var changed errChanged
		switch {
		case errors.As(err, &changed):
			writeError(w, http.StatusConflict, "%s", changed.why)
		case errors.Is(err, os.ErrNotExist):
			writeError(w, http.StatusNotFound, "the file is no longer on disk")
		default:
			s.fail(w, err)
		}
		return
	}
	defer f.Close()
	ct := contentType(path)
	disp := "inline"
	if ct == "application/octet-stream" {
		disp = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Security-Policy", filePolicy)
	if cd := mime.FormatMediaType(disp, map[string]string{"filename": filepath.Base(path)}); cd != "" {
		h.Set("Content-Disposition", cd)
	} else {
		h.Set("Content-Disposition", disp)
	}
	http.ServeContent(w, r, "", st.ModTime(), f) // Range requests: video and audio can seek
}
