package ui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// stream sends each published event as a server-sent event ("event: delivery", data = the event JSON).
// Each client has a bounded buffer filled by a non-blocking send: a client that falls behind is dropped
// (its browser reconnects and reloads the list), so a slow page never holds up the receiver.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	if s.opts.Events == nil {
		w.WriteHeader(http.StatusNoContent) // tells EventSource not to reconnect: there is no live source
		return
	}
	rc := http.NewResponseController(w)
	buf := make(chan Event, s.opts.StreamBuffer)
	dropped := make(chan struct{})
	var (
		mu       sync.Mutex // orders the callback against the handler's return
		finished bool       // the handler returned: a late callback must not touch the response
		dropping bool       // the buffer overflowed once: the client is being dropped
	)
	unsubscribe := s.opts.Events.Subscribe(func(ev Event) {
		mu.Lock()
		defer mu.Unlock()
		if finished || dropping {
			return
		}
		select {
		case buf <- ev:
		default:
			dropping = true
			close(dropped)
			_ = rc.SetWriteDeadline(time.Now()) // unblock a write stuck on a client that stopped reading
		}
	})
	defer func() {
		mu.Lock()
		finished = true
		mu.Unlock()
		unsubscribe()
	}()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	h.Set("Connection", "close") // never reuse the connection: the drop may have left a past write deadline on it
	w.WriteHeader(http.StatusOK)
	if !s.send(rc, w, []byte("retry: 1000\n: connected\n\n")) {
		return
	}
	tick := time.NewTicker(s.opts.Heartbeat)
	defer tick.Stop()
	var msg bytes.Buffer
	for {
		select {
		case <-dropped: // checked first: a dropped client must not be served from what is left in buf
			s.log.Debug("dropped a slow event-stream client", "remote", r.RemoteAddr)
			return
		default:
		}
		select {
		case <-r.Context().Done():
			return
		case <-dropped:
			s.log.Debug("dropped a slow event-stream client", "remote", r.RemoteAddr)
			return
		case <-tick.C:
			if !s.send(rc, w, []byte(": ping\n\n")) {
				return
			}
		case ev := <-buf:
			msg.Reset()
			data, err := json.Marshal(toEventJSON(preview(ev), false)) // one line: JSON escapes every newline
			if err != nil {
				continue
			}
			msg.WriteString("id: ")
			msg.WriteString(sseField(ev.ID))
			msg.WriteString("\nevent: delivery\ndata: ")
			msg.Write(data)
			msg.WriteString("\n\n")
			if !s.send(rc, w, msg.Bytes()) {
				return
			}
		}
	}
}

// send writes and flushes one message within the write timeout; false means the client is gone.
func (s *Server) send(rc *http.ResponseController, w http.ResponseWriter, b []byte) bool {
	_ = rc.SetWriteDeadline(time.Now().Add(s.opts.StreamWriteTimeout))
	if _, err := w.Write(b); err != nil {
		return false
	}
	return rc.Flush() == nil
}

// sseField keeps an id on its line: a CR or LF in it would start a new field.
func sseField(s string) string {
	return string(bytes.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, []byte(s)))
}
