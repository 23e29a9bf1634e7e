package provenance

import (
	"encoding/binary"
	"io"
)

// riffChunks walks the chunks of a RIFF file (WebP, WAV) after its 12-byte header: fn gets each
// one's offset, id and data length (a chunk takes 8 + n bytes, plus one pad byte when n is odd).
func riffChunks(src io.ReaderAt, size int64, fn func(off int64, id string, n uint32) error) error {
	off := int64(12)
	var h [8]byte
	for off+8 <= size {
		if _, err := src.ReadAt(h[:], off); err != nil {
			return errMalformed
		}
		n := binary.LittleEndian.Uint32(h[4:])
		if off+8+int64(n) > size {
			return errMalformed
		}
		if err := fn(off, string(h[:4]), n); err != nil {
			return err
		}
		off += 8 + int64(n) + int64(n&1)
	}
	return nil
}

// riffChunk is one chunk's bytes, padded to an even length.
func riffChunk(id string, data []byte) []byte {
	b := make([]byte, 8, 8+len(data)+1)
	copy(b, id)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// riffPadded is a chunk's whole length on disk.
func riffPadded(n uint32) int64 { return 8 + int64(n) + int64(n&1) }
