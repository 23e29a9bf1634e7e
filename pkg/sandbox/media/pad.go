package media

import (
	"encoding/binary"
	"io"
)

// PadMP4 returns a reader over mp4 followed by a "free" box that brings the file to total bytes, plus the
// resulting size. The padding is zeros generated on the fly, so a 256 MiB video costs no memory.
// When total leaves no room for a box header (total < len(mp4)+8) the file is returned unpadded.
func PadMP4(mp4 []byte, total int64) (*io.SectionReader, int64) {
	pad := total - int64(len(mp4))
	if pad < 8 {
		n := int64(len(mp4))
		return io.NewSectionReader(zeroTail{head: mp4, size: n}, 0, n), n
	}
	head := append([]byte(nil), mp4...)
	if pad <= 0xffffffff {
		head = binary.BigEndian.AppendUint32(head, uint32(pad))
		head = append(head, "free"...)
	} else { // size 1 means a 64-bit largesize follows the type
		head = binary.BigEndian.AppendUint32(head, 1)
		head = append(head, "free"...)
		head = binary.BigEndian.AppendUint64(head, uint64(pad))
	}
	return io.NewSectionReader(zeroTail{head: head, size: total}, 0, total), total
}

// zeroTail reads as head followed by zeros up to size.
type zeroTail struct {
	head []byte
	size int64
}

func (z zeroTail) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := 0
	for n < len(p) && off < z.size {
		if off < int64(len(z.head)) {
			c := copy(p[n:], z.head[off:])
			n += c
			off += int64(c)
			continue
		}
		c := int(min(int64(len(p)-n), z.size-off))
		clear(p[n : n+c])
		n += c
		off += int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
