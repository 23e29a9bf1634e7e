package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/webp"

	"github.com/novita-cli/novita/pkg/sandbox/media"
)

func sample() Record {
	seed := int64(4242)
	return Record{TaskID: "0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10", Task: "txt2img", Endpoint: "/v3/async/txt2img",
		Model: "sd_xl_base_1.0.safetensors", Prompt: "a fox at dawn, \"quoted\" <&>", NegativePrompt: "blurry",
		Seed: &seed, Request: []byte(`{"request":{"prompt":"a fox at dawn","steps":20,"width":64,"height":48,"seed":4242}}`),
		CreatedAt: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), Tool: "novita-cli/test"}
}

func write(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o640); err != nil {
		t.Fatal(err)
	}
	return p
}

// roundTrip embeds twice (the second replaces the first), reads the record back and returns the file.
func roundTrip(t *testing.T, name string, in []byte) []byte {
	t.Helper()
	p := write(t, name, in)
	first := sample()
	first.Prompt = "an earlier record"
	if err := Embed(p, first); err != nil {
		t.Fatalf("embed: %v", err)
	}
	if err := Embed(p, sample()); err != nil {
		t.Fatalf("embed again: %v", err)
	}
	got, ok, err := Read(p)
	if err != nil || !ok {
		t.Fatalf("read back: ok=%v err=%v", ok, err)
	}
	want := sample()
	if got.TaskID != want.TaskID || got.Prompt != want.Prompt || *got.Seed != *want.Seed || got.Model != want.Model ||
		got.NegativePrompt != want.NegativePrompt || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("read back %+v, want %+v", got, want)
	}
	out, _ := os.ReadFile(p)
	if info, _ := os.Stat(p); info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 kept", info.Mode().Perm())
	}
	if n := strings.Count(string(out), want.TaskID); n == 0 && name != "b.mp3" { // b.mp3: UTF-16 in ID3v2.3
		t.Fatal("task id not in the file")
	}
	if strings.Contains(string(out), "an earlier record") {
		t.Fatal("the earlier record was not replaced")
	}
	if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
	return out
}

func TestPNGRoundTrip(t *testing.T) {
	in, err := media.EncodeImage(media.Picture(64, 48, 7, 1), "png")
	if err != nil {
		t.Fatal(err)
	}
	out := roundTrip(t, "a.png", in)
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decode after embedding: %v", err)
	}
	orig, _ := png.Decode(bytes.NewReader(in))
	if img.Bounds() != orig.Bounds() || img.At(10, 10) != orig.At(10, 10) {
		t.Fatal("pixels changed")
	}
	if !bytes.Contains(out, []byte("iTXtparameters\x00")) || !bytes.Contains(out, []byte("Seed: 4242")) {
		t.Fatal("no A1111-style parameters chunk")
	}
}

func TestJPEGRoundTrip(t *testing.T) {
	in, err := media.EncodeImage(media.Picture(64, 48, 7, 1), "jpeg")
	if err != nil {
		t.Fatal(err)
	}
	out := roundTrip(t, "a.jpg", in)
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("decode after embedding: %v", err)
	}
	if !bytes.HasSuffix(out, in[len(in)/2:]) {
		t.Fatal("the image data changed")
	}
}

// Tiny WebP files (lossy VP8, lossless VP8L, extended with alpha) as browsers' feature tests use them.
var webps = map[string]string{
	"lossy":    "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA",
	"lossless": "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==",
	"alpha":    "UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==",
}

func TestWebPRoundTrip(t *testing.T) {
	for name, b64 := range webps {
		t.Run(name, func(t *testing.T) {
			in, _ := base64.StdEncoding.DecodeString(b64)
			if _, err := webp.Decode(bytes.NewReader(in)); err != nil {
				t.Fatalf("the sample itself: %v", err)
			}
			out := roundTrip(t, "a.webp", in)
			if _, err := webp.Decode(bytes.NewReader(out)); err != nil {
				t.Fatalf("decode after embedding: %v", err)
			}
			if got := binary.LittleEndian.Uint32(out[4:]); int(got) != len(out)-8 {
				t.Fatalf("RIFF size %d, file %d", got, len(out))
			}
			if string(out[12:16]) != "VP8X" || out[20]&vp8xXMPBit == 0 {
				t.Fatal("no VP8X with the XMP flag")
			}
			if name == "alpha" && out[20]&vp8xAlphaBit == 0 {
				t.Fatal("the alpha flag was lost")
			}
		})
	}
}

// riffWalk checks a RIFF file's chunk sizes add up to its header's size and returns the chunk ids.
func riffWalk(t *testing.T, b []byte) []string {
	t.Helper()
	if int(binary.LittleEndian.Uint32(b[4:]))+8 != len(b) {
		t.Fatalf("RIFF size %d, file %d", binary.LittleEndian.Uint32(b[4:]), len(b))
	}
	var ids []string
	for p := 12; p < len(b); {
		n := int(binary.LittleEndian.Uint32(b[p+4:]))
		ids = append(ids, string(b[p:p+4]))
		p += 8 + n + n&1
		if p > len(b) {
			t.Fatalf("chunk %s runs past the end", ids[len(ids)-1])
		}
	}
	return ids
}

