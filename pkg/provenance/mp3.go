package provenance

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"unicode/utf16"
)

// An MP3 gets an ID3v2 tag in front of its frames with two TXXX frames, "novita" (the record) and
// "parameters". The frames of an existing ID3v2.3 or 2.4 tag are kept; the audio frames are copied.

func syncsafe(b []byte) int64 {
	return int64(b[0]&0x7f)<<21 | int64(b[1]&0x7f)<<14 | int64(b[2]&0x7f)<<7 | int64(b[3]&0x7f)
}

func putSyncsafe(b []byte, n int) {
	b[0], b[1], b[2], b[3] = byte(n>>21&0x7f), byte(n>>14&0x7f), byte(n>>7&0x7f), byte(n&0x7f)
}

// id3Frame is one frame of a tag: its id and raw bytes (header included).
type id3Frame struct {
	id  string
	raw []byte
}

// readID3 parses the tag at the start of src: its version, frames and whole length (0: no tag).
func readID3(src io.ReaderAt, size int64) (version byte, frames []id3Frame, tagLen int64, err error) {
	var h [10]byte
	if n, _ := src.ReadAt(h[:], 0); n < 10 || string(h[:3]) != "ID3" {
		return 0, nil, 0, nil
	}
	version, tagLen = h[3], 10+syncsafe(h[6:10])
	if tagLen > size || tagLen > 64<<20 {
		return 0, nil, 0, errMalformed
	}
	if version != 3 && version != 4 || h[5] != 0 {
		return version, nil, tagLen, fmt.Errorf("%w: an ID3v2.%d tag with flags %#x", ErrUnsupported, version, h[5])
	}
	body := make([]byte, tagLen-10)
	if _, err := src.ReadAt(body, 10); err != nil {
		return 0, nil, 0, err
	}
	for p := 0; p+10 <= len(body) && body[p] != 0; {
		n := int(binary.BigEndian.Uint32(body[p+4:]))
		if version == 4 {
			n = int(syncsafe(body[p+4 : p+8]))
		}
		if n < 0 || p+10+n > len(body) {
			return 0, nil, 0, errMalformed
		}
		frames = append(frames, id3Frame{string(body[p : p+4]), body[p : p+10+n]})
		p += 10 + n
	}
	return version, frames, tagLen, nil
}

// txxx decodes a TXXX frame's description and value.
func txxx(f id3Frame) (desc, value string, ok bool) {
	if f.id != "TXXX" || len(f.raw) < 11 {
		return "", "", false
	}
	enc, d := f.raw[10], f.raw[11:]
	var parts [][]byte
	if enc == 1 || enc == 2 { // UTF-16: the separator is two zero bytes on an even offset
		for i := 0; i+1 < len(d); i += 2 {
			if d[i] == 0 && d[i+1] == 0 {
				parts = [][]byte{d[:i], d[i+2:]}
				break
			}
		}
		if parts == nil {
			return "", "", false
		}
		return decodeUTF16(parts[0]), decodeUTF16(parts[1]), true
	}
	a, b, found := bytes.Cut(d, []byte{0})
	if !found {
		return "", "", false
	}
	return string(a), string(bytes.TrimRight(b, "\x00")), true
}

func decodeUTF16(b []byte) string {
	le := true
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		le, b = false, b[2:]
	} else if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
		b = b[2:]
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if le {
			u[i] = binary.LittleEndian.Uint16(b[2*i:])
		} else {
			u[i] = binary.BigEndian.Uint16(b[2*i:])
		}
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}

// newTXXX builds a TXXX frame for the tag version: UTF-8 in 2.4, UTF-16 with a BOM in 2.3.
func newTXXX(version byte, desc, value string) []byte {
	var d []byte
	if version == 4 {
		d = append(append(append([]byte{3}, desc...), 0), value...)
	} else {
		d = []byte{1}
		for _, s := range []string{desc, value} {
			d = append(d, 0xFF, 0xFE)
			for _, u := range utf16.Encode([]rune(s)) {
				d = binary.LittleEndian.AppendUint16(d, u)
			}
			if s == desc {
				d = append(d, 0, 0)
			}
		}
	}
	h := make([]byte, 10)
	copy(h, "TXXX")
	if version == 4 {
		putSyncsafe(h[4:], len(d))
	} else {
		binary.BigEndian.PutUint32(h[4:], uint32(len(d)))
	}
	return append(h, d...)
}

func embedMP3(src *os.File, size int64, w io.Writer, record []byte, params string) error {
	version, frames, tagLen, err := readID3(src, size)
	if err != nil {
		return err
	}
	if tagLen == 0 {
		version = 4
	}
	var body bytes.Buffer
	for _, f := range frames {
		if d, _, ok := txxx(f); ok && (d == Key || d == ParametersKey) {
			continue
		}
		body.Write(f.raw)
	}
	body.Write(newTXXX(version, Key, string(record)))
	body.Write(newTXXX(version, ParametersKey, params))
	if body.Len() >= 1<<28 {
		return fmt.Errorf("%w: an ID3 tag over 256 MiB", ErrUnsupported)
	}
	head := []byte{'I', 'D', '3', version, 0, 0, 0, 0, 0, 0}
	putSyncsafe(head[6:], body.Len())
	if _, err := w.Write(append(head, body.Bytes()...)); err != nil {
		return err
	}
	return copyRange(w, src, tagLen, size-tagLen)
}

func readMP3(src io.ReaderAt, size int64) ([]byte, error) {
	_, frames, _, err := readID3(src, size)
	if err != nil {
		return nil, err
	}
	for _, f := range frames {
		if d, v, ok := txxx(f); ok && d == Key {
			return []byte(v), nil
		}
	}
	return nil, nil
}
