package media

import (
	"bytes"
	"encoding/binary"
	"image"
	_ "image/png"
	"io"
	"testing"
)

func TestPadMP4(t *testing.T) {
	base, err := MP4(32, 32, 2, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("32-bit free box", func(t *testing.T) {
		r, n := PadMP4(base, int64(len(base))+100)
		b, err := io.ReadAll(r)
		if err != nil || int64(len(b)) != n || n != int64(len(base))+100 {
			t.Fatalf("size %d/%d: %v", len(b), n, err)
		}
		if !bytes.Equal(b[:len(base)], base) || binary.BigEndian.Uint32(b[len(base):]) != 100 || string(b[len(base)+4:len(base)+8]) != "free" {
			t.Errorf("free box header % x", b[len(base):len(base)+8])
		}
	})
	t.Run("64-bit largesize for files over 4 GiB, no memory", func(t *testing.T) {
		total := int64(5) << 30
		r, n := PadMP4(base, total)
		if n != total {
			t.Fatalf("size %d", n)
		}
		hdr := make([]byte, 16)
		if _, err := r.ReadAt(hdr, int64(len(base))); err != nil {
			t.Fatal(err)
		}
		if binary.BigEndian.Uint32(hdr) != 1 || string(hdr[4:8]) != "free" || binary.BigEndian.Uint64(hdr[8:]) != uint64(total)-uint64(len(base)) {
			t.Errorf("largesize header % x", hdr)
		}
		tail := make([]byte, 10)
		if k, err := r.ReadAt(tail, total-5); k != 5 || err != io.EOF {
			t.Errorf("read past the end: %d %v", k, err)
		}
	})
	t.Run("too small to pad", func(t *testing.T) {
		_, n := PadMP4(base, int64(len(base))+3)
		if n != int64(len(base)) {
			t.Errorf("size %d", n)
		}
	})
}

func TestPictureIsDeterministic(t *testing.T) {
	a, _ := EncodeImage(Picture(40, 30, 9, 0), "png")
	b, _ := EncodeImage(Picture(40, 30, 9, 0), "png")
	c, _ := EncodeImage(Picture(40, 30, 9, 1), "png")
	if !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Error("pictures are not a pure function of (seed, index)")
	}
	img, _, err := image.Decode(bytes.NewReader(a))
	if err != nil || img.Bounds().Dx() != 40 || img.Bounds().Dy() != 30 {
		t.Errorf("decode: %v", err)
	}
	if _, err := EncodeImage(Picture(4, 4, 1, 0), "bmp"); err == nil {
		t.Error("bmp accepted")
	}
}
