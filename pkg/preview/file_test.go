package preview

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func encoded(t *testing.T, enc func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// kittyThumb renders path with kitty and returns the decoded thumbnail.
func kittyThumb(t *testing.T, path string) image.Image {
	t.Helper()
	var b bytes.Buffer
	if err := (Terminal{Protocol: Kitty}).RenderFile(&b, path, DefaultSize()); err != nil {
		t.Fatalf("RenderFile: %v", err)
	}
	var all strings.Builder
	for _, c := range splitKitty(t, strings.TrimSuffix(b.String(), "\n")) {
		all.WriteString(c.payload)
	}
	img, _ := decodePNGBase64(t, all.String())
	return img
}

func TestRenderFileDecodesEachImageFormat(t *testing.T) {
	red := halves(2, 2) // left red, right blue
	frame := func(c color.Color) *image.Paletted {
		p := image.NewPaletted(image.Rect(0, 0, 64, 48), palette.Plan9)
		for i := range p.Pix {
			p.Pix[i] = uint8(p.Palette.Index(c))
		}
		return p
	}
	anim := &gif.GIF{Image: []*image.Paletted{frame(color.RGBA{255, 0, 0, 255}), frame(color.RGBA{0, 0, 255, 255})}, Delay: []int{10, 10}}
	files := map[string]struct {
		data []byte
		size image.Rectangle
	}{
		"out.png":  {encoded(t, func(b *bytes.Buffer) error { return png.Encode(b, halves(400, 600)) }), image.Rect(0, 0, 266, 400)},
		"out.jpeg": {encoded(t, func(b *bytes.Buffer) error { return jpeg.Encode(b, halves(480, 360), nil) }), image.Rect(0, 0, 400, 300)},
		"anim.gif": {encoded(t, func(b *bytes.Buffer) error { return gif.EncodeAll(b, anim) }), image.Rect(0, 0, 64, 48)},
		"tiny.png": {encoded(t, func(b *bytes.Buffer) error { return png.Encode(b, red) }), image.Rect(0, 0, 2, 2)},
	}
	for name, f := range files {
		img := kittyThumb(t, writeFile(t, name, f.data))
		if img.Bounds() != f.size {
			t.Errorf("%s: thumbnail %v, want %v", name, img.Bounds(), f.size)
		}
	}
	if img := kittyThumb(t, writeFile(t, "anim.gif", files["anim.gif"].data)); !sameRGBA(img.At(5, 5), color.RGBA{255, 0, 0, 255}) {
		t.Errorf("GIF preview shows %v, want the first (red) frame", img.At(5, 5))
	}
	if img := kittyThumb(t, "testdata/blue-purple-pink.lossy.webp"); img.Bounds() != image.Rect(0, 0, 150, 100) {
		t.Errorf("webp thumbnail %v, want 150x100", img.Bounds())
	}
}

func TestRenderFileSkipsWhatIsNotAnImage(t *testing.T) {
	mp4 := append([]byte{0, 0, 0, 0x20}, []byte("ftypisom\x00\x00\x02\x00isomiso2avc1mp41")...)
	notImages := map[string][]byte{
		"video.mp4": mp4,
		"audio.mp3": []byte("ID3\x04\x00\x00\x00\x00\x00\x00"),
		"empty.png": nil,
	}
	for name, data := range notImages {
		var b bytes.Buffer
		err := Terminal{Protocol: Kitty}.RenderFile(&b, writeFile(t, name, data), DefaultSize())
		if !errors.Is(err, ErrNotImage) {
			t.Errorf("%s: err %v, want ErrNotImage", name, err)
		}
		if err == nil || b.Len() != 0 {
			t.Errorf("%s: err %v, wrote %d bytes; want an error and nothing written", name, err, b.Len())
		}
	}
}

func TestRenderFileFailuresWriteNothing(t *testing.T) {
	full := encoded(t, func(b *bytes.Buffer) error { return png.Encode(b, noise(64, 64)) })
	cases := map[string]string{
		"truncated": writeFile(t, "cut.png", full[:len(full)/2]),
		"missing":   filepath.Join(t.TempDir(), "gone.png"),
		"huge":      writeFile(t, "huge.png", pngHeader(100_000, 100_000)),
	}
	for name, path := range cases {
		for _, p := range []Protocol{Kitty, ITerm, Sixel} {
			var b bytes.Buffer
			err := Terminal{Protocol: p}.RenderFile(&b, path, DefaultSize())
			if err == nil || b.Len() != 0 {
				t.Errorf("%s/%s: err %v, wrote %d bytes", name, p, err, b.Len())
			}
			if !strings.Contains(err.Error(), filepath.Base(path)) {
				t.Errorf("%s: error %q does not name the file", name, err)
			}
		}
	}
}

// pngHeader is a PNG signature and IHDR claiming w x h pixels, with nothing after it.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

// TestNothingWrittenWhereUnsupported runs the whole path a command takes (Choose, then RenderFile) and
// proves not one byte reaches stderr in each case where previews must not appear.
func TestNothingWrittenWhereUnsupported(t *testing.T) {
	img := writeFile(t, "out.png", encoded(t, func(b *bytes.Buffer) error { return png.Encode(b, halves(64, 64)) }))
	tty := Facts{Mode: ModeAuto, StdoutTTY: true, StderrTTY: true}
	kittyEnv := []string{"TERM=xterm-kitty", "KITTY_WINDOW_ID=1"}
	cases := []struct {
		name  string
		facts Facts
		env   []string
		tmux  string
	}{
		{"dumb terminal", tty, []string{"TERM=dumb"}, ""},
		{"stdout not a terminal", Facts{Mode: ModeAuto, StderrTTY: true}, kittyEnv, ""},
		{"stderr not a terminal", Facts{Mode: ModeKitty, StdoutTTY: true}, kittyEnv, ""},
		{"--json", Facts{Mode: ModeAuto, StdoutTTY: true, StderrTTY: true, JSON: true}, kittyEnv, ""},
		{"-q", Facts{Mode: ModeSixel, StdoutTTY: true, StderrTTY: true, Quiet: true}, kittyEnv, ""},
		{"--preview off", Facts{Mode: ModeOff, StdoutTTY: true, StderrTTY: true}, kittyEnv, ""},
		{"GNU screen", tty, []string{"TERM=screen-256color", "STY=99.pts-1.host", "LC_TERMINAL=iTerm2"}, ""},
		{"tmux without passthrough", tty, append([]string{"TMUX=/tmp/t,1,0", "TERM=tmux-256color"}, kittyEnv...), "off"},
		{"terminal without graphics", tty, []string{"TERM=xterm-256color"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := &opener{tty: &fakeTTY{reply: []byte("\x1b[?62;22c")}}
			r := &tmuxRunner{out: c.tmux}
			term := Choose(context.Background(), c.facts, Probe{Getenv: envOf(c.env...), OpenTTY: o.open, Run: r.run})
			var stderr bytes.Buffer
			if err := term.RenderFile(&stderr, img, DefaultSize()); err != nil {
				t.Errorf("RenderFile: %v", err)
			}
			if stderr.Len() != 0 {
				t.Errorf("wrote %q where previews are unsupported", head(stderr.String()))
			}
		})
	}
}

func TestSizeFitNeverUpscalesAndKeepsAspect(t *testing.T) {
	s := DefaultSize() // 400 x 400 px
	cases := []struct{ w, h, ww, wh int }{
		{50, 30, 50, 30},       // small: as is
		{1024, 1024, 400, 400}, // square
		{1920, 1080, 400, 225}, // landscape: width bound
		{1080, 1920, 225, 400}, // portrait: height bound
		{10000, 1, 400, 1},     // never below one pixel
		{400, 400, 400, 400},   // exactly the bound
	}
	for _, c := range cases {
		if w, h := s.fit(c.w, c.h); w != c.ww || h != c.wh {
			t.Errorf("fit(%d,%d) = %d,%d; want %d,%d", c.w, c.h, w, h, c.ww, c.wh)
		}
	}
	if w, h := (Size{}).fit(2000, 1000); w != 400 || h != 200 {
		t.Errorf("zero Size should mean DefaultSize: got %d,%d", w, h)
	}
}

func TestSizeFitWindow(t *testing.T) {
	s := DefaultSize().fitWindow(30, 12, 30*9, 12*18) // small window reporting 9x18 cells
	if s != (Size{Cols: 30, Rows: 11, CellWidth: 9, CellHeight: 18}) {
		t.Errorf("got %+v", s)
	}
	if s := DefaultSize().fitWindow(200, 60, 0, 0); s != DefaultSize() {
		t.Errorf("large window without pixel sizes: got %+v, want the defaults", s)
	}
}
