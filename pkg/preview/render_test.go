package preview

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// noise is an image PNG cannot compress, so its kitty payload needs many chunks.
func noise(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.IntN(256))
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	return img
}

// halves is red on the left half, blue on the right: colours that survive any palette exactly.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 0, 0, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 255, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func render(t *testing.T, term Terminal, img image.Image, s Size) string {
	t.Helper()
	var b bytes.Buffer
	if err := term.Render(&b, img, s); err != nil {
		t.Fatalf("render: %v", err)
	}
	out, ok := strings.CutSuffix(b.String(), "\n")
	if !ok {
		t.Fatalf("preview does not end with a newline: %q", head(b.String()))
	}
	return out
}

func TestKittyChunksLargePayloads(t *testing.T) {
	src := noise(300, 200) // fits the default 400x400 bound: sent at its own size
	cmds := splitKitty(t, render(t, Terminal{Protocol: Kitty}, src, DefaultSize()))
	if len(cmds) < 3 {
		t.Fatalf("%d commands; a %d-pixel noise PNG needs many 4096-byte chunks", len(cmds), 300*200)
	}
	if cmds[0].keys != "f=100,q=2,a=T,m=1" {
		t.Errorf("first chunk keys %q, want PNG, quiet, transmit-and-display, more to come", cmds[0].keys)
	}
	var all strings.Builder
	for i, c := range cmds {
		want := "q=2,m=1"
		if i == len(cmds)-1 {
			want = "q=2,m=0"
		}
		if i > 0 && c.keys != want {
			t.Errorf("chunk %d keys %q, want %q", i, c.keys, want)
		}
		if len(c.payload) > 4096 || (i < len(cmds)-1 && len(c.payload)%4 != 0) {
			t.Errorf("chunk %d carries %d bytes; chunks are at most 4096, multiples of 4", i, len(c.payload))
		}
		all.WriteString(c.payload)
	}
	img, _ := decodePNGBase64(t, all.String())
	if img.Bounds() != src.Bounds() {
		t.Fatalf("decoded %v, want %v", img.Bounds(), src.Bounds())
	}
	for _, p := range []image.Point{{0, 0}, {150, 100}, {299, 199}} {
		if !sameRGBA(img.At(p.X, p.Y), src.At(p.X, p.Y)) {
			t.Errorf("pixel %v = %v, want %v", p, img.At(p.X, p.Y), src.At(p.X, p.Y))
		}
	}
}

func TestKittySmallImageIsOneCommandScaledToTheBound(t *testing.T) {
	// 800x400 into 40 columns of 10 px: 400x200, aspect kept (twice the bound is as scaled as five times).
	cmds := splitKitty(t, render(t, Terminal{Protocol: Kitty}, halves(800, 400), DefaultSize()))
	if len(cmds) != 1 || cmds[0].keys != "f=100,q=2,a=T" {
		t.Fatalf("got %d commands, first keys %q; want one unchunked a=T command", len(cmds), cmds[0].keys)
	}
	img, _ := decodePNGBase64(t, cmds[0].payload)
	if img.Bounds() != image.Rect(0, 0, 400, 200) {
		t.Errorf("thumbnail %v, want 400x200", img.Bounds())
	}
}

func TestITermInlineImage(t *testing.T) {
	s := Size{Cols: 40, Rows: 20, CellWidth: 8, CellHeight: 16}
	out := render(t, Terminal{Protocol: ITerm}, halves(640, 320), s) // -> 320x160 px = 40x10 cells
	rest, ok := strings.CutPrefix(out, "\x1b]1337;File=")
	if !ok || !strings.HasSuffix(rest, "\x07") {
		t.Fatalf("not an OSC 1337 File= sequence ended by BEL: %q", head(out))
	}
	args, content, ok := strings.Cut(strings.TrimSuffix(rest, "\x07"), ":")
	if !ok {
		t.Fatalf("no content separator in %q", head(rest))
	}
	img, n := decodePNGBase64(t, content)
	if img.Bounds() != image.Rect(0, 0, 320, 160) {
		t.Errorf("thumbnail %v, want 320x160", img.Bounds())
	}
	want := "size=" + strconv.Itoa(n) + ";width=40;height=10;inline=1"
	if args != want {
		t.Errorf("arguments %q, want %q", args, want)
	}
}

