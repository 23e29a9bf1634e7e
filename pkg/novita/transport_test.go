package novita

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// A redirect to file:// or a redirect loop cannot succeed on retry: one attempt, not five.
func TestRedirectsThatCannotSucceedAreNotRetried(t *testing.T) {
	for name, target := range map[string]string{"file": "file:///etc/passwd", "loop": "/loop"} {
		t.Run(name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				http.Redirect(w, r, target, http.StatusFound)
			}))
			defer srv.Close()
			c := testClient(srv.URL)
			var tries int
			c.OnRetry = func(string, int, time.Duration, error) { tries++ }
			_, err := c.TaskResult(context.Background(), "t-1")
			if err == nil || tries != 0 || !CannotSucceed(err) {
				t.Fatalf("err %v after %d retries (%d requests); want one attempt", err, tries, n.Load())
			}
		})
	}
}

// A host that does not resolve is offline: no retry.
func TestNoSuchHostFailsFast(t *testing.T) {
	c := testClient("http://novita-test-host.invalid")
	var tries int
	c.OnRetry = func(string, int, time.Duration, error) { tries++ }
	_, err := c.TaskResult(context.Background(), "t-1")
	if err == nil {
		t.Skip("the resolver answered for .invalid")
	}
	if !Offline(err) {
		t.Skipf("no DNS here to say 'no such host': %v", err)
	}
	if tries != 0 {
		t.Fatalf("retried %d times: %v", tries, err)
	}
}
