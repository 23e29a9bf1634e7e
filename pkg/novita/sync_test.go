package novita

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestSubmitSyncReturnsTheAnswerAsIs(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.Store(r.Method + " " + r.URL.Path + " " + r.Header.Get("Authorization") + " " + string(b))
		_, _ = w.Write([]byte(`{"image_file":"AAAA","image_type":"png"}`))
	}))
	defer srv.Close()
	raw, err := testClient(srv.URL).SubmitSync(context.Background(), "/v3/remove-background", []byte(`{"image_file":"x"}`))
	if err != nil || string(raw) != `{"image_file":"AAAA","image_type":"png"}` {
		t.Fatalf("SubmitSync = %q, %v", raw, err)
	}
	if got.Load() != `POST /v3/remove-background Bearer sk_test_secret {"image_file":"x"}` {
		t.Errorf("request %v", got.Load())
	}
}

func TestSubmitSyncNeverPostsUnderAsync(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	for _, p := range []string{"/v3/async/remove-background", "remove-background", ""} {
		if _, err := testClient(srv.URL).SubmitSync(context.Background(), p, []byte(`{}`)); err == nil {
			t.Errorf("SubmitSync(%q) accepted", p)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests sent", hits.Load())
	}
}

// A synchronous call is billed when it runs: a 500 or a timeout is not retried, a 429 is.
func TestSubmitSyncRetriesOnlyWhatWasNotRun(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"code":429,"reason":"RATE_LIMIT_EXCEEDED"}`))
		case 2:
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"code":500,"reason":"INTERNAL"}`))
		default:
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	_, err := testClient(srv.URL).SubmitSync(context.Background(), "/v3/cleanup", []byte(`{}`))
	var ae *APIError
	if !errors.As(err, &ae) || ae.HTTPStatus != 500 || n.Load() != 2 {
		t.Fatalf("err %v after %d requests, want the 500 after 2", err, n.Load())
	}
	if !strings.Contains(err.Error(), "INTERNAL") {
		t.Errorf("error %q", err)
	}

	stall := make(chan struct{})
	var m atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // the server notices a client hang-up only once the body is consumed
		m.Add(1)
		select {
		case <-stall:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(stall) // before Close, which waits for the handler
	c := testClient(slow.URL)
	c.SubmitTimeout = 50 * time.Millisecond
	if _, err := c.SubmitSync(context.Background(), "/v3/cleanup", []byte(`{}`)); err == nil || m.Load() != 1 {
		t.Fatalf("timeout: err %v after %d requests, want 1", err, m.Load())
	}
}
