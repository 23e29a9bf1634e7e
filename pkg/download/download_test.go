package download

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
)

func payload(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

func noSleep(context.Context, time.Duration) error { return nil }

// chdirTemp runs the test in an empty directory so relative templates land there.
func chdirTemp(t *testing.T) string {
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

// listFiles returns every regular file under dir, relative, temporary files included.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return err
	})
	return out
}

func opts(srv *httptest.Server) Options {
	return Options{HTTPClient: srv.Client(), Sleep: noSleep, MaxAttempts: 3}
}

// serve serves content at each path with Range support (http.ServeContent), counting requests.
type fileServer struct {
	mu     sync.Mutex
	files  map[string][]byte
	ranges []string
	hits   atomic.Int32
}

func (s *fileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	s.mu.Lock()
	b, ok := s.files[r.URL.Path]
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}

func TestDownloadParallelByteExact(t *testing.T) {
	dir := chdirTemp(t)
	fsrv := &fileServer{files: map[string][]byte{}}
	var outs []novita.Output
	var inflight, peak atomic.Int32
	for i := 1; i <= 6; i++ {
		fsrv.files[fmt.Sprintf("/img/image_%02d.png", i)] = payload(200_000+i*777, uint64(i))
	}
	fsrv.files["/v/clip.mp4"] = payload(1_500_000, 99)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := inflight.Add(1); n > peak.Load() {
			peak.Store(n)
		}
		defer inflight.Add(-1)
		time.Sleep(20 * time.Millisecond) // let the downloads overlap
		fsrv.ServeHTTP(w, r)
	}))
	defer srv.Close()
	for i := 1; i <= 6; i++ {
		outs = append(outs, novita.Output{Kind: "image", Index: i, Type: "png",
			URL: srv.URL + fmt.Sprintf("/img/image_%02d.png?X-Amz-Signature=abc", i)})
	}
	outs = append(outs, novita.Output{Kind: "video", Index: 1, Type: "mp4", URL: srv.URL + "/v/clip.mp4"})

	var progress bytes.Buffer
	o := opts(srv)
	o.Progress = iostreams.NewTransfers(&progress, false)
	files, err := Download(context.Background(), o, nil, Vars{TaskID: "task-1"}, outs)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(outs) {
		t.Fatalf("got %d files, want %d", len(files), len(outs))
	}
	for i, f := range files {
		want := fsrv.files[strings.SplitN(strings.TrimPrefix(outs[i].URL, srv.URL), "?", 2)[0]]
		wantPath := filepath.Join("task-1", fmt.Sprintf("%s-%d.%s", outs[i].Kind, outs[i].Index, outs[i].Type))
		if f.Path != wantPath || f.Kind != outs[i].Kind || f.Index != outs[i].Index || f.URL != outs[i].URL {
			t.Errorf("file %d = %+v, want path %s", i, f, wantPath)
		}
		got, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) || f.Bytes != int64(len(want)) || f.SHA256 != sum(want) {
			t.Errorf("%s: %d bytes sha %s; server sent %d bytes sha %s", f.Path, f.Bytes, f.SHA256, len(want), sum(want))
		}
		if !strings.Contains(progress.String(), "downloaded "+f.Path+" (") {
			t.Errorf("progress %q lacks a line for %s", progress.String(), f.Path)
		}
	}
	if peak.Load() < 2 {
		t.Errorf("at most %d downloads ran at once; want parallel", peak.Load())
	}
	if peak.Load() > defaultParallel {
		t.Errorf("%d downloads ran at once; want at most %d", peak.Load(), defaultParallel)
	}
	if got := listFiles(t, dir); len(got) != len(outs) {
		t.Errorf("files on disk %v; want exactly the %d outputs", got, len(outs))
	}
}

func TestDownloadExistingFile(t *testing.T) {
	dir := chdirTemp(t)
	fsrv := &fileServer{files: map[string][]byte{"/a.png": []byte("new content")}}
	srv := httptest.NewServer(fsrv)
	defer srv.Close()
	outs := []novita.Output{{Kind: "image", Index: 1, URL: srv.URL + "/a.png"}}
	tmpl, _ := ParseTemplate("cat.png")
	os.WriteFile("cat.png", []byte("old"), 0o644)

	_, err := Download(context.Background(), opts(srv), tmpl, Vars{}, outs)
	if err == nil || !strings.Contains(err.Error(), "cat.png") || !isExists(err) {
		t.Fatalf("error %v; want an *ExistsError naming cat.png", err)
	}
	if clierr.Code(err) != clierr.ExitError {
		t.Errorf("exit code %d, want 1", clierr.Code(err))
	}
	// The output is fetched (it might be the same bytes, which would be success) but never replaces
	// a different file, and leaves no partial file behind.
	if b, _ := os.ReadFile("cat.png"); string(b) != "old" || len(listFiles(t, dir)) != 1 {
		t.Errorf("file %q after refusal, files %v; want untouched and alone", b, listFiles(t, dir))
	}

	o := opts(srv)
	o.Overwrite = true
	if _, err := Download(context.Background(), o, tmpl, Vars{}, outs); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile("cat.png"); string(b) != "new content" {
		t.Errorf("file %q after --overwrite", b)
	}
	if l := listFiles(t, dir); len(l) != 1 {
		t.Errorf("files: %v", l)
	}
}

