package download

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

// An output URL that redirects to file:// or in a loop fails at the first attempt, not after retries.
func TestDownloadRedirectsThatCannotSucceedAreNotRetried(t *testing.T) {
	for name, target := range map[string]string{"file": "file:///etc/passwd", "loop": "/loop"} {
		t.Run(name, func(t *testing.T) {
			chdirTemp(t)
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				http.Redirect(w, r, target, http.StatusFound)
			}))
			defer srv.Close()
			tmpl, _ := ParseTemplate("out.png")
			outs := []novita.Output{{Kind: "image", Index: 1, URL: srv.URL + "/a.png"}}
			_, err := Download(context.Background(), opts(srv), tmpl, Vars{}, outs)
			if err == nil {
				t.Fatal("no error")
			}
			want := int32(1)
			if name == "loop" {
				want = 10 // one attempt: the request and the redirects it followed
			}
			if n.Load() != want {
				t.Fatalf("%d requests (%v); want %d: one attempt", n.Load(), err, want)
			}
		})
	}
}
