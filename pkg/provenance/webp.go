package provenance

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

const (
	vp8xXMPBit   = 1 << 2
	vp8xAlphaBit = 1 << 4
)

// embedWebP appends an "XMP " chunk. A simple WebP (one VP8 or VP8L chunk) gains the VP8X header the
// extended format needs, with the canvas size read from the bitstream's header; an extended one has
// its XMP flag set. The image chunks are copied as they are.
func embedWebP(src *os.File, size int64, w io.Writer, record []byte, params string) error {
	if size > 256<<20 {
		return fmt.Errorf("%w: a WebP over 256 MiB", ErrUnsupported)
	}
	data := make([]byte, size)
	if _, err := src.ReadAt(data, 0); err != nil {
		return err
	}
	var body bytes.Buffer
	var vp8x []byte // the VP8X chunk's data, to be written first
	var image []byte
	err := riffChunks(bytes.NewReader(data), size, func(off int64, id string, n uint32) error {
		chunk := data[off+8 : off+8+int64(n)]
		switch id {
		case "VP8X":
			vp8x = append([]byte(nil), chunk...)
			return nil
		case "XMP ":
			if ourXMP(chunk) {
				return nil
			}
			return fmt.Errorf("%w: the WebP carries XMP of its own", ErrUnsupported)
		case "VP8 ", "VP8L":
			image = chunk
		}
		body.Write(data[off : off+riffPadded(n)])
		return nil
	})
	if err != nil {
		return err
	}
	if vp8x == nil {
		if vp8x, err = vp8xFor(image); err != nil {
			return err
		}
	}
	if len(vp8x) < 10 {
		return errMalformed
	}
	vp8x[0] |= vp8xXMPBit
	out := append(riffChunk("VP8X", vp8x), body.Bytes()...)
	out = append(out, riffChunk("XMP ", xmpPacket(record, params))...)
	head := []byte("RIFF\x00\x00\x00\x00WEBP")
	binary.LittleEndian.PutUint32(head[4:], uint32(4+len(out)))
	if _, err := w.Write(head); err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// vp8xFor builds the VP8X header of a simple WebP from its image chunk (VP8 or VP8L).
func vp8xFor(image []byte) ([]byte, error) {
	var w, h uint32
	var flags byte
	switch {
	case len(image) >= 10 && bytes.Equal(image[3:6], []byte{0x9d, 0x01, 0x2a}): // VP8 key frame
		w = uint32(binary.LittleEndian.Uint16(image[6:])) & 0x3fff
		h = uint32(binary.LittleEndian.Uint16(image[8:])) & 0x3fff
	case len(image) >= 5 && image[0] == 0x2f: // VP8L
		bits := binary.LittleEndian.Uint32(image[1:])
		w, h = bits&0x3fff+1, bits>>14&0x3fff+1
		if bits>>28&1 == 1 {
			flags |= vp8xAlphaBit
		}
	default:
		return nil, errMalformed
	}
	if w == 0 || h == 0 {
		return nil, errMalformed
	}
	v := make([]byte, 10)
	v[0] = flags
	put24(v[4:], w-1)
	put24(v[7:], h-1)
	return v, nil
}

func put24(b []byte, v uint32) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }

func readWebP(src io.ReaderAt, size int64) ([]byte, error) {
	var found []byte
	err := riffChunks(src, size, func(off int64, id string, n uint32) error {
		if id == "XMP " && found == nil && n < 16<<20 {
			b := make([]byte, n)
			if _, err := src.ReadAt(b, off+8); err != nil {
				return err
			}
			if ourXMP(b) {
				found = xmpRecord(b)
			}
		}
		return nil
	})
	return found, err
}
