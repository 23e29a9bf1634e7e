package provenance

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
)

// xmpUUID is the uuid box type that holds XMP in ISO base media files.
var xmpUUID = []byte{0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC}

// box is one ISO base media box: where it starts, its whole length, its header length and type.
type box struct {
	off, size, head int64
	typ             string
}

// mp4Boxes lists the boxes in [off, end).
func mp4Boxes(src io.ReaderAt, off, end int64) ([]box, error) {
	var out []box
	var h [16]byte
	for off+8 <= end {
		if _, err := src.ReadAt(h[:8], off); err != nil {
			return nil, errMalformed
		}
		b := box{off: off, size: int64(binary.BigEndian.Uint32(h[:4])), head: 8, typ: string(h[4:8])}
		switch b.size {
		case 0:
			b.size = end - off
		case 1:
			if _, err := src.ReadAt(h[8:16], off+8); err != nil {
				return nil, errMalformed
			}
			b.size, b.head = int64(binary.BigEndian.Uint64(h[8:16])), 16
		}
		if b.size < b.head || off+b.size > end {
			return nil, errMalformed
		}
		out = append(out, b)
		off += b.size
	}
	return out, nil
}

// ourUUID reports whether a box is an XMP uuid box written by this package.
func ourUUID(src io.ReaderAt, b box) bool {
	x := mp4XMP(src, b)
	return x != nil && ourXMP(x)
}

// mp4XMP is the XMP packet of a uuid box, nil for any other box.
func mp4XMP(src io.ReaderAt, b box) []byte {
	if b.typ != "uuid" || b.size-b.head < 16 || b.size > 16<<20 {
		return nil
	}
	d := make([]byte, b.size-b.head)
	if _, err := src.ReadAt(d, b.off+b.head); err != nil || !bytes.Equal(d[:16], xmpUUID) {
		return nil
	}
	return d[16:]
}

func xmpBox(packet []byte) []byte {
	b := make([]byte, 8, 24+len(packet))
	binary.BigEndian.PutUint32(b, uint32(24+len(packet)))
	copy(b[4:], "uuid")
	return append(append(b, xmpUUID...), packet...)
}

// embedMP4 adds an XMP uuid box. When moov is the last box it goes inside moov, whose size is the
// only thing that changes; otherwise (moov before mdat) growing moov would move the media and break
// every chunk offset, so it goes at the end of the file, where XMP's own spec allows it. No other
// byte moves.
func embedMP4(src *os.File, size int64, w io.Writer, record []byte, params string) error {
	top, err := mp4Boxes(src, 0, size)
	if err != nil {
		return err
	}
	if len(top) == 0 || top[0].typ != "ftyp" {
		return errMalformed
	}
	if n := len(top); n > 1 && ourUUID(src, top[n-1]) {
		top = top[:n-1] // ours from an earlier run
	}
	ours := xmpBox(xmpPacket(record, params))
	last := top[len(top)-1]
	if last.typ == "moov" && last.head == 8 {
		kids, err := mp4Boxes(src, last.off+8, last.off+last.size)
		if err != nil {
			return err
		}
		if err := copyRange(w, src, 0, last.off); err != nil {
			return err
		}
		var body int64
		for _, k := range kids {
			if !ourUUID(src, k) {
				body += k.size
			}
		}
		moovSize := 8 + body + int64(len(ours))
		if moovSize > 0xFFFFFFFF {
			return ErrUnsupported
		}
		head := make([]byte, 8)
		binary.BigEndian.PutUint32(head, uint32(moovSize))
		copy(head[4:], "moov")
		if _, err := w.Write(head); err != nil {
			return err
		}
		for _, k := range kids {
			if !ourUUID(src, k) {
				if err := copyRange(w, src, k.off, k.size); err != nil {
					return err
				}
			}
		}
		_, err = w.Write(ours)
		return err
	}
	if err := copyRange(w, src, 0, last.off+last.size); err != nil {
		return err
	}
	_, err = w.Write(ours)
	return err
}

func readMP4(src io.ReaderAt, size int64) ([]byte, error) {
	top, err := mp4Boxes(src, 0, size)
	if err != nil {
		return nil, err
	}
	for _, b := range top {
		var boxes []box
		if b.typ == "moov" {
			if boxes, err = mp4Boxes(src, b.off+b.head, b.off+b.size); err != nil {
				return nil, err
			}
		} else {
			boxes = []box{b}
		}
		for _, k := range boxes {
			if x := mp4XMP(src, k); x != nil && ourXMP(x) {
				return xmpRecord(x), nil
			}
		}
	}
	return nil, nil
}
