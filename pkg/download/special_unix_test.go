//go:build unix

package download

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
)

// -o /dev/null wrote /dev/null.png (as root, a file in /dev): an existing device is written in place,
// with no extension, no temporary file beside it and no rename.
func TestDeviceTargetIsWrittenInPlace(t *testing.T) {
	chdirTemp(t)
	if _, err := os.Stat("/dev/null.png"); err == nil {
		t.Fatal("/dev/null.png exists before the test; remove it")
	}
	content := payload(70_000, 31)
	srv := httptest.NewServer(&fileServer{files: map[string][]byte{"/a.png": content}})
	defer srv.Close()
	tmpl, err := ParseTemplate("/dev/null")
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	o := opts(srv)
	o.Progress = iostreams.NewTransfers(&progress, false)
	files, err := Download(context.Background(), o, tmpl, Vars{TaskID: "t"},
		[]novita.Output{{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/a.png"}})
	for _, junk := range []string{"/dev/null.png", "/dev/.null.part", "/dev/.null.part.info"} {
		if _, err := os.Lstat(junk); err == nil {
			os.Remove(junk)
			t.Errorf("%s was created", junk)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Path != "/dev/null" || files[0].SHA256 != sum(content) || files[0].Bytes != int64(len(content)) {
		t.Errorf("files %+v", files)
	}
	if !strings.Contains(progress.String(), "downloaded /dev/null (") {
		t.Errorf("progress %q", progress.String())
	}
}

// A FIFO is written in place, for the reader at its other end.
func TestFIFOTargetIsWrittenInPlace(t *testing.T) {
	dir := chdirTemp(t)
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	content := payload(300_000, 32)
	srv := httptest.NewServer(&fileServer{files: map[string][]byte{"/a": content}})
	defer srv.Close()
	tmpl, err := ParseTemplate(fifo)
	if err != nil {
		t.Fatal(err)
	}
	read := make(chan []byte)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			read <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		read <- b
	}()
	files, err := Download(context.Background(), opts(srv), tmpl, Vars{TaskID: "t"},
		[]novita.Output{{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/a"}})
	releaseReader(fifo)
	got := <-read
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, content) || files[0].Path != fifo || files[0].SHA256 != sum(content) {
		t.Errorf("reader got %d bytes (want %d); file %+v", len(got), len(content), files[0])
	}
	if l := listFiles(t, dir); len(l) != 1 || l[0] != "pipe" {
		t.Errorf("files in the directory: %v; want only the FIFO", l)
	}
}

// A partial file locked by another process (a second novita downloading the same output to the same
// path) is neither written nor removed.
func TestLockedPartialFileIsLeftToItsOwner(t *testing.T) {
	chdirTemp(t)
	content := payload(10_000, 24)
	vs := &versionedServer{content: content}
	srv := httptest.NewServer(vs)
	defer srv.Close()
	leavePart(t, content[:4000], &partInfo{URL: srv.URL + "/a.png", Size: int64(len(content))})
	owner, err := os.OpenFile(filepath.Join("t", ".image-1.png.part"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if !tryLock(owner) {
		t.Fatal("cannot lock the partial file")
	}
	_, err = Download(context.Background(), opts(srv), nil, Vars{TaskID: "t"},
		[]novita.Output{{Kind: "image", Index: 1, Type: "png", URL: srv.URL + "/a.png"}})
	if err == nil || !strings.Contains(err.Error(), "another novita process is downloading") {
		t.Fatalf("error %v; want the partial file reported as in use", err)
	}
	if b, _ := os.ReadFile(filepath.Join("t", ".image-1.png.part")); !bytes.Equal(b, content[:4000]) || len(vs.gotRanges()) != 0 {
		t.Errorf("the owner's partial file was touched (%d bytes) or fetched (%d requests)", len(b), len(vs.gotRanges()))
	}
}

// releaseReader ends a reader still waiting in open(2) for a writer that never came (when the code
// under test failed to write the FIFO), so a failing test fails instead of hanging.
func releaseReader(fifo string) {
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
}
