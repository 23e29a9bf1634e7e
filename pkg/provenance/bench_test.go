package provenance

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox/media"
)

// BenchmarkEmbedLargeMP4 embeds into a 256 MiB video (moov before a trailing free box, so the record
// goes at the end): the cost is one streamed copy, whatever the size, with constant memory.
func BenchmarkEmbedLargeMP4(b *testing.B) {
	mp4, err := media.MP4(32, 24, 3, 10, 5)
	if err != nil {
		b.Fatal(err)
	}
	r, n := media.PadMP4(mp4, 256<<20)
	p := filepath.Join(b.TempDir(), "big.mp4")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(f, r); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		if err := Embed(p, sample()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEmbedPNG is the common case: a 1024×1024 sandbox picture.
func BenchmarkEmbedPNG(b *testing.B) {
	png, err := media.EncodeImage(media.Picture(1024, 1024, 7, 1), "png")
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "a.png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(png)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Embed(p, sample()); err != nil {
			b.Fatal(err)
		}
	}
}
