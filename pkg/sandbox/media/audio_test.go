package media

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"
)

// mp3Frames walks MPEG audio frames by their headers (MPEG-1 Layer III only) and returns how many and
// the total duration; any byte that is not a frame header where one must start fails.
func mp3Frames(t *testing.T, b []byte) (int, float64) {
	t.Helper()
	bitrates := []int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}
	rates := []int{44100, 48000, 32000}
	n, secs := 0, 0.0
	for off := 0; off < len(b); n++ {
		if off+4 > len(b) {
			t.Fatalf("frame %d: truncated header", n)
		}
		h := b[off : off+4]
		if h[0] != 0xff || h[1]&0xe0 != 0xe0 {
			t.Fatalf("frame %d at %d: no sync (% x)", n, off, h)
		}
		if h[1]>>3&3 != 3 || h[1]>>1&3 != 1 {
			t.Fatalf("frame %d: not MPEG-1 Layer III (% x)", n, h)
		}
		bi, si, pad := int(h[2]>>4), int(h[2]>>2&3), int(h[2]>>1&1)
		if bi == 0 || bi == 15 || si == 3 {
			t.Fatalf("frame %d: bad bitrate/sample-rate index (% x)", n, h)
		}
		size := 144*bitrates[bi]*1000/rates[si] + pad
		if off+size > len(b) {
			t.Fatalf("frame %d: %d bytes, %d left", n, size, len(b)-off)
		}
		off += size
		secs += 1152 / float64(rates[si])
	}
	return n, secs
}

func TestSpeechMP3IsWholeFramesOfTheRightLength(t *testing.T) {
	for _, text := range []string{"", "hi", "a longer sentence for the sandbox to speak"} {
		n, secs := mp3Frames(t, SpeechMP3(text))
		if n == 0 || math.Abs(secs-SpeechSeconds(text)) > 0.036 {
			t.Errorf("%q: %d frames, %.3f s, want %.3f s", text, n, secs, SpeechSeconds(text))
		}
	}
}

func TestSpeechFLACAndPCM(t *testing.T) {
	f := SpeechFLAC("hello", 1)
	if !bytes.HasPrefix(f, []byte("fLaC")) || f[4] != 0x80 || f[42] != 0xff || f[43]&0xfe != 0xf8 {
		t.Errorf("not a FLAC stream with STREAMINFO then a frame: % x", f[:44])
	}
	if pcm := SpeechPCM("hello", 1); len(pcm) != int(SpeechSeconds("hello")*SampleRate)*2 {
		t.Errorf("pcm: %d bytes", len(pcm))
	}
}

func TestCutoutUsesTheAlphaChannel(t *testing.T) {
	b, err := EncodeImage(Cutout(Picture(64, 48, 5, 0)), "png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.(*image.NRGBA); !ok {
		t.Fatalf("decoded as %T: the PNG has no alpha channel", img)
	}
	alpha := func(x, y int) uint32 { _, _, _, a := img.At(x, y).RGBA(); return a >> 8 }
	if alpha(0, 0) != 0 || alpha(63, 47) != 0 || alpha(32, 24) != 255 {
		t.Errorf("corner alpha %d/%d, centre %d: want transparent background, opaque subject", alpha(0, 0), alpha(63, 47), alpha(32, 24))
	}
}