func TestSixelImage(t *testing.T) {
	out := render(t, Terminal{Protocol: Sixel}, halves(40, 21), DefaultSize())
	payload, ok := strings.CutPrefix(out, "\x1bP0;1q")
	if !ok || !strings.HasSuffix(payload, "\x1b\\") {
		t.Fatalf("not a DCS sixel sequence: %q", head(out))
	}
	payload = strings.TrimSuffix(payload, "\x1b\\")
	if !strings.HasPrefix(payload, `"1;1;40;21`) {
		t.Errorf("raster attributes %q, want 1:1 aspect, 40x21", head(payload))
	}
	img, err := decodeSixel(payload)
	if err != nil {
		t.Fatalf("decode sixel: %v", err)
	}
	for y := range 21 { // 21 rows: three full bands and a partial one
		for x := range 40 {
			if !sameRGBA(img.At(x, y), halves(40, 21).At(x, y)) {
				t.Fatalf("pixel %d,%d = %v, want %v", x, y, img.At(x, y), halves(40, 21).At(x, y))
			}
		}
	}
}

func TestSixelLeavesTransparentPixelsUndrawn(t *testing.T) {
	src := halves(12, 12)
	for y := range 12 {
		src.SetRGBA(0, y, color.RGBA{}) // a transparent first column
	}
	out := render(t, Terminal{Protocol: Sixel}, src, DefaultSize())
	img, err := decodeSixel(strings.TrimSuffix(strings.TrimPrefix(out, "\x1bP0;1q"), "\x1b\\"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, a := img.At(0, 5).RGBA(); a != 0 {
		t.Errorf("transparent pixel was drawn")
	}
	if !sameRGBA(img.At(1, 5), color.RGBA{255, 0, 0, 255}) {
		t.Errorf("opaque pixel = %v, want red", img.At(1, 5))
	}
}

func TestTmuxWrapsEverySequenceInPassthrough(t *testing.T) {
	for _, p := range []Protocol{Kitty, ITerm, Sixel} {
		t.Run(p.String(), func(t *testing.T) {
			src := noise(120, 90)
			plain := render(t, Terminal{Protocol: p}, src, DefaultSize())
			wrapped := render(t, Terminal{Protocol: p, Tmux: true}, src, DefaultSize())
			inner := untmux(t, wrapped)
			if got := strings.Join(inner, ""); got != plain {
				t.Errorf("unwrapped passthrough differs from the direct sequence")
			}
			if p == Kitty && len(inner) != len(splitKitty(t, plain)) {
				t.Errorf("%d passthrough strings for %d kitty chunks: each chunk must be wrapped on its own",
					len(inner), len(splitKitty(t, plain)))
			}
		})
	}
}

func TestDisabledTerminalWritesNothing(t *testing.T) {
	var b bytes.Buffer
	if err := (Terminal{}).Render(&b, halves(10, 10), DefaultSize()); err != nil || b.Len() != 0 {
		t.Errorf("none: wrote %d bytes, err %v", b.Len(), err)
	}
	if err := (Terminal{}).RenderFile(&b, "/does/not/exist.png", DefaultSize()); err != nil || b.Len() != 0 {
		t.Errorf("none RenderFile: wrote %d bytes, err %v", b.Len(), err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("stderr closed") }

func TestRenderReportsWriteFailure(t *testing.T) {
	err := Terminal{Protocol: Kitty}.Render(failingWriter{}, halves(10, 10), DefaultSize())
	if err == nil || !strings.Contains(err.Error(), "stderr closed") {
		t.Errorf("err %v, want the write failure", err)
	}
}

func sameRGBA(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1>>8 == r2>>8 && g1>>8 == g2>>8 && b1>>8 == b2>>8 && a1>>8 == a2>>8
}
