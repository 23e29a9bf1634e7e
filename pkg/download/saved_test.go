package download

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
)

// Issue 13 item 4: a target that holds the bytes the journal recorded is already downloaded (nothing
// fetched, no error); one that differs still needs --overwrite.
func TestAlreadyDownloadedIsNotRefetchedNorRefused(t *testing.T) {
	dir := chdirTemp(t)
	content := payload(5000, 41)
	fsrv := &fileServer{files: map[string][]byte{"/a.png": content, "/b.png": []byte("second")}}
	srv := httptest.NewServer(fsrv)
	defer srv.Close()
	tmpl := mustParse(t, "t0.png")
	os.WriteFile("t0-1.png", content, 0o644)
	abs, _ := filepath.Abs("t0-1.png")
	asked := 0
	earlier := func() []Saved {
		asked++
		return []Saved{{Kind: "image", Index: 1, Path: abs, Bytes: int64(len(content)), SHA256: sum(content)}}
	}
	outs := []novita.Output{{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/a.png"},
		{Kind: "image", Index: 2, Type: "png", URL: srv.URL + "/b.png"}}
	var progress bytes.Buffer
	o := opts(srv)
	o.Earlier, o.Progress = earlier, iostreams.NewTransfers(&progress, false)
	files, err := Download(context.Background(), o, tmpl, Vars{TaskID: "t"}, outs)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Path != "t0-1.png" || files[0].SHA256 != sum(content) || files[1].Path != "t0-2.png" {
		t.Fatalf("files %+v", files)
	}
	if fsrv.hits.Load() != 1 || asked != 1 {
		t.Errorf("%d requests, journal asked %d times; want only the missing file fetched, one journal read", fsrv.hits.Load(), asked)
	}
	if !strings.Contains(progress.String(), "already downloaded t0-1.png") {
		t.Errorf("progress %q lacks the already-downloaded line", progress.String())
	}

	// The same file, changed on disk: refused without --overwrite, as any existing file.
	os.WriteFile("t0-1.png", []byte("edited"), 0o644)
	_, err = Download(context.Background(), o, tmpl, Vars{TaskID: "t"}, outs)
	if err == nil || clierr.Code(err) != clierr.ExitError || !strings.Contains(err.Error(), "t0-1.png") || !isExists(err) {
		t.Fatalf("changed file: %v", err)
	}
	if l := listFiles(t, dir); len(l) != 2 {
		t.Errorf("files: %v", l)
	}
}

// Nothing in the way and the name fixed by the output's type: the journal is not read at all.
func TestEarlierIsNotAskedWhenNothingExists(t *testing.T) {
	chdirTemp(t)
	srv := httptest.NewServer(&fileServer{files: map[string][]byte{"/a": []byte("x")}})
	defer srv.Close()
	o := opts(srv)
	o.Earlier = func() []Saved { t.Error("Earlier asked"); return nil }
	if _, err := Download(context.Background(), o, nil, Vars{TaskID: "t"}, []novita.Output{{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/a"}}); err != nil {
		t.Fatal(err)
	}
}

// An output saved intact at its recorded absolute path is not fetched again under another name.
func TestSavedElsewhereIsNotDownloadedAgain(t *testing.T) {
	dir := chdirTemp(t)
	fsrv := &fileServer{files: map[string][]byte{"/a": []byte("pixels")}}
	srv := httptest.NewServer(fsrv)
	defer srv.Close()
	elsewhere := filepath.Join(dir, "hooks", "t-1.png")
	os.MkdirAll(filepath.Dir(elsewhere), 0o755)
	os.WriteFile(elsewhere, []byte("pixels"), 0o644)
	o := opts(srv)
	o.SavedAnywhere = true
	o.Earlier = func() []Saved {
		return []Saved{{Kind: "image", Index: 1, Path: elsewhere, Bytes: 6, SHA256: sum([]byte("pixels"))}}
	}
	files, err := Download(context.Background(), o, nil, Vars{TaskID: "t"}, []novita.Output{{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/a"}})
	if err != nil || len(files) != 1 || files[0].Path != elsewhere || fsrv.hits.Load() != 0 {
		t.Fatalf("files %v err %v, %d requests; want the earlier file and no request", files, err, fsrv.hits.Load())
	}
}

// A name settled by Content-Type (no *_type, no extension in the URL) is recognised through the
// extension the journal recorded.
func TestAlreadyDownloadedUnderAContentTypeName(t *testing.T) {
	chdirTemp(t)
	content := []byte("RIFF....WEBPVP8 ")
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "image/webp")
		w.Write(content)
	}))
	defer srv.Close()
	os.WriteFile("out.webp", content, 0o644)
	o := opts(srv)
	o.Earlier = func() []Saved {
		return []Saved{{Kind: "image", Index: 1, Path: "/elsewhere/out.webp", Bytes: int64(len(content)), SHA256: sum(content)}}
	}
	files, err := Download(context.Background(), o, mustParse(t, "out"), Vars{}, []novita.Output{{Kind: "image", Index: 1, URL: srv.URL + "/x"}})
	if err != nil || len(files) != 1 || files[0].Path != "out.webp" || hits != 0 {
		t.Fatalf("files %+v, err %v, %d requests", files, err, hits)
	}
}

func TestSavedIntact(t *testing.T) {
	chdirTemp(t)
	os.WriteFile("f", []byte("abc"), 0o644)
	os.Symlink("f", "link")
	s := Saved{Bytes: 3, SHA256: strings.ToUpper(sum([]byte("abc")))}
	for path, want := range map[string]bool{"f": true, "link": true, "missing": false, ".": false} {
		if got := s.Intact(path); got != want {
			t.Errorf("Intact(%s) = %v", path, got)
		}
	}
	if (Saved{Bytes: 4, SHA256: s.SHA256}).Intact("f") || (Saved{Bytes: 3, SHA256: sum([]byte("abd"))}).Intact("f") {
		t.Error("a different size or sha256 matched")
	}
	if !(Saved{Bytes: 3}).Intact("f") {
		t.Error("a record without sha256 compares the size")
	}
}

// BenchmarkSavedIntact measures the check behind "already downloaded" (and wait --batch's "over"):
// one stat and one sha256 pass over the file.
func BenchmarkSavedIntact(b *testing.B) {
	p := filepath.Join(b.TempDir(), "f")
	content := payload(64<<20, 1)
	os.WriteFile(p, content, 0o644)
	s := Saved{Bytes: int64(len(content)), SHA256: sum(content)}
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		if !s.Intact(p) {
			b.Fatal("not intact")
		}
	}
}
