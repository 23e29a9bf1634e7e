package download

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	"github.com/novita-cli/novita/pkg/novita"
)

// cutServer cuts the first response after cut bytes (hijack + close), then serves normally,
// or answers 200 to Range requests when ignoreRange is set.
func cutServer(t *testing.T, content []byte, cut int, ignoreRange bool) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var ranges []string
	first := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ranges = append(ranges, r.Header.Get("Range"))
		isFirst := first
		first = false
		mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		if isFirst {
			conn, bw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n", len(content))
			bw.Write(content[:cut])
			bw.Flush()
			conn.Close()
			return
		}
		if ignoreRange {
			r.Header.Del("Range")
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(content))
	}))
	t.Cleanup(srv.Close)
	return srv, &ranges
}

func TestDownloadResumesCutConnection(t *testing.T) {
	for _, ignoreRange := range []bool{false, true} {
		t.Run(fmt.Sprintf("ignoreRange=%v", ignoreRange), func(t *testing.T) {
			dir := chdirTemp(t)
			content := payload(700_000, 7)
			const cut = 123_457
			srv, ranges := cutServer(t, content, cut, ignoreRange)
			files, err := Download(context.Background(), opts(srv), nil, Vars{TaskID: "t"},
				[]novita.Output{{Kind: "image", Index: 1, URL: srv.URL + "/a.png"}})
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"", fmt.Sprintf("bytes=%d-", cut)}; fmt.Sprint(*ranges) != fmt.Sprint(want) {
				t.Errorf("Range headers %q, want %q", *ranges, want)
			}
			got, _ := os.ReadFile(filepath.Join(dir, files[0].Path))
			if !bytes.Equal(got, content) || files[0].SHA256 != sum(content) || files[0].Bytes != int64(len(content)) {
				t.Errorf("file not byte-exact: %d bytes (want %d), sha %s (want %s)", len(got), len(content), files[0].SHA256, sum(content))
			}
			if l := listFiles(t, dir); len(l) != 1 {
				t.Errorf("files left: %v", l)
			}
		})
	}
}

