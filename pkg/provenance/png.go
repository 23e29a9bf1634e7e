package provenance

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
)

// pngChunks walks a PNG's chunks: fn gets each one's offset, total length (with length, type and
// CRC), type, and data length.
func pngChunks(src io.ReaderAt, size int64, fn func(off, total int64, typ string, n uint32) error) error {
	off := int64(8)
	var h [8]byte
	for off < size {
		if _, err := src.ReadAt(h[:], off); err != nil {
			return errMalformed
		}
		n := binary.BigEndian.Uint32(h[:4])
		total := int64(n) + 12
		if off+total > size {
			return errMalformed
		}
		if err := fn(off, total, string(h[4:8]), n); err != nil {
			return err
		}
		if string(h[4:8]) == "IEND" {
			return nil
		}
		off += total
	}
	return errMalformed
}

// ourITXt reports whether a chunk is an iTXt this package wrote (keyword novita or parameters).
func ourITXt(src io.ReaderAt, off int64, typ string, n uint32) bool {
	if typ != "iTXt" {
		return false
	}
	kw := make([]byte, min(int(n), 12))
	src.ReadAt(kw, off+8)
	return bytes.HasPrefix(kw, []byte(Key+"\x00")) || bytes.HasPrefix(kw, []byte(ParametersKey+"\x00"))
}

func embedPNG(src *os.File, size int64, w io.Writer, record []byte, params string) error {
	if _, err := w.Write([]byte("\x89PNG\r\n\x1a\n")); err != nil {
		return err
	}
	return pngChunks(src, size, func(off, total int64, typ string, n uint32) error {
		if ourITXt(src, off, typ, n) {
			return nil // replaced by the new record
		}
		if typ == "IEND" {
			if err := writeChunk(w, "iTXt", itxt(Key, record)); err != nil {
				return err
			}
			if err := writeChunk(w, "iTXt", itxt(ParametersKey, []byte(params))); err != nil {
				return err
			}
		}
		return copyRange(w, src, off, total)
	})
}

// itxt is an uncompressed iTXt chunk's data: keyword, no compression, no language, UTF-8 text.
func itxt(keyword string, text []byte) []byte {
	b := append([]byte(keyword), 0, 0, 0, 0, 0)
	return append(b, text...)
}

func writeChunk(w io.Writer, typ string, data []byte) error {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(b.Bytes()[4:]))
	_, err := w.Write(b.Bytes())
	return err
}

func readPNG(src io.ReaderAt, size int64) ([]byte, error) {
	var found []byte
	err := pngChunks(src, size, func(off, total int64, typ string, n uint32) error {
		if found != nil || typ != "iTXt" || !ourITXt(src, off, typ, n) {
			return nil
		}
		data := make([]byte, n)
		if _, err := src.ReadAt(data, off+8); err != nil {
			return err
		}
		kw, rest, _ := bytes.Cut(data, []byte{0})
		if string(kw) != Key || len(rest) < 2 {
			return nil
		}
		compressed := rest[0] == 1
		rest = rest[2:]
		for range 2 { // language tag, translated keyword
			_, rest, _ = bytes.Cut(rest, []byte{0})
		}
		if compressed {
			zr, err := zlib.NewReader(bytes.NewReader(rest))
			if err != nil {
				return nil
			}
			rest, err = io.ReadAll(io.LimitReader(zr, 16<<20))
			if err != nil {
				return nil
			}
		}
		found = rest
		return nil
	})
	return found, err
}
