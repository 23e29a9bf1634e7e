// Package media generates the sandbox's output files: PNG/JPEG images (transparent cut-outs too), speech
// as WAV, MP3, FLAC or PCM, animated GIF and H.264 MP4 video. Everything is a pure function of its arguments (size, seed, text), so the same
// request always yields byte-identical files and tests can compare hashes.
package media

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
)

// Picture draws a w×h image for (seed, index): a diagonal gradient in colours picked from the seed plus a
// few discs, so different seeds and indexes look different and PNG still compresses well.
func Picture(w, h int, seed uint64, index int) *image.NRGBA {
	return frame(w, h, seed, index, 0, 1)
}

// frame draws picture `index` at animation step t of n: the discs move with t so a video visibly plays.
func frame(w, h int, seed uint64, index, t, n int) *image.NRGBA {
	rng := rand.New(rand.NewPCG(seed, uint64(index)+1))
	c0 := color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	c1 := color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	type disc struct {
		x, y, r, dx int
		c           color.NRGBA
	}
	discs := make([]disc, 3+rng.IntN(3))
	for i := range discs {
		m := max(min(w, h)/4, 2)
		discs[i] = disc{rng.IntN(max(w, 1)), rng.IntN(max(h, 1)), 1 + rng.IntN(m), rng.IntN(max(w/4, 1)),
			color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}}
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	span := max(w+h-2, 1)
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			k := (x + y) * 256 / span
			p := row[x*4 : x*4+4]
			p[0] = lerp(c0.R, c1.R, k)
			p[1] = lerp(c0.G, c1.G, k)
			p[2] = lerp(c0.B, c1.B, k)
			p[3] = 255
		}
	}
	for _, d := range discs {
		cx := d.x
		if n > 1 {
			cx = (d.x + d.dx*t*4/n) % max(w, 1)
		}
		for y := max(d.y-d.r, 0); y < min(d.y+d.r, h); y++ {
			for x := max(cx-d.r, 0); x < min(cx+d.r, w); x++ {
				if (x-cx)*(x-cx)+(y-d.y)*(y-d.y) <= d.r*d.r {
					img.SetNRGBA(x, y, d.c)
				}
			}
		}
	}
	return img
}

func lerp(a, b uint8, k int) uint8 { return uint8((int(a)*(256-k) + int(b)*k) / 256) }

// EncodeImage encodes img as "png", "jpeg" (alias "jpg") or "webp" (lossless; img must be NRGBA).
func EncodeImage(img image.Image, format string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
	case "jpeg", "jpg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	case "webp":
		nrgba, ok := img.(*image.NRGBA)
		if !ok {
			return nil, fmt.Errorf("encode webp: %T is not NRGBA", img)
		}
		return WebP(nrgba)
	default:
		return nil, fmt.Errorf("encode image: unsupported format %q", format)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// Cutout is what a background remover answers: img with everything outside a centred ellipse (the
// "subject") made fully transparent, and a one-pixel soft edge, so the PNG's alpha channel is really used.
func Cutout(img *image.NRGBA) *image.NRGBA {
	b := img.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	cx, cy, rx, ry := w/2, h/2, w*0.35, h*0.42
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			dx, dy := (float64(x)+0.5-cx)/rx, (float64(y)+0.5-cy)/ry
			d := (dx*dx + dy*dy - 1) * min(rx, ry) / 2 // ≈ distance outside the edge, in pixels
			a := 255.0
			if d >= 1 {
				a = 0
			} else if d > 0 {
				a = 255 * (1 - d)
			}
			img.Pix[y*img.Stride+x*4+3] = uint8(a)
		}
	}
	return img
}
