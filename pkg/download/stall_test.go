package download

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// TestDownloadCutsAStalledConnectionAndResumes: the first response sends part of the body and then
// goes silent without closing; the download must not hang but resume with Range.
func TestDownloadCutsAStalledConnectionAndResumes(t *testing.T) {
	dir := chdirTemp(t)
	content := payload(300_000, 9)
	const sent = 100_000
	release := make(chan struct{})
	var mu sync.Mutex
	var ranges []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		first := len(ranges) == 0
		ranges = append(ranges, r.Header.Get("Range"))
		mu.Unlock()
		if first {
			w.Header().Set("Content-Length", fmt.Sprint(len(content)))
			w.WriteHeader(http.StatusOK)
			w.Write(content[:sent])
			w.(http.Flusher).Flush()
			select { // silent, connection open
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(content))
	}))
	defer srv.Close()
	defer close(release)
	o := opts(srv)
	o.StallTimeout = 200 * time.Millisecond
	done := make(chan struct{})
	var files []File
	var err error
	go func() {
		defer close(done)
		files, err = Download(context.Background(), o, nil, Vars{TaskID: "t"},
			[]novita.Output{{Kind: "video", Index: 1, URL: srv.URL + "/v.mp4", Type: "mp4"}})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled connection hung the download")
	}
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ranges) != 2 || ranges[1] != fmt.Sprintf("bytes=%d-", sent) {
		t.Fatalf("expected a resume from byte %d, got Range headers %q", sent, ranges)
	}
	got, _ := os.ReadFile(filepath.Join(dir, files[0].Path))
	if !bytes.Equal(got, content) || files[0].SHA256 != sum(content) {
		t.Fatal("file not byte-exact after the stall")
	}
}
