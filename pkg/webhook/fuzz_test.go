package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func FuzzReceiver(f *testing.F) {
	r, err := New(Options{Path: "/webhook/fuzz", MaxBody: 1 << 12})
	if err != nil {
		f.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range r.Deliveries() {
		}
	}()
	f.Cleanup(func() {
		_ = r.Shutdown(context.Background())
		<-done
	})
	f.Add("POST", "/webhook/fuzz", []byte(sampleEvent))
	f.Add("POST", "/webhook/fuzz", []byte(`{"event_type":"ASYNC_TASK_RESULT","payload":null}`))
	f.Add("POST", "/webhook/fuzz", []byte(`{"event_type":"ASYNC_TASK_RESULT","payload":{"task":{"eta":"x"},"images":[{"image_url_ttl":{}}]}}`))
	f.Add("POST", "/webhook/fuzz", []byte(`null`))
	f.Add("POST", "/webhook/fuzz", []byte("\xff\xfe"))
	f.Add("PUT", "/webhook/fuzz", []byte(`{}`))
	f.Add("POST", "/elsewhere", []byte(`{}`))
	f.Add("POST", "/webhook/fuzz", []byte(strings.Repeat("[", 5000)))
	allowed := map[int]bool{200: true, 400: true, 404: true, 405: true, 413: true, 503: true}
	f.Fuzz(func(t *testing.T, method, path string, body []byte) {
		req, err := http.NewRequest(method, "http://127.0.0.1/", strings.NewReader(string(body)))
		if err != nil {
			return // not a request net/http would ever hand us
		}
		req.URL.Path = path
		w := httptest.NewRecorder()
		r.Handler().ServeHTTP(w, req)
		if !allowed[w.Code] {
			t.Fatalf("%s %q %q: status %d", method, path, body, w.Code)
		}
	})
}
