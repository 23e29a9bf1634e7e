package media

import (
	"encoding/binary"
	"fmt"
	"image"
)

// WebP encodes img as a lossless WebP (VP8L) with the simplest valid stream: no transforms, no color
// cache, no backward references, every channel a literal under a fixed 8-bit prefix code. Files are as
// large as raw pixels, but every WebP decoder (browsers, libwebp, x/image/webp) reads them, which is
// all the simulator needs to answer webp requests.
func WebP(img *image.NRGBA) ([]byte, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < 1 || h < 1 || w > 1<<14 || h > 1<<14 {
		return nil, fmt.Errorf("webp: size %dx%d out of range", w, h)
	}
	var lw lsbWriter
	lw.b = append(lw.b, 0x2f) // VP8L signature
	lw.bits(uint32(w-1), 14)
	lw.bits(uint32(h-1), 14)
	lw.bits(1, 1)            // alpha is used
	lw.bits(0, 3)            // version
	lw.bits(0, 1)            // no transform
	lw.bits(0, 1)            // no color cache
	lw.bits(0, 1)            // no meta prefix codes
	lw.literalCode(256 + 24) // green + backward-reference lengths
	lw.literalCode(256)      // red
	lw.literalCode(256)      // blue
	lw.literalCode(256)      // alpha
	// distance: a simple code of one symbol (never read: there are no backward references)
	lw.bits(1, 1)
	lw.bits(0, 1) // one symbol
	lw.bits(0, 1) // 1-bit symbol
	lw.bits(0, 1) // symbol 0
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			p := row[x*4 : x*4+4]
			lw.code8(p[1]) // green first, then red, blue, alpha
			lw.code8(p[0])
			lw.code8(p[2])
			lw.code8(p[3])
		}
	}
	data := lw.flush()
	chunk := len(data)
	out := make([]byte, 0, 20+chunk+1)
	out = append(out, "RIFF"...)
	out = binary.LittleEndian.AppendUint32(out, uint32(4+8+chunk+chunk%2))
	out = append(out, "WEBPVP8L"...)
	out = binary.LittleEndian.AppendUint32(out, uint32(chunk))
	out = append(out, data...)
	if chunk%2 == 1 {
		out = append(out, 0)
	}
	return out, nil
}

// lsbWriter packs bits least significant first, as VP8L reads them.
type lsbWriter struct {
	b    []byte
	acc  uint64
	nacc uint
}

func (w *lsbWriter) bits(v uint32, n uint) {
	w.acc |= uint64(v) << w.nacc
	w.nacc += n
	for w.nacc >= 8 {
		w.b = append(w.b, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
}

func (w *lsbWriter) flush() []byte {
	if w.nacc > 0 {
		w.b = append(w.b, byte(w.acc))
		w.acc, w.nacc = 0, 0
	}
	return w.b
}

// code8 writes symbol v under the code where symbols 0..255 all have length 8: the canonical code of v
// is v itself, sent most significant bit first (prefix codes are read one bit at a time).
func (w *lsbWriter) code8(v byte) {
	for i := 7; i >= 0; i-- {
		w.bits(uint32(v>>uint(i))&1, 1)
	}
}

// literalCode writes a normal prefix code giving symbols 0..255 length 8 and the rest of an alphabet
// of size n length 0. The code-length code has two symbols, 0 and 8, each one bit long: 0 is "0", 8 is
// "1" (canonical order).
func (w *lsbWriter) literalCode(n int) {
	w.bits(0, 1) // normal code
	// code length code lengths, in the order 17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8: twelve of them
	w.bits(12-4, 4)
	for _, sym := range []int{17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8} {
		if sym == 0 || sym == 8 {
			w.bits(1, 3)
		} else {
			w.bits(0, 3)
		}
	}
	w.bits(0, 1) // every symbol's length follows (no max_symbol)
	for s := 0; s < n; s++ {
		if s < 256 {
			w.bits(1, 1) // length 8
		} else {
			w.bits(0, 1) // length 0
		}
	}
}
