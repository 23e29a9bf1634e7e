package webhook

import (
	"crypto/subtle"
	"errors"
	"io"
	"log"
	"net/http"
	"time"
)

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// ServeHTTP checks the request, answers, and queues the delivery. It never blocks for longer than
// Options.FullWait (plus the responder's own time when Options.Respond is set).
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	// The path is the credential: compare it in constant time.
	if subtle.ConstantTimeCompare([]byte(req.URL.Path), []byte(r.path)) != 1 {
		r.reject(w, req, http.StatusNotFound, "unknown path")
		return
	}
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		r.reject(w, req, http.StatusMethodNotAllowed, "method "+req.Method+" not allowed")
		return
	}
	if req.ContentLength > r.opts.MaxBody {
		r.reject(w, req, http.StatusRequestEntityTooLarge, "body larger than the limit")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.opts.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			r.reject(w, req, http.StatusRequestEntityTooLarge, "body larger than the limit")
			return
		}
		r.reject(w, req, http.StatusBadRequest, "reading body: "+err.Error())
		return
	}
	d := NewDelivery(r.opts.Now(), req.Method, req.Header, body)
	if d.Event == nil {
		r.reject(w, req, http.StatusBadRequest, "body is not a JSON webhook event")
		return
	}

	if !r.enter() {
		writeText(w, http.StatusServiceUnavailable, "shutting down")
		return
	}
	defer r.inflight.Done()

	if r.opts.Respond != nil {
		start := time.Now()
		resp := r.opts.Respond(req, body)
		resp.Latency = time.Since(start)
		d.Response = &resp
		// The responder's answer is what the sender must see, even when our buffer is full.
		r.enqueue(d)
		writeResponse(w, resp)
		return
	}
	if !r.enqueue(d) {
		writeText(w, http.StatusServiceUnavailable, "receiver busy, retry later")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"ok":true}`)
}

// enter registers an in-flight handler unless Shutdown has begun closing the stream.
func (r *Receiver) enter() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	r.inflight.Add(1)
	return true
}

// enqueue marks duplicates and queues d; it reports false when the buffer stayed full (or Shutdown
// began), in which case d is not remembered, so Novita's retry will not be flagged as a duplicate.
func (r *Receiver) enqueue(d Delivery) bool {
	key := dedupKey(d)
	d.Duplicate = !r.dedup.Add(key)
	if r.send(d) {
		r.ctr.accepted.Add(1)
		return true
	}
	if !d.Duplicate {
		r.dedup.Remove(key)
	}
	r.ctr.dropped.Add(1)
	return false
}

func (r *Receiver) send(d Delivery) bool {
	select {
	case r.ch <- d:
		return true
	default:
	}
	t := time.NewTimer(r.opts.FullWait)
	defer t.Stop()
	select {
	case r.ch <- d:
		return true
	case <-t.C:
		return false
	case <-r.stop:
		return false
	}
}

func (r *Receiver) reject(w http.ResponseWriter, req *http.Request, status int, detail string) {
	r.ctr.rejected.Add(1)
	writeText(w, status, http.StatusText(status))
	if r.opts.OnProblem != nil {
		r.opts.OnProblem(Problem{Status: status, Method: req.Method, Path: req.URL.Path, Remote: req.RemoteAddr, Detail: detail})
	}
}

func writeText(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}

func writeResponse(w http.ResponseWriter, resp Response) {
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := resp.Status
	if status < 100 || status > 999 {
		status = http.StatusBadGateway
	}
	w.WriteHeader(status)
	_, _ = w.Write(resp.Body)
}
