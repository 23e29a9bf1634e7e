package sandbox

import (
	"net/http"
)

// handleResult answers GET /v3/async/task-result?task_id=: the task as of now, with fresh output URLs
// on every read (like real presigned links, each read extends the expiry).
func (s *Server) handleResult(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	if !s.allow(w, r, http.MethodGet) {
		return
	}
	id := r.URL.Query().Get("task_id")
	if s.inject(w, "result", id) {
		return
	}
	if id == "" {
		s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "task_id: is required", nil)
		return
	}
	s.mu.Lock()
	t := s.tasks[id]
	now := s.opts.Now()
	s.mu.Unlock()
	if t == nil {
		s.writeError(w, http.StatusNotFound, "TASK_NOT_FOUND", "task not found: "+id, nil)
		return
	}
	writeJSON(w, http.StatusOK, s.result(t, now, s.baseURL(r), false))
}
