package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox/media"
)

// output is one downloadable file. Its bytes are generated on first use and kept; MP4 padding is
// produced on the fly so a padded video costs only its real content in memory.
type output struct {
	taskID string
	kind   string
	file   string // name in the URL: image_01.png, output.mp4, speech_01.wav
	typ    string // png|jpeg|mp4|gif|wav
	meta   *novita.AudioMetadata
	gen    func() ([]byte, error)

	once sync.Once
	data []byte
	err  error
}

func (o *output) key() string { return o.taskID + "/" + o.file }

func newImageOutput(taskID string, i, w, h int, typ string, seed uint64) *output {
	return &output{taskID: taskID, kind: novita.KindImage, file: fmt.Sprintf("image_%02d.%s", i+1, typ), typ: typ,
		gen: func() ([]byte, error) { return media.EncodeImage(media.Picture(w, h, seed, i), typ) }}
}

func newVideoOutput(taskID string, w, h int, typ string, seed uint64) *output {
	gen := func() ([]byte, error) { return media.MP4(w, h, videoFrames, videoFPS, seed) }
	if typ == "gif" {
		gen = func() ([]byte, error) { return media.GIF(w, h, videoFrames, videoFPS, seed) }
	}
	return &output{taskID: taskID, kind: novita.KindVideo, file: "output." + typ, typ: typ, gen: gen}
}

func newAudioOutput(taskID string, i int, text string, seed uint64) *output {
	return &output{taskID: taskID, kind: novita.KindAudio, file: fmt.Sprintf("speech_%02d.wav", i+1), typ: "wav",
		meta: &novita.AudioMetadata{Text: text, StartTime: 0, EndTime: media.SpeechSeconds(text)},
		gen:  func() ([]byte, error) { return media.Speech(text, seed+uint64(i)), nil }}
}

// open returns the file's content and size; padTo applies VideoPadBytes to MP4s.
func (o *output) open(padTo int64) (io.ReadSeeker, int64, error) {
	o.once.Do(func() { o.data, o.err = o.gen() })
	if o.err != nil {
		return nil, 0, fmt.Errorf("generate %s: %w", o.key(), o.err)
	}
	if o.typ == "mp4" && padTo > 0 {
		r, n := media.PadMP4(o.data, padTo)
		return r, n, nil
	}
	return bytes.NewReader(o.data), int64(len(o.data)), nil
}

func contentType(typ string) string {
	switch typ {
	case "png":
		return "image/png"
	case "jpeg":
		return "image/jpeg"
	case "gif":
		return "image/gif"
	case "mp4":
		return "video/mp4"
	case "wav":
		return "audio/wav"
	}
	return "application/octet-stream"
}

// sha256Of hashes what a full download of the output serves.
func (o *output) sha256Of(padTo int64) (string, error) {
	r, _, err := o.open(padTo)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("hash %s: %w", o.key(), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
