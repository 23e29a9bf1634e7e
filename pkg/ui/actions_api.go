package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/novita-cli/novita/pkg/novita"
)

// The endpoints behind the inspector's buttons: replay, edit and replay, send a test event.

func (s *Server) replay(w http.ResponseWriter, r *http.Request) {
	ev, err := s.findEvent(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	if ev.BodyBytes > int64(len(ev.Body)) {
		writeError(w, http.StatusConflict, "this event's body was %d bytes, and only the first %d were kept: replaying them would send "+
			"a cut, invalid body; use Edit & replay with a complete body", ev.BodyBytes, len(ev.Body))
		return
	}
	s.doReplay(w, r, ev, ev.Body)
}

// replayEdited replays the request body in place of the event's, once it is known to be JSON.
func (s *Server) replayEdited(w http.ResponseWriter, r *http.Request) {
	ev, err := s.findEvent(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	body, err := readLimited(w, r, maxEditedBody)
	if err != nil {
		writeError(w, bodyErrStatus(err), "the edited body: %v (at most %d MiB)", err, maxEditedBody>>20)
		return
	}
	if msg := jsonProblem(body); msg != "" {
		writeError(w, http.StatusBadRequest, "the edited body is not valid JSON: %s; fix it and replay again", msg)
		return
	}
	s.doReplay(w, r, ev, body)
}

func (s *Server) doReplay(w http.ResponseWriter, r *http.Request, ev Event, body []byte) {
	if s.opts.Actions == nil {
		writeError(w, http.StatusConflict, "%s", NoReplay)
		return
	}
	res, err := s.opts.Actions.Replay(r.Context(), ev, body)
	if err != nil {
		s.fail(w, fmt.Errorf("replay: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, toForwardJSON(res, false))
}

// jsonProblem explains why b is not one JSON value ("" when it is).
func jsonProblem(b []byte) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return "it is empty"
	}
	var v any
	err := json.Unmarshal(b, &v)
	if err == nil {
		return ""
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	return err.Error()
}

// bodyErrStatus is 413 for a body over the limit, 400 for one that could not be read.
func bodyErrStatus(err error) int {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

func readLimited(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	return buf.Bytes(), err
}

// testEvent reads {"status": "SUCCEED"|"FAILED", "task": "txt2img"} and has that event delivered.
func (s *Server) testEvent(w http.ResponseWriter, r *http.Request) {
	body, err := readLimited(w, r, 4096)
	if err != nil {
		writeError(w, bodyErrStatus(err), "reading the request: %v", err)
		return
	}
	var req struct{ Status, Task string }
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, `want {"status": "SUCCEED" or "FAILED", "task": "txt2img"}: %v`, err)
		return
	}
	te, msg := validTestEvent(req.Status, req.Task)
	if msg != "" {
		writeError(w, http.StatusBadRequest, "%s", msg)
		return
	}
	if s.opts.Actions == nil {
		writeError(w, http.StatusConflict, "%s", NoTestEvent)
		return
	}
	sent, err := s.opts.Actions.SendTestEvent(r.Context(), te)
	if err != nil {
		s.fail(w, fmt.Errorf("test event: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"task_id": sent.TaskID, "receiver_status": sent.ReceiverStatus})
}

func validTestEvent(status, task string) (TestEvent, string) {
	st, err := novita.ParseStatus(status)
	if status == "" {
		st, err = novita.StatusSucceed, nil
	}
	if err != nil || (st != novita.StatusSucceed && st != novita.StatusFailed) {
		return TestEvent{}, fmt.Sprintf("status %q: a test event is SUCCEED or FAILED", status)
	}
	if task == "" {
		task = "txt2img"
	}
	if !validTaskName(task) {
		return TestEvent{}, fmt.Sprintf("task %q: want a task name such as txt2img or wan-t2v", task)
	}
	return TestEvent{Status: string(st), Task: task}, ""
}

func validTaskName(t string) bool {
	if len(t) == 0 || len(t) > 64 {
		return false
	}
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}
