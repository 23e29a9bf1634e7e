package media

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// boxTree walks ISO BMFF boxes and returns the path of every box ("moov/trak/mdia/...") with its payload.
func boxTree(t *testing.T, b []byte, prefix string, into map[string][]byte) {
	t.Helper()
	containers := map[string]bool{"moov": true, "trak": true, "mdia": true, "minf": true, "stbl": true, "dinf": true}
	for off := 0; off < len(b); {
		if off+8 > len(b) {
			t.Fatalf("%s: truncated box header at %d", prefix, off)
		}
		size := int(binary.BigEndian.Uint32(b[off:]))
		typ := string(b[off+4 : off+8])
		if size < 8 || off+size > len(b) {
			t.Fatalf("%s%s: size %d overruns %d", prefix, typ, size, len(b)-off)
		}
		path := prefix + typ
		into[path] = b[off+8 : off+size]
		if containers[typ] {
			boxTree(t, b[off+8:off+size], path+"/", into)
		}
		if typ == "stsd" { // full box, entry count, then the sample entry
			entry := b[off+16 : off+size]
			into[path+"/"+string(entry[4:8])] = entry[8:]
			boxTree(t, entry[8+78:], path+"/"+string(entry[4:8])+"/", into)
		}
		off += size
	}
}

func TestMP4IsH264WithConsistentTables(t *testing.T) {
	const w, h, n = 100, 66, 8
	b, err := MP4(w, h, n, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	boxes := map[string][]byte{}
	boxTree(t, b, "", boxes)
	for _, p := range []string{"ftyp", "moov", "mdat", "moov/trak/mdia/minf/stbl/stsd/avc1/avcC", "moov/trak/mdia/minf/stbl/stts",
		"moov/trak/mdia/minf/stbl/stsz", "moov/trak/mdia/minf/stbl/stco", "moov/trak/mdia/minf/stbl/stss"} {
		if boxes[p] == nil {
			t.Fatalf("no %s box", p)
		}
	}
	avc1 := boxes["moov/trak/mdia/minf/stbl/stsd/avc1"]
	if gw, gh := binary.BigEndian.Uint16(avc1[24:]), binary.BigEndian.Uint16(avc1[26:]); gw != w || gh != h {
		t.Errorf("avc1 size %dx%d", gw, gh)
	}
	avcC := boxes["moov/trak/mdia/minf/stbl/stsd/avc1/avcC"]
	if avcC[0] != 1 || avcC[1] != 66 || avcC[4] != 0xff || avcC[5] != 0xe1 {
		t.Errorf("avcC header % x", avcC[:6])
	}
	spsLen := int(binary.BigEndian.Uint16(avcC[6:]))
	if avcC[8]&0x1f != 7 || avcC[8+spsLen] != 1 || avcC[8+spsLen+3]&0x1f != 8 {
		t.Errorf("avcC does not hold one SPS and one PPS")
	}
	stbl := "moov/trak/mdia/minf/stbl/"
	if c := binary.BigEndian.Uint32(boxes[stbl+"stts"][8:]); c != n {
		t.Errorf("stts counts %d samples", c)
	}
	stsz := boxes[stbl+"stsz"]
	if binary.BigEndian.Uint32(stsz[8:]) != n {
		t.Fatalf("stsz counts %d", binary.BigEndian.Uint32(stsz[8:]))
	}
	if stss := boxes[stbl+"stss"]; binary.BigEndian.Uint32(stss[4:]) != 1 || binary.BigEndian.Uint32(stss[8:]) != 1 {
		t.Errorf("stss: sample 1 must be the only sync sample")
	}
	// The chunk offset points at the mdat payload; every sample is length-prefixed NAL units that fill
	// exactly the size stsz gives: an IDR slice first, then non-IDR slices.
	off := int(binary.BigEndian.Uint32(boxes[stbl+"stco"][8:]))
	if !bytes.Equal(b[off-4:off], []byte("mdat")) {
		t.Fatalf("stco offset %d does not start mdat's payload", off)
	}
	for i := 0; i < n; i++ {
		size := int(binary.BigEndian.Uint32(stsz[12+4*i:]))
		sample := b[off : off+size]
		unit := int(binary.BigEndian.Uint32(sample))
		if 4+unit != size {
			t.Fatalf("sample %d: NAL length %d in a %d-byte sample", i, unit, size)
		}
		want := byte(1)
		if i == 0 {
			want = 5
		}
		if typ := sample[4] & 0x1f; typ != want {
			t.Errorf("sample %d: NAL type %d, want %d", i, typ, want)
		}
		if bytes.Contains(sample[5:], []byte{0, 0, 1}) || bytes.Contains(sample[5:], []byte{0, 0, 0}) {
			t.Errorf("sample %d: start code emulation inside a NAL unit", i)
		}
		off += size
	}
	if off != len(b) {
		t.Errorf("samples end at %d of %d bytes", off, len(b))
	}
}

func TestExpGolomb(t *testing.T) {
	var w bitWriter
	for _, v := range []uint32{0, 1, 2, 3, 25, 30} {
		w.ue(v)
	}
	w.se(-1)
	got := w.trailing()
	want := "1" + "010" + "011" + "00100" + "000011010" + "000011111" + "011"
	var bits strings.Builder
	for _, c := range got {
		for i := 7; i >= 0; i-- {
			bits.WriteByte('0' + c>>uint(i)&1)
		}
	}
	if !strings.HasPrefix(bits.String(), want+"1") {
		t.Errorf("bits %s, want %s1...", bits.String(), want)
	}
}

func TestNALEmulationPrevention(t *testing.T) {
	got := nal(3, 5, []byte{0, 0, 0, 0, 0, 1, 0, 0, 4})
	want := []byte{0x65, 0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 4}
	if !bytes.Equal(got, want) {
		t.Errorf("% x, want % x", got, want)
	}
}

// ffprobeOrSkip writes b to a file and returns ffprobe's csv answer for entries.
func ffprobe(t *testing.T, b []byte, name, entries string) string {
	t.Helper()
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffprobe not on PATH (apt-get install ffmpeg)")
	}
	f := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", entries, "-of", "csv=p=0", f).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v: %s", err, out)
	}
	if dec, err := exec.Command("ffmpeg", "-v", "error", "-i", f, "-f", "null", "-").CombinedOutput(); err != nil || len(dec) > 0 {
		t.Fatalf("ffmpeg decode: %v: %s", err, dec)
	}
	return strings.TrimSpace(string(out))
}