const s3Denied = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`

func TestDownloadExpiredURLRefreshesOnce(t *testing.T) {
	content := payload(50_000, 3)
	for _, newWorks := range []bool{true, false} {
		t.Run(fmt.Sprintf("newURLWorks=%v", newWorks), func(t *testing.T) {
			dir := chdirTemp(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/new.png" && newWorks {
					w.Write(content)
					return
				}
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, s3Denied)
			}))
			defer srv.Close()
			var refreshes atomic.Int32
			o := opts(srv)
			o.Refresh = func(context.Context) (*novita.TaskResult, error) {
				refreshes.Add(1)
				return &novita.TaskResult{Images: []novita.Image{
					{ImageURL: srv.URL + "/other.png"}, {ImageURL: srv.URL + "/new.png"}}}, nil
			}
			outs := []novita.Output{{Kind: "image", Index: 2, Type: "png", URL: srv.URL + "/old.png?X-Amz-Expires=1"}}
			files, err := Download(context.Background(), o, nil, Vars{TaskID: "t9"}, outs)
			if refreshes.Load() != 1 {
				t.Errorf("Refresh called %d times, want 1", refreshes.Load())
			}
			if newWorks {
				if err != nil {
					t.Fatal(err)
				}
				if files[0].URL != srv.URL+"/new.png" || files[0].SHA256 != sum(content) {
					t.Errorf("got %+v", files[0])
				}
				return
			}
			if err == nil {
				t.Fatal("want an error when the fresh URL is refused too")
			}
			// The command adds the hint (novita result ID --download); the error says why.
			if clierr.Code(err) != clierr.ExitError || !strings.Contains(err.Error(), "AccessDenied") ||
				!strings.Contains(err.Error(), "expire") || strings.Contains(err.Error(), "X-Amz") {
				t.Errorf("error %q (hint %q, code %d)", err, clierr.HintOf(err), clierr.Code(err))
			}
			if l := listFiles(t, dir); len(l) != 0 {
				t.Errorf("files left: %v", l)
			}
		})
	}
}

func TestDownloadFailureLeavesNothing(t *testing.T) {
	dir := chdirTemp(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Range") == "" { // a partial body first, so a temp file exists
			w.Header().Set("Content-Length", "1000")
			w.Write(make([]byte, 400))
			return
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer srv.Close()
	_, err := Download(context.Background(), opts(srv), nil, Vars{TaskID: "t"},
		[]novita.Output{{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/x.png"}})
	if err == nil || !strings.Contains(err.Error(), "500") || !strings.Contains(err.Error(), "image 1") {
		t.Fatalf("error %v; want one naming image 1 and the 500", err)
	}
	if hits.Load() != 3 {
		t.Errorf("%d requests, want MaxAttempts=3", hits.Load())
	}
	if l := listFiles(t, dir); len(l) != 0 {
		t.Errorf("files left after failure: %v", l)
	}
}

// An interrupted download keeps its partial file beside the target (never under the final name), says
// what happened in words, and the next Download of that output resumes it with Range and If-Range.
// (Until item 12 of issue 13, an interruption discarded the partial file: TestDownloadCancelLeavesNothing.)
func TestDownloadCancelKeepsPartialFileForResume(t *testing.T) {
	dir := chdirTemp(t)
	content := payload(2_000_000, 12)
	const etag = `"v1"`
	halfway := make(chan struct{})
	var mu sync.Mutex
	var ranges, ifRanges []string
	first := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ranges, ifRanges = append(ranges, r.Header.Get("Range")), append(ifRanges, r.Header.Get("If-Range"))
		isFirst := first
		first = false
		mu.Unlock()
		w.Header().Set("ETag", etag)
		if isFirst {
			w.Header().Set("Content-Length", fmt.Sprint(len(content)))
			w.Write(content[:1_000_000])
			http.NewResponseController(w).Flush()
			close(halfway)
			<-r.Context().Done()
			return
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(content))
	}))
	defer srv.Close()
	outs := []novita.Output{{Kind: "video", Index: 1, Type: "mp4", URL: srv.URL + "/v.mp4?X-Amz-Signature=one"}}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-halfway; time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := Download(ctx, opts(srv), nil, Vars{TaskID: "t"}, outs)
	if !errors.Is(err, context.Canceled) || clierr.Code(err) != clierr.ExitInterrupted {
		t.Fatalf("error %v; want context.Canceled (exit 130)", err)
	}
	part := filepath.Join("t", ".video-1.mp4.part")
	fi, serr := os.Stat(filepath.Join(dir, part))
	if serr != nil || fi.Size() == 0 || fi.Size() > 1_000_000 {
		t.Fatalf("partial file %s after the interruption: %v (listing: %v)", part, serr, listFiles(t, dir))
	}
	msg := err.Error()
	for _, want := range []string{"download of " + filepath.Join("t", "video-1.mp4") + " interrupted after " + fmt.Sprint(fi.Size()) + " of 2000000 bytes",
		"kept in " + part} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if !errors.Is(err, ErrPartialKept) {
		t.Errorf("error %q does not say a resume can continue (ErrPartialKept)", msg)
	}
	if strings.Contains(msg, "context canceled") {
		t.Errorf("error %q is the raw context error", msg)
	}
	if _, err := os.Stat(filepath.Join(dir, "t", "video-1.mp4")); err == nil {
		t.Fatal("the partial download carries the final name")
	}

	// A later run (fresh presigned URL, same object) resumes from the partial file's size.
	outs[0].URL = srv.URL + "/v.mp4?X-Amz-Signature=two"
	files, err := Download(context.Background(), opts(srv), nil, Vars{TaskID: "t"}, outs)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if want := fmt.Sprintf("bytes=%d-", fi.Size()); len(ranges) != 2 || ranges[1] != want || ifRanges[1] != etag {
		t.Errorf("second run sent Range %q If-Range %q; want %q and %s", ranges, ifRanges, want, etag)
	}
	mu.Unlock()
	got, _ := os.ReadFile(filepath.Join(dir, files[0].Path))
	if !bytes.Equal(got, content) || files[0].SHA256 != sum(content) || files[0].Bytes != int64(len(content)) {
		t.Errorf("resumed file not byte-exact: %d bytes, sha %s", len(got), files[0].SHA256)
	}
	if l := listFiles(t, dir); len(l) != 1 {
		t.Errorf("files left after the resume: %v", l)
	}
}

// Several files interrupted at once: the message counts what was saved and names each partial file.
func TestDownloadInterruptWithSeveralFiles(t *testing.T) {
	dir := chdirTemp(t)
	var started sync.WaitGroup
	started.Add(2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.Write(make([]byte, 40_000))
		http.NewResponseController(w).Flush()
		started.Done()
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { started.Wait(); time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := Download(ctx, opts(srv), nil, Vars{TaskID: "t"}, []novita.Output{
		{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/1"}, {Kind: "image", Index: 2, Type: "png", URL: srv.URL + "/2"}})
	if !errors.Is(err, context.Canceled) || clierr.Code(err) != clierr.ExitInterrupted {
		t.Fatalf("error %v; want exit 130", err)
	}
	for _, want := range []string{"download stopped with 0 of 2 files saved", "kept in " + filepath.Join("t", ".image-1.png.part"),
		"kept in " + filepath.Join("t", ".image-2.png.part")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if !errors.Is(err, ErrPartialKept) {
		t.Errorf("error %q does not say a resume can continue (ErrPartialKept)", err)
	}
	if l := listFiles(t, dir); len(l) != 4 {
		t.Errorf("files %v; want two partial files and their records", l)
	}
}
