package media

import (
	"bytes"
	"testing"

	"golang.org/x/image/webp"
)

// The WebP decodes (x/image/webp) to exactly the pixels it was made from, alpha included.
func TestWebPIsLosslessAndDecodes(t *testing.T) {
	src := Cutout(Picture(37, 21, 4, 0))
	b, err := WebP(src)
	if err != nil {
		t.Fatal(err)
	}
	img, err := webp.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if img.Bounds() != src.Bounds() {
		t.Fatalf("size %v", img.Bounds())
	}
	for y := 0; y < 21; y++ {
		for x := 0; x < 37; x++ {
			want := src.NRGBAAt(x, y)
			r, g, bl, a := img.At(x, y).RGBA()
			wr, wg, wb, wa := want.RGBA()
			if r != wr || g != wg || bl != wb || a != wa {
				t.Fatalf("pixel %d,%d: got %v want %v", x, y, img.At(x, y), want)
			}
		}
	}
}
