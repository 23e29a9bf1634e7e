package provenance

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// embedWAV appends a LIST/INFO chunk: ICMT holds the record, ISFT the tool, INAM the prompt. An
// INFO list of ours from an earlier run is dropped; the audio chunks are copied as they are.
func embedWAV(src *os.File, size int64, w io.Writer, record []byte, params string) error {
	var rec Record
	_ = json.Unmarshal(record, &rec)
	type span struct{ off, n int64 }
	var keep []span
	err := riffChunks(src, size, func(off int64, id string, n uint32) error {
		if id == "LIST" && ourInfo(src, off, n) {
			return nil
		}
		end := off + riffPadded(n)
		if end > size { // a last odd chunk without its pad byte
			end = size
		}
		keep = append(keep, span{off, end - off})
		return nil
	})
	if err != nil {
		return err
	}
	var info bytes.Buffer
	info.WriteString("INFO")
	info.Write(riffChunk("ICMT", cstr(record)))
	info.Write(riffChunk("ISFT", cstr([]byte(rec.Tool))))
	if rec.Prompt != "" {
		info.Write(riffChunk("INAM", cstr([]byte(rec.Prompt))))
	}
	list := riffChunk("LIST", info.Bytes())
	total := int64(4 + len(list))
	for _, s := range keep {
		total += s.n
	}
	if total > 0xFFFFFFFF {
		return fmt.Errorf("%w: a WAV over 4 GiB", ErrUnsupported)
	}
	head := []byte("RIFF\x00\x00\x00\x00WAVE")
	binary.LittleEndian.PutUint32(head[4:], uint32(total))
	if _, err := w.Write(head); err != nil {
		return err
	}
	for _, s := range keep {
		if err := copyRange(w, src, s.off, s.n); err != nil {
			return err
		}
		if s.n%2 == 1 {
			if _, err := w.Write([]byte{0}); err != nil {
				return err
			}
		}
	}
	_, err = w.Write(list)
	return err
}

func cstr(b []byte) []byte { return append(append([]byte(nil), b...), 0) }

// ourInfo reports whether a LIST chunk is an INFO list whose comment is a record of ours.
func ourInfo(src io.ReaderAt, off int64, n uint32) bool {
	b, _ := infoComment(src, off, n)
	_, ok := parse(b)
	return ok
}

// infoComment returns the ICMT text of a LIST/INFO chunk.
func infoComment(src io.ReaderAt, off int64, n uint32) ([]byte, error) {
	if n < 4 || n > 16<<20 {
		return nil, nil
	}
	b := make([]byte, n)
	if _, err := src.ReadAt(b, off+8); err != nil {
		return nil, err
	}
	if string(b[:4]) != "INFO" {
		return nil, nil
	}
	for p := 4; p+8 <= len(b); {
		id, sz := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
		if p+8+sz > len(b) {
			return nil, nil
		}
		if id == "ICMT" {
			return bytes.TrimRight(b[p+8:p+8+sz], "\x00"), nil
		}
		p += 8 + sz + sz&1
	}
	return nil, nil
}

func readWAV(src io.ReaderAt, size int64) ([]byte, error) {
	var found []byte
	err := riffChunks(src, size, func(off int64, id string, n uint32) error {
		if id == "LIST" && found == nil {
			if b, _ := infoComment(src, off, n); b != nil {
				if _, ok := parse(b); ok {
					found = b
				}
			}
		}
		return nil
	})
	return found, err
}