// TestDownloadExistingFileByContentType covers a name settled only by Content-Type: the check at
// rename time still refuses to replace it.
func TestDownloadExistingFileByContentType(t *testing.T) {
	chdirTemp(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/webp")
		w.Write([]byte("webp"))
	}))
	defer srv.Close()
	os.WriteFile("out.webp", []byte("old"), 0o644)
	tmpl, _ := ParseTemplate("out")
	_, err := Download(context.Background(), opts(srv), tmpl, Vars{}, []novita.Output{{Kind: "image", Index: 1, URL: srv.URL + "/x"}})
	if err == nil || !strings.Contains(err.Error(), "out.webp already exists") {
		t.Fatalf("error %v", err)
	}
	if b, _ := os.ReadFile("out.webp"); string(b) != "old" {
		t.Errorf("out.webp replaced: %q", b)
	}
	if l := listFiles(t, "."); len(l) != 1 {
		t.Errorf("files: %v", l)
	}
}

func TestDownloadExtension(t *testing.T) {
	chdirTemp(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", r.URL.Query().Get("ct"))
		w.Write([]byte("data"))
	}))
	defer srv.Close()
	outs := []novita.Output{
		{Kind: "image", Index: 1, Type: "jpeg", URL: srv.URL + "/a.png?ct=image/png"},                          // type wins
		{Kind: "image", Index: 2, URL: srv.URL + "/b.png?ct=image/webp"},                                       // then Content-Type
		{Kind: "video", Index: 1, URL: srv.URL + "/c/clip.MP4?ct=application/octet-stream&X-Amz-Expires=3600"}, // then URL path
		{Kind: "audio", Index: 1, URL: srv.URL + "/d?ct=audio/x-wav"},
		{Kind: "audio", Index: 2, URL: srv.URL + "/e?x=y.png&ct=application/octet-stream"}, // query ignored: bin
	}
	files, err := Download(context.Background(), opts(srv), nil, Vars{TaskID: "t"}, outs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"t/image-1.jpg", "t/image-2.webp", "t/video-1.mp4", "t/audio-1.wav", "t/audio-2.bin"}
	for i, f := range files {
		if f.Path != filepath.FromSlash(want[i]) {
			t.Errorf("output %d saved as %s, want %s", i, f.Path, want[i])
		}
		if _, err := os.Stat(f.Path); err != nil {
			t.Error(err)
		}
	}
}

func TestDownloadPlainPathSeveralOutputs(t *testing.T) {
	chdirTemp(t)
	fsrv := &fileServer{files: map[string][]byte{"/1": []byte("one"), "/2": []byte("two")}}
	srv := httptest.NewServer(fsrv)
	defer srv.Close()
	tmpl, _ := ParseTemplate("out/cat.png")
	files, err := Download(context.Background(), opts(srv), tmpl, Vars{}, []novita.Output{
		{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/1"},
		{Kind: "image", Index: 2, Type: "png", URL: srv.URL + "/2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"out/cat-1.png", "out/cat-2.png"} {
		if files[i].Path != filepath.FromSlash(want) {
			t.Errorf("saved as %s, want %s", files[i].Path, want)
		}
	}
}

func TestDownloadTemplateCollisionIsUsage(t *testing.T) {
	chdirTemp(t)
	tmpl, _ := ParseTemplate("{index}.{ext}")
	_, err := Download(context.Background(), Options{}, tmpl, Vars{}, []novita.Output{
		{Kind: "image", Index: 1, Type: "png", URL: "http://127.0.0.1:1/a"},
		{Kind: "video", Index: 1, Type: "png", URL: "http://127.0.0.1:1/b"},
	})
	if clierr.Code(err) != clierr.ExitUsage || !strings.Contains(err.Error(), "1.png") {
		t.Fatalf("error %v; want a usage error naming 1.png", err)
	}
}

func TestDownloadProgressBars(t *testing.T) {
	chdirTemp(t)
	fsrv := &fileServer{files: map[string][]byte{"/a": payload(300_000, 1), "/b": []byte("b")}}
	srv := httptest.NewServer(fsrv)
	defer srv.Close()
	var out bytes.Buffer
	o := opts(srv)
	o.Progress = iostreams.NewTransfers(&out, true)
	_, err := Download(context.Background(), o, nil, Vars{TaskID: "t"}, []novita.Output{
		{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/a"},
		{Kind: "image", Index: 2, Type: "png", URL: srv.URL + "/missing"},
	})
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("error %v; want the 404 of image 2", err)
	}
	if !strings.Contains(out.String(), "t/image-1.png") {
		t.Errorf("bars %q do not name the file", out.String())
	}
}

func TestDownloadNetworkErrorHidesQuery(t *testing.T) {
	chdirTemp(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens any more: connection refused
	_, err := Download(context.Background(), Options{Sleep: noSleep, MaxAttempts: 2}, nil, Vars{TaskID: "t"},
		[]novita.Output{{Kind: "image", Index: 1, Type: "png", URL: url + "/a.png?X-Amz-Signature=secretish"}})
	if err == nil || strings.Contains(err.Error(), "X-Amz") || !strings.Contains(err.Error(), "giving up after 2 attempts") {
		t.Fatalf("error %v", err)
	}
}
