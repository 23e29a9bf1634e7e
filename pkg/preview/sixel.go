package preview

import (
	"bytes"
	"image"
	"image/color/palette"
	"strconv"

	"golang.org/x/image/draw"
)

// encodeSixel returns the sixel payload (what goes between "DCS ... q" and ST) for img: raster
// attributes, colour registers, then bands six pixels tall, one pass per colour.
//
// github.com/charmbracelet/x/ansi/sixel has an encoder, but it imports github.com/bits-and-blooms/bitset,
// which is not in this module's go.sum; until it is, this small encoder does the job with the web-safe
// palette and Floyd-Steinberg dithering, which is plenty for a thumbnail. The framing still comes from
// ansi.SixelGraphics. Pixels less than half opaque are left undrawn (the sequence asks for P2=1, so
// undrawn pixels keep the background).
func encodeSixel(img *image.RGBA) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	pal := image.NewPaletted(b, palette.WebSafe)
	draw.FloydSteinberg.Draw(pal, b, img, b.Min)

	var out bytes.Buffer
	out.WriteString(`"1;1;` + strconv.Itoa(w) + ";" + strconv.Itoa(h))

	opaque := func(x, y int) bool { return img.RGBAAt(b.Min.X+x, b.Min.Y+y).A >= 0x80 }
	used := make([]bool, len(palette.WebSafe))
	for y := range h {
		for x := range w {
			if opaque(x, y) {
				used[pal.ColorIndexAt(b.Min.X+x, b.Min.Y+y)] = true
			}
		}
	}
	for i, u := range used {
		if !u {
			continue
		}
		r, g, bl, _ := palette.WebSafe[i].RGBA()
		out.WriteString("#" + strconv.Itoa(i) + ";2;" + percent(r) + ";" + percent(g) + ";" + percent(bl))
	}

	bits := make(map[uint8][]byte) // colour index -> one sixel (6 vertical bits) per column
	var order []uint8              // colours in the order first seen in the band, for stable output
	for y0 := 0; y0 < h; y0 += 6 {
		clear(bits)
		order = order[:0]
		for k := 0; k < 6 && y0+k < h; k++ {
			for x := range w {
				if !opaque(x, y0+k) {
					continue
				}
				c := pal.ColorIndexAt(b.Min.X+x, b.Min.Y+y0+k)
				col, ok := bits[c]
				if !ok {
					col = make([]byte, w)
					bits[c] = col
					order = append(order, c)
				}
				col[x] |= 1 << k
			}
		}
		for i, c := range order {
			if i > 0 {
				out.WriteByte('$') // back to the start of the band for the next colour
			}
			out.WriteString("#" + strconv.Itoa(int(c)))
			writeSixelRow(&out, bits[c])
		}
		if y0+6 < h {
			out.WriteByte('-') // next band
		}
	}
	return out.Bytes()
}

// writeSixelRow writes one colour's sixels for a band, run-length encoded ("!n" repeats the next
// character n times), without the trailing empty sixels a carriage return makes unnecessary.
func writeSixelRow(out *bytes.Buffer, col []byte) {
	end := len(col)
	for end > 0 && col[end-1] == 0 {
		end--
	}
	for x := 0; x < end; {
		run := 1
		for x+run < end && col[x+run] == col[x] {
			run++
		}
		ch := col[x] + '?'
		if run > 3 {
			out.WriteString("!" + strconv.Itoa(run))
			out.WriteByte(ch)
		} else {
			for range run {
				out.WriteByte(ch)
			}
		}
		x += run
	}
}

// percent maps a 16-bit colour channel to sixel's 0-100 scale.
func percent(v uint32) string { return strconv.Itoa(int((v*100 + 0x7fff) / 0xffff)) }
