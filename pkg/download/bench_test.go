package download

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

// patternServer serves size deterministic bytes from one fixed block, so the server side allocates
// (almost) nothing and the measured heap is the downloader's.
func patternServer(size int64) *httptest.Server {
	block := make([]byte, 64<<10)
	for i := range block {
		block[i] = byte(i * 31)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		for left := size; left > 0; {
			n := min(left, int64(len(block)))
			if _, err := w.Write(block[:n]); err != nil {
				return
			}
			left -= n
		}
	}))
}

func downloadOnce(tb testing.TB, srv *httptest.Server, dir string) File {
	tmpl, err := ParseTemplate(dir + "/{task_id}/{kind}-{index}.{ext}")
	if err != nil {
		tb.Fatal(err)
	}
	files, err := Download(context.Background(), Options{HTTPClient: srv.Client(), Overwrite: true}, tmpl,
		Vars{TaskID: "big"}, []novita.Output{{Kind: "video", Index: 1, URL: srv.URL + "/v.mp4"}})
	if err != nil {
		tb.Fatal(err)
	}
	return files[0]
}

func heapAllocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDownloadMemoryFlat: a 64 MiB file must not cost more than a few MiB of heap.
func TestDownloadMemoryFlat(t *testing.T) {
	const size = 64 << 20
	srv := patternServer(size)
	defer srv.Close()
	dir := t.TempDir()
	var f File
	alloc := heapAllocated(func() { f = downloadOnce(t, srv, dir) })
	if f.Bytes != size {
		t.Fatalf("got %d bytes, want %d", f.Bytes, size)
	}
	if alloc > 8<<20 {
		t.Errorf("downloading %d MiB allocated %.1f MiB of heap; want it flat in file size", size>>20, float64(alloc)/(1<<20))
	}
}

func BenchmarkDownloadLarge(b *testing.B) {
	const size = 256 << 20
	srv := patternServer(size)
	defer srv.Close()
	dir := b.TempDir()
	b.SetBytes(size)
	b.ReportAllocs()
	var total uint64
	b.ResetTimer()
	for range b.N {
		total += heapAllocated(func() { downloadOnce(b, srv, dir) })
	}
	b.ReportMetric(float64(total)/float64(b.N)/(1<<20), "heap-MiB/op")
}
