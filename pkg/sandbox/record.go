package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxBody bounds a request body: base64 images make bodies large, but not this large.
const maxBody = 32 << 20

// Request is one request the server answered, kept for assertions.
type Request struct {
	Method   string
	Path     string
	Query    url.Values
	Header   http.Header // a copy, Authorization included (tests assert on it; it is never logged)
	Body     []byte
	Status   int
	Time     time.Time // when it arrived, per Options.Now
	Duration time.Duration
}

// Requests returns every request answered so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// statusWriter remembers the status and keeps Flush reachable for streamed downloads.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// record buffers the body, then records and logs the request once it is answered, even when the
// handler aborts the connection (DownloadCutAfter) by panicking with http.ErrAbortHandler.
func (s *Server) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		opts := s.options()
		start, arrived := time.Now(), opts.Now()
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
			if err == nil {
				body = b
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(),
				Body: body, Status: status, Time: arrived, Duration: time.Since(start)}
			s.mu.Lock()
			s.requests = append(s.requests, rec)
			s.mu.Unlock()
			if opts.Logger != nil {
				s.logMu.Lock()
				fmt.Fprintf(opts.Logger, "%s %s %d %s\n", rec.Method, rec.Path, rec.Status, rec.Duration.Round(time.Microsecond))
				s.logMu.Unlock()
			}
		}()
		if len(body) > maxBody {
			s.writeError(sw, http.StatusBadRequest, "INVALID_REQUEST_BODY", "request body exceeds 32 MiB", nil)
			return
		}
		next.ServeHTTP(sw, r)
	})
}