func TestWAVRoundTrip(t *testing.T) {
	in := media.Speech("hello there", 3)
	out := roundTrip(t, "a.wav", in)
	ids := riffWalk(t, out)
	if strings.Join(ids, ",") != strings.Join(append(riffWalk(t, in), "LIST"), ",") {
		t.Fatalf("chunks %v", ids)
	}
	if !bytes.Contains(out, in[12:]) {
		t.Fatal("the audio chunks changed")
	}
}

// mp3Frames is a few silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz: 417 bytes each).
func mp3Frames(n int) []byte {
	var b []byte
	for range n {
		f := make([]byte, 417)
		copy(f, []byte{0xFF, 0xFB, 0x90, 0x00})
		b = append(b, f...)
	}
	return b
}

// mp3Walk parses the ID3 tag, then follows frame syncs to the end; it returns the number of frames.
func mp3Walk(t *testing.T, b []byte) int {
	t.Helper()
	if string(b[:3]) != "ID3" {
		t.Fatal("no ID3v2 tag")
	}
	p, n := 10+int(syncsafe(b[6:10])), 0
	for p < len(b) {
		if b[p] != 0xFF || b[p+1]&0xE0 != 0xE0 {
			t.Fatalf("no frame sync at %d", p)
		}
		p, n = p+417, n+1
	}
	if p != len(b) {
		t.Fatal("the last frame is cut")
	}
	return n
}

func TestMP3RoundTrip(t *testing.T) {
	out := roundTrip(t, "a.mp3", mp3Frames(5))
	if n := mp3Walk(t, out); n != 5 {
		t.Fatalf("%d frames, want 5", n)
	}
	// An existing ID3v2.3 tag keeps its frames; ours are added in its version.
	title := []byte("TIT2\x00\x00\x00\x07\x00\x00\x00mysong")
	tag := append([]byte{'I', 'D', '3', 3, 0, 0, 0, 0, 0, byte(len(title))}, title...)
	out = roundTrip(t, "b.mp3", append(tag, mp3Frames(2)...))
	if mp3Walk(t, out) != 2 || out[3] != 3 || !bytes.Contains(out, title) {
		t.Fatal("the v2.3 tag or its title was lost")
	}
}

// mp4Tree walks every box (descending into containers) and checks that sizes nest exactly.
func mp4Tree(t *testing.T, b []byte, off, end int64, depth int) []string {
	t.Helper()
	boxes, err := mp4Boxes(bytes.NewReader(b), off, end)
	if err != nil {
		t.Fatalf("box tree at %d: %v", off, err)
	}
	var names []string
	last := off
	for _, x := range boxes {
		names = append(names, strings.Repeat(".", depth)+x.typ)
		switch x.typ {
		case "moov", "trak", "mdia", "minf", "stbl", "udta":
			names = append(names, mp4Tree(t, b, x.off+x.head, x.off+x.size, depth+1)...)
		}
		last = x.off + x.size
	}
	if last != end {
		t.Fatalf("boxes end at %d, container at %d", last, end)
	}
	return names
}

func TestMP4RoundTrip(t *testing.T) {
	in, err := media.MP4(32, 24, 3, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	out := roundTrip(t, "a.mp4", in)
	tree := mp4Tree(t, out, 0, int64(len(out)), 0)
	top, _ := mp4Boxes(bytes.NewReader(in), 0, int64(len(in)))
	if last := top[len(top)-1]; last.typ == "moov" {
		// moov was last: the box goes into it, and everything before it, mdat included, stays where it was.
		if !slicesContain(tree, ".uuid") {
			t.Fatalf("no XMP box in moov: %v", tree)
		}
		if !bytes.Equal(out[:last.off], in[:last.off]) {
			t.Fatal("bytes before moov moved")
		}
	} else {
		// moov before mdat (a streamable file): the box goes at the end, so no chunk offset moves.
		if tree[len(tree)-1] != "uuid" {
			t.Fatalf("no XMP box at the end: %v", tree)
		}
		if !bytes.Equal(out[:len(in)], in) {
			t.Fatal("bytes of the original file moved")
		}
	}

	// With moov before the end (a trailing free box), the box goes at the end and nothing moves.
	r, n := media.PadMP4(in, int64(len(in))+64)
	padded := make([]byte, n)
	if _, err := io.ReadFull(r, padded); err != nil {
		t.Fatal(err)
	}
	out = roundTrip(t, "b.mp4", padded)
	if !bytes.HasPrefix(out, padded) {
		t.Fatal("the padded file's bytes moved")
	}
	if tree := mp4Tree(t, out, 0, int64(len(out)), 0); tree[len(tree)-1] != "uuid" {
		t.Fatalf("tree %v", tree)
	}
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestUnknownFormatIsUnsupportedAndUntouched(t *testing.T) {
	p := write(t, "a.gif", []byte("GIF89a not really"))
	if err := Embed(p, sample()); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("err %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "GIF89a not really" {
		t.Fatal("changed")
	}
	if _, ok, _ := Read(p); ok {
		t.Fatal("a record where there is none")
	}
	if err := WriteSidecar(p, sample()); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := Read(p); !ok || got.TaskID != sample().TaskID {
		t.Fatal("the sidecar was not read")
	}
}

func TestMalformedFileIsLeftAlone(t *testing.T) {
	p := write(t, "bad.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\xffIHDRshort"))
	if err := Embed(p, sample()); err == nil {
		t.Fatal("a cut PNG was embedded into")
	}
	if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
}
