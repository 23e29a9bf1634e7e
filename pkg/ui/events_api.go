package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/novita"
)

// Limits of the event endpoints.
const (
	defaultEventList = 500
	maxEventList     = 5000
	maxEventExport   = 100000
	maxEditedBody    = 4 << 20 // the receiver's own limit
	maxQueryLen      = 1000
)

// parseEventFilter reads ?status=&task_type=&q=&limit=; the error is a message for a 400.
func parseEventFilter(r *http.Request, def, max int) (EventFilter, error) {
	q := r.URL.Query()
	f := EventFilter{TaskType: strings.TrimSpace(q.Get("task_type")), Query: q.Get("q")}
	if s := strings.TrimSpace(q.Get("status")); s != "" {
		st, err := novita.ParseStatus(s)
		if err != nil {
			return f, err
		}
		f.Status = string(st)
	}
	if len(f.Query) > maxQueryLen || len(f.TaskType) > 100 {
		return f, fmt.Errorf("search text too long (at most %d characters)", maxQueryLen)
	}
	lim, err := parseLimit(q.Get("limit"), def, max)
	f.Limit = lim
	return f, err
}

func parseLimit(s string, def, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > max {
		return 0, fmt.Errorf("limit %q: want a number from 1 to %d", s, max)
	}
	return n, nil
}

// matchEvent applies f to a live event, the way the page filters what arrives on the stream.
func matchEvent(ev Event, f EventFilter) bool {
	if f.Status != "" && ev.Status != f.Status {
		return false
	}
	if f.TaskType != "" && !strings.EqualFold(ev.TaskType, f.TaskType) {
		return false
	}
	if f.Query != "" && !bytes.Contains(bytes.ToLower(ev.Body), bytes.ToLower([]byte(f.Query))) {
		return false
	}
	return true
}

// events merges the Store's events with the live ones it may not have yet, newest first.
func (s *Server) events(ctx context.Context, f EventFilter) ([]Event, error) {
	var out []Event
	if s.opts.Store != nil {
		stored, err := s.opts.Store.ListEvents(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("reading events: %w", err)
		}
		out = append(out, stored...)
	}
	if s.opts.Events != nil {
		seen := make(map[string]bool, len(out))
		for _, ev := range out {
			seen[ev.ID] = true
		}
		for _, ev := range s.opts.Events.Recent(0) {
			if !seen[ev.ID] && matchEvent(ev, f) {
				out = append(out, ev)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int { return b.Received.Compare(a.Received) })
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// findEvent looks in the live history first (the Store may not have it yet).
func (s *Server) findEvent(ctx context.Context, id string) (Event, error) {
	if s.opts.Events != nil {
		for _, ev := range s.opts.Events.Recent(0) {
			if ev.ID == id {
				return ev, nil
			}
		}
	}
	if s.opts.Store == nil || len(id) > 200 {
		return Event{}, ErrNotFound
	}
	return s.opts.Store.Event(ctx, id)
}

// filteredEvents answers the event list a request's filters select (with limits def and max); ok is
// false once an error was answered.
func (s *Server) filteredEvents(w http.ResponseWriter, r *http.Request, def, max int) (evs []Event, ok bool) {
	f, err := parseEventFilter(r, def, max)
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return nil, false
	}
	evs, err = s.events(r.Context(), f)
	if err != nil {
		s.fail(w, err)
		return nil, false
	}
	return evs, true
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	evs, ok := s.filteredEvents(w, r, defaultEventList, maxEventList)
	if !ok {
		return
	}
	out := make([]eventJSON, 0, len(evs))
	for _, ev := range evs {
		out = append(out, toEventJSON(preview(ev), false)) // the detail is fetched on demand
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) {
	ev, err := s.findEvent(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, toEventJSON(ev, false))
}

// export writes the filtered list as NDJSON, one event per line with its body embedded as JSON.
func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	evs, ok := s.filteredEvents(w, r, maxEventExport, maxEventExport)
	if !ok {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-ndjson; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="novita-events-%s.ndjson"`, s.opts.Now().Format("20060102-150405")))
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, ev := range evs {
		if err := enc.Encode(toEventJSON(ev, true)); err != nil {
			return // the client went away
		}
	}
}

// fail maps an error to its status: unknown id 404, unavailable action 409, anything else 502.
func (s *Server) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "not found")
	case errors.Is(err, ErrUnavailable):
		writeError(w, http.StatusConflict, "%v", err)
	default:
		s.log.Warn("inspector request failed", "err", err)
		writeError(w, http.StatusBadGateway, "%v", err)
	}
}