// The ffprobe and chromium tests mostly wait for another process: they run in parallel.
func TestMP4DecodesWithFFprobe(t *testing.T) {
	t.Parallel()
	// {width, height, frames}: 720p is about its size, so three frames (a key frame and what follows
	// it) do; 8 frames of 720p cost seconds of encoding under -race.
	for _, size := range [][3]int{{272, 256, 8}, {100, 66, 8}, {1280, 720, 3}} {
		t.Run(itoa(size[0])+"x"+itoa(size[1]), func(t *testing.T) {
			t.Parallel()
			b, err := MP4(size[0], size[1], size[2], 8, 11)
			if err != nil {
				t.Fatal(err)
			}
			got := ffprobe(t, b, "v.mp4", "stream=codec_name,profile,width,height,nb_frames")
			if want := "h264,Constrained Baseline," + itoa(size[0]) + "," + itoa(size[1]) + "," + itoa(size[2]); got != want {
				t.Errorf("%v: ffprobe %q, want %q", size, got, want)
			}
		})
	}
}

func TestAudioDecodesWithFFprobe(t *testing.T) {
	t.Parallel()
	text := "hello from the sandbox"
	if got := ffprobe(t, SpeechMP3(text), "a.mp3", "stream=codec_name,sample_rate,channels"); got != "mp3,32000,1" {
		t.Errorf("mp3: %q", got)
	}
	if got := ffprobe(t, SpeechFLAC(text, 1), "a.flac", "stream=codec_name,sample_rate,channels:stream=duration_ts"); !strings.HasPrefix(got, "flac,16000,1") {
		t.Errorf("flac: %q", got)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
