package download

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

// Inline outputs of a synchronous answer go through the same template, atomic write and sha256 as
// downloaded ones, mixed with URL outputs in one call; nothing is fetched for them.
func TestInlineOutputsAreSavedThroughTheTemplate(t *testing.T) {
	dir := chdirTemp(t)
	png := append([]byte("\x89PNG\r\n\x1a\n"), payload(500, 1)...)
	wav := append([]byte("RIFF\x00\x00\x00\x00WAVEfmt "), payload(300, 2)...)
	remote := payload(2000, 3)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "image/webp")
		_, _ = w.Write(remote)
	}))
	defer srv.Close()
	tmpl, err := ParseTemplate("out/{task}-{kind}-{index}.{ext}")
	if err != nil {
		t.Fatal(err)
	}
	outs := []novita.Output{
		{Kind: novita.KindImage, Index: 1, Type: "jpeg", Data: png}, // the API's type wins, as for URLs
		{Kind: novita.KindImage, Index: 2, Data: png},               // no type: sniffed
		{Kind: novita.KindImage, Index: 3, URL: srv.URL + "/x"},
		{Kind: novita.KindAudio, Index: 1, Type: "audio/wave", Data: wav},
		{Kind: novita.KindText, Index: 1, Type: "txt", Data: []byte("a man on a rock")},
	}
	files, err := Download(context.Background(), opts(srv), tmpl, Vars{TaskID: "t-1", Task: "remove-background"}, outs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{
		"out/remove-background-image-1.jpg":  png,
		"out/remove-background-image-2.png":  png,
		"out/remove-background-image-3.webp": remote,
		"out/remove-background-audio-1.wav":  wav,
		"out/remove-background-text-1.txt":   []byte("a man on a rock"),
	}
	if len(files) != len(want) || hits.Load() != 1 {
		t.Fatalf("files %+v, %d fetches", files, hits.Load())
	}
	for _, f := range files {
		content, ok := want[filepath.ToSlash(f.Path)]
		if !ok {
			t.Errorf("unexpected path %s", f.Path)
			continue
		}
		got, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil || !bytes.Equal(got, content) || f.Bytes != int64(len(content)) || f.SHA256 != sum(content) {
			t.Errorf("%s: %d bytes, sha %s, err %v", f.Path, f.Bytes, f.SHA256, err)
		}
	}
	all := listFiles(t, dir)
	sort.Strings(all)
	for _, p := range all {
		if strings.Contains(p, ".part-") {
			t.Errorf("temporary file left: %s", p)
		}
	}
	// The same bytes again are success without writing; different ones are refused, the file kept.
	if _, err := Download(context.Background(), opts(srv), tmpl, Vars{TaskID: "t-1", Task: "remove-background"}, outs[:1]); err != nil {
		t.Errorf("second save of the same bytes: %v", err)
	}
	other := []novita.Output{outs[0]}
	other[0].Data = append([]byte("different "), outs[0].Data...)
	if _, err := Download(context.Background(), opts(srv), tmpl, Vars{TaskID: "t-1", Task: "remove-background"}, other); err == nil ||
		!strings.Contains(err.Error(), "already exists") || !isExists(err) {
		t.Errorf("save of different bytes: %v", err)
	}
}
