package webhook

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkReceiverHandler is the receiver's own cost per delivery (decode, dedupe, hand-off), without
// the network: the ceiling on events/s that `novita listen` can reach.
func BenchmarkReceiverHandler(b *testing.B) {
	r, err := New(Options{Path: "/hook"})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range r.Deliveries() {
		}
	}()
	defer func() {
		_ = r.Shutdown(context.Background())
		<-done
	}()
	h := r.Handler()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body := strings.Replace(sampleEvent, `"t-1"`, fmt.Sprintf(`"t-%d"`, i), 1)
		req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
