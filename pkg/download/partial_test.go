package download

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// versionedServer serves content with an ETag (when etag is set) through http.ServeContent, which
// answers Range and If-Range as S3 does, and records the Range headers it got.
type versionedServer struct {
	mu      sync.Mutex
	content []byte
	etag    string
	ranges  []string
}

func (s *versionedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	content, etag := s.content, s.etag
	s.mu.Unlock()
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(content))
}

func (s *versionedServer) gotRanges() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ranges...)
}

// leavePart writes what an interrupted run leaves for t/image-1.png: the partial bytes and their record.
func leavePart(t *testing.T, data []byte, info *partInfo) {
	t.Helper()
	os.MkdirAll("t", 0o755)
	if err := os.WriteFile(filepath.Join("t", ".image-1.png.part"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if info != nil {
		b, _ := json.Marshal(info)
		os.WriteFile(filepath.Join("t", ".image-1.png.part.info"), b, 0o644)
	}
}

func TestStalePartialFilesAreDiscardedSafely(t *testing.T) {
	content := payload(300_000, 21)
	other := payload(300_000, 22)
	tests := []struct {
		name      string
		part      []byte
		info      func(url string) *partInfo
		etag      string
		wantRange string // the first request's Range header
	}{
		{"same output resumes", content[:100_000],
			func(u string) *partInfo { return &partInfo{URL: u, Size: int64(len(content)), ETag: `"v2"`} }, `"v2"`, "bytes=100000-"},
		{"no record of what it holds", other[:100_000], func(string) *partInfo { return nil }, `"v2"`, ""},
		{"another URL", other[:100_000],
			func(u string) *partInfo { return &partInfo{URL: u + "/elsewhere", Size: int64(len(content))} }, `"v2"`, ""},
		{"larger than the output", append(other, 1),
			func(u string) *partInfo { return &partInfo{URL: u, Size: int64(len(content))} }, `"v2"`, ""},
		// The output changed under the same URL: If-Range with the old ETag gets the whole new file.
		{"another version by ETag", other[:100_000],
			func(u string) *partInfo { return &partInfo{URL: u, Size: int64(len(content)), ETag: `"v1"`} }, `"v2"`, "bytes=100000-"},
		// No validators at all: the size the 206 reports differs from the recorded one.
		{"another version by size", other[:100_000],
			func(u string) *partInfo { return &partInfo{URL: u, Size: int64(len(content)) + 5} }, "", "bytes=100000-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := chdirTemp(t)
			vs := &versionedServer{content: content, etag: tc.etag}
			srv := httptest.NewServer(vs)
			defer srv.Close()
			leavePart(t, tc.part, tc.info(srv.URL+"/a.png"))
			files, err := Download(context.Background(), opts(srv), nil, Vars{TaskID: "t"},
				[]novita.Output{{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/a.png?X-Amz-Signature=fresh"}})
			if err != nil {
				t.Fatal(err)
			}
			if r := vs.gotRanges(); r[0] != tc.wantRange {
				t.Errorf("first request Range %q, want %q (all: %q)", r[0], tc.wantRange, r)
			}
			got, _ := os.ReadFile(filepath.Join(dir, files[0].Path))
			if !bytes.Equal(got, content) || files[0].SHA256 != sum(content) {
				t.Fatalf("saved file is not the output: %d bytes, sha %s", len(got), files[0].SHA256)
			}
			if l := listFiles(t, dir); len(l) != 1 {
				t.Errorf("files left: %v", l)
			}
		})
	}
}

// A run interrupted after the last byte but before the rename: the server's 416 for a Range past the
// end, with the same size and ETag, completes the file without transferring it again.
func TestCompletePartialFileIsCommittedWithoutRefetching(t *testing.T) {
	dir := chdirTemp(t)
	content := payload(50_000, 23)
	vs := &versionedServer{content: content, etag: `"v1"`}
	srv := httptest.NewServer(vs)
	defer srv.Close()
	leavePart(t, content, &partInfo{URL: srv.URL + "/a.png", Size: int64(len(content)), ETag: `"v1"`})
	files, err := Download(context.Background(), opts(srv), nil, Vars{TaskID: "t"},
		[]novita.Output{{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/a.png"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := vs.gotRanges(); len(r) != 1 || r[0] != "bytes=50000-" {
		t.Errorf("requests %q; want one Range past the end", r)
	}
	if files[0].SHA256 != sum(content) || files[0].Bytes != int64(len(content)) {
		t.Errorf("file %+v", files[0])
	}
	if l := listFiles(t, dir); len(l) != 1 {
		t.Errorf("files left: %v", l)
	}
}

func TestPartPathsStayWithinNameMax(t *testing.T) {
	long := filepath.Join("d", strings.Repeat("é", 120)+".png") // 244 bytes
	part, info := partPaths(long)
	if len(filepath.Base(info)) > nameMax || !strings.HasPrefix(filepath.Base(part), ".") || filepath.Dir(part) != "d" {
		t.Errorf("partPaths(%q) = %q, %q", long, part, info)
	}
	if part2, _ := partPaths(long + "x"); part2 == part {
		t.Error("two long names share a partial file")
	}
	if p, i := partPaths(filepath.Join("t", "a.png")); p != filepath.Join("t", ".a.png.part") || i != p+".info" {
		t.Errorf("partPaths = %q, %q", p, i)
	}
}
