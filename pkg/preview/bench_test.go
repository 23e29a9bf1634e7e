package preview

import (
	"bytes"
	"image"
	"image/color"
	"testing"
)

// photo is a 1024x1024 smooth gradient with a little grain, shaped like a generated picture.
func photo() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 1024, 1024))
	grain := noise(1024, 1024)
	for y := range 1024 {
		for x := range 1024 {
			g := grain.RGBAAt(x, y)
			img.SetRGBA(x, y, color.RGBA{uint8(x/4) ^ g.R>>5, uint8(y/4) ^ g.G>>5, uint8((x+y)/8) ^ g.B>>5, 255})
		}
	}
	return img
}

// BenchmarkRender measures one preview of a 1024x1024 image at the default 40x20-cell bound, and the
// bytes it sends to the terminal: go test -run '^$' -bench Render -benchmem ./pkg/preview/
func BenchmarkRender(b *testing.B) {
	src := photo()
	for _, p := range []Protocol{Kitty, ITerm, Sixel} {
		b.Run(p.String(), func(b *testing.B) {
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				if err := (Terminal{Protocol: p}).Render(&out, src, DefaultSize()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(out.Len()), "bytes/preview")
		})
	}
}
