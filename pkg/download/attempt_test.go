package download

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

// Branches of one attempt the other tests do not reach: a 206 that resumes at another offset than
// asked (the partial file is dropped and the next attempt starts over), a 408 (retried), and the
// request's headers (no transparent gzip, which would make Range offsets meaningless; the User-Agent).
func TestAttemptRecoversFromAWrongResumeOffset(t *testing.T) {
	dir := chdirTemp(t)
	content := payload(80_000, 31)
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := len(seen)
		seen = append(seen, r.Header.Get("Range")+"|"+r.Header.Get("Accept-Encoding")+"|"+r.Header.Get("User-Agent"))
		mu.Unlock()
		switch n {
		case 0: // resuming from 40000 is asked; the server answers from 10 bytes later
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 40010-%d/%d", len(content)-1, len(content)))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(content[40010:])
		case 1:
			w.WriteHeader(http.StatusRequestTimeout)
		default:
			w.Write(content)
		}
	}))
	defer srv.Close()
	leavePart(t, content[:40_000], &partInfo{URL: srv.URL + "/a.png", Size: int64(len(content))})
	o := opts(srv)
	o.UserAgent = "novita-cli/test"
	files, err := Download(context.Background(), o, nil, Vars{TaskID: "t"},
		[]novita.Output{{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/a.png"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"bytes=40000-|identity|novita-cli/test", "|identity|novita-cli/test", "|identity|novita-cli/test"}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("requests %q, want %q (start over after the wrong offset, retry the 408)", seen, want)
	}
	got, _ := os.ReadFile(filepath.Join(dir, files[0].Path))
	if !bytes.Equal(got, content) || files[0].SHA256 != sum(content) {
		t.Fatalf("saved file is not the output: %d bytes", len(got))
	}
	if l := listFiles(t, dir); len(l) != 1 {
		t.Errorf("files left: %v", l)
	}
}

// A URL of another scheme is refused at once, not retried: it would fail the same way every time.
func TestAttemptRefusesAnotherScheme(t *testing.T) {
	chdirTemp(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := Download(context.Background(), opts(srv), nil, Vars{TaskID: "t"},
		[]novita.Output{{Kind: "image", Index: 1, Type: "png", URL: "ftp://example.invalid/a.png"}})
	if err == nil || !strings.Contains(err.Error(), `unsupported URL scheme "ftp"`) || strings.Contains(err.Error(), "giving up") {
		t.Fatalf("err = %v, want the scheme refused on the first attempt", err)
	}
}
