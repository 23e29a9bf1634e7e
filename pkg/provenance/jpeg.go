package provenance

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// xmpJPEGHeader starts the APP1 segment that holds XMP.
const xmpJPEGHeader = "http://ns.adobe.com/xap/1.0/\x00"

// jpegSegments walks the segments before the image data: fn gets each APPn or COM segment's offset,
// total length and marker. It returns where the first other segment starts.
func jpegSegments(src io.ReaderAt, size int64, fn func(off, total int64, marker byte) error) (int64, error) {
	off := int64(2)
	var h [4]byte
	for off+4 <= size {
		if _, err := src.ReadAt(h[:], off); err != nil {
			return 0, errMalformed
		}
		if h[0] != 0xFF {
			return 0, errMalformed
		}
		m := h[1]
		if !(m >= 0xE0 && m <= 0xEF || m == 0xFE) {
			return off, nil
		}
		total := int64(binary.BigEndian.Uint16(h[2:])) + 2
		if total < 4 || off+total > size {
			return 0, errMalformed
		}
		if err := fn(off, total, m); err != nil {
			return 0, err
		}
		off += total
	}
	return 0, errMalformed
}

// jpegXMP returns the XMP packet of an APP1 segment, nil when it holds something else (Exif).
func jpegXMP(src io.ReaderAt, off, total int64, marker byte) []byte {
	if marker != 0xE1 || total-4 < int64(len(xmpJPEGHeader)) {
		return nil
	}
	b := make([]byte, total-4)
	if _, err := src.ReadAt(b, off+4); err != nil || !bytes.HasPrefix(b, []byte(xmpJPEGHeader)) {
		return nil
	}
	return b[len(xmpJPEGHeader):]
}

func embedJPEG(src *os.File, size int64, w io.Writer, record []byte, params string) error {
	packet := xmpPacket(record, params)
	n := 2 + len(xmpJPEGHeader) + len(packet)
	if n > 0xFFFF {
		return fmt.Errorf("%w: the metadata (%d bytes) is larger than a JPEG segment holds", ErrUnsupported, n)
	}
	var kept bytes.Buffer
	foreignXMP := false
	end, err := jpegSegments(src, size, func(off, total int64, m byte) error {
		if x := jpegXMP(src, off, total, m); x != nil {
			if ourXMP(x) {
				return nil
			}
			foreignXMP = true
		}
		return copyRange(&kept, src, off, total)
	})
	if err != nil {
		return err
	}
	if foreignXMP {
		return fmt.Errorf("%w: the JPEG carries XMP of its own", ErrUnsupported)
	}
	seg := []byte{0xFF, 0xE1, byte(n >> 8), byte(n)}
	seg = append(append(seg, xmpJPEGHeader...), packet...)
	for _, b := range [][]byte{{0xFF, 0xD8}, kept.Bytes(), seg} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return copyRange(w, src, end, size-end)
}

func readJPEG(src io.ReaderAt, size int64) ([]byte, error) {
	var found []byte
	_, err := jpegSegments(src, size, func(off, total int64, m byte) error {
		if x := jpegXMP(src, off, total, m); x != nil && found == nil && ourXMP(x) {
			found = xmpRecord(x)
		}
		return nil
	})
	return found, err
}
