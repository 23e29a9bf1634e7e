package mcpserver

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // the formats Novita answers in
	"image/png"
	"os"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
)

// thumbSide bounds a thumbnail's longer side: enough to tell images apart, a few KB of context.
const thumbSide = 128

// maxThumbSource bounds the image file a thumbnail is made from.
const maxThumbSource = 40 << 20

// thumbnail is a small PNG of the image at path.
func thumbnail(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxThumbSource {
		return nil, fmt.Errorf("%s is too large for a thumbnail", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	scale := float64(thumbSide) / float64(max(w, h))
	if scale > 1 {
		scale = 1
	}
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(w)*scale)), max(1, int(float64(h)*scale))))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	var buf bytes.Buffer
	if err := png.Encode(&buf, dst); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
