package media

import (
	"bytes"
	"fmt"
	"image"
	"image/color/palette"
	"image/gif"
)

// GIF renders an animated GIF of n frames (delay 1/fps s each) at w×h for seed.
func GIF(w, h, n, fps int, seed uint64) ([]byte, error) {
	anim := &gif.GIF{LoopCount: 0}
	delay := max(100/max(fps, 1), 1)
	for t := 0; t < n; t++ {
		src := frame(w, h, seed, 0, t, n)
		anim.Image = append(anim.Image, toWebSafe(src))
		anim.Delay = append(anim.Delay, delay)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		return nil, fmt.Errorf("encode gif: %w", err)
	}
	return buf.Bytes(), nil
}

// toWebSafe maps src onto the 6×6×6 web-safe palette by arithmetic (palette.WebSafe is ordered r, g, b),
// which is much faster than draw.Draw's nearest-colour search.
func toWebSafe(src *image.NRGBA) *image.Paletted {
	p := image.NewPaletted(src.Bounds(), palette.WebSafe)
	q := func(v uint8) int { return (int(v) + 25) / 51 }
	for y := 0; y < src.Rect.Dy(); y++ {
		s := src.Pix[y*src.Stride:]
		d := p.Pix[y*p.Stride:]
		for x := 0; x < src.Rect.Dx(); x++ {
			d[x] = uint8(36*q(s[4*x]) + 6*q(s[4*x+1]) + q(s[4*x+2]))
		}
	}
	return p
}
