package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/novita-cli/novita/pkg/novita"
)

const (
	defaultTaskList = 200
	maxTaskList     = 2000
)

func parseTaskFilter(r *http.Request) (TaskFilter, error) {
	q := r.URL.Query()
	f := TaskFilter{Task: strings.TrimSpace(q.Get("task")), Query: q.Get("q")}
	if s := strings.TrimSpace(q.Get("status")); s != "" {
		st, err := novita.ParseStatus(s)
		if err != nil {
			return f, err
		}
		f.Status = string(st)
	}
	if len(f.Query) > maxQueryLen || len(f.Task) > 100 {
		return f, fmt.Errorf("search text too long (at most %d characters)", maxQueryLen)
	}
	lim, err := parseLimit(q.Get("limit"), defaultTaskList, maxTaskList)
	f.Limit = lim
	return f, err
}

func (s *Server) listTasks(w http.ResponseWriter, r *http.Request) {
	f, err := parseTaskFilter(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	out := []taskJSON{}
	if s.opts.Store != nil {
		tasks, err := s.opts.Store.ListTasks(r.Context(), f)
		if err != nil {
			s.fail(w, fmt.Errorf("reading tasks: %w", err))
			return
		}
		for _, t := range tasks {
			out = append(out, toTaskJSON(t))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) task(r *http.Request, id string) (Task, error) {
	if s.opts.Store == nil || id == "" || len(id) > 200 {
		return Task{}, ErrNotFound
	}
	return s.opts.Store.Task(r.Context(), id)
}

func (s *Server) getTask(w http.ResponseWriter, r *http.Request) {
	t, err := s.task(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, toTaskJSON(t))
}

// downloadAgain refuses up front when every output URL has expired: the download would only fail.
func (s *Server) downloadAgain(w http.ResponseWriter, r *http.Request) {
	t, err := s.task(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	if !canDownloadAgain(t) {
		writeError(w, http.StatusConflict, "%s", expired(t.ID))
		return
	}
	if s.opts.Actions == nil {
		writeError(w, http.StatusConflict, "%s", NoDownload(t.ID))
		return
	}
	files, err := s.opts.Actions.DownloadAgain(r.Context(), t)
	if err != nil {
		s.fail(w, fmt.Errorf("download: %w", err))
		return
	}
	t.Files = files
	writeJSON(w, http.StatusOK, toTaskJSON(t))
}
