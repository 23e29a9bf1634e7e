package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"strconv"
	"strings"
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

// planOutputs decides the task's files from the validated parameters; content is generated on first use.
func (t *task) planOutputs(p map[string]any) {
	h := fnv.New64a()
	h.Write([]byte(t.prompt))
	key := h.Sum64() ^ uint64(t.seed)*0x9e3779b97f4a7c15
	switch t.ep.kind {
	case novita.KindImage:
		w, h := t.fit(t.ep.size(p))
		n := imageCount(p)
		cutout := strings.Contains(t.ep.name, "remove-background")
		if novita.MultipartPath(t.ep.path) { // layer decoupling: one transparent image per planned layer
			n, cutout = layerCount(t.prompt), true
		}
		t.units = n
		for i := range n {
			t.outputs = append(t.outputs, newImageOutput(t.id, i, w, h, t.outType, key, cutout))
		}
	case novita.KindVideo:
		w, h := t.fit(t.ep.size(p))
		t.outputs = append(t.outputs, newVideoOutput(t.id, w, h, t.outType, key))
	case novita.KindAudio:
		for i, text := range speechTexts(p) {
			t.outputs = append(t.outputs, newAudioOutput(t.id, i, text, t.outType, key))
		}
	case novita.KindText:
		if t.ep.transcribes() {
			t.outputs = append(t.outputs, newTextOutput(t.id, fmt.Sprintf("Hello from the Novita sandbox. This is transcript %d of the audio you sent.", t.seed%1000)))
			break
		}
		t.outputs = append(t.outputs, newTextOutput(t.id, t.textAnswer(p, key)))
	}
}

// textAnswer is what a text endpoint answers, by the field its response puts it in: lyrics from the
// lyrics writer, a voice model's id from voice cloning (_id), else a caption of the picture sent.
func (t *task) textAnswer(p map[string]any, key uint64) string {
	field := ""
	if r := t.ep.spec.Response; r != nil && len(r.Outputs) > 0 {
		field = r.Outputs[0].Field
	}
	switch field {
	case "lyrics":
		return fmt.Sprintf("[Verse]\nA sandbox song, take %d\nabout %s\n\n[Chorus]\nLa la la, the simulator sings\n", t.seed%1000, t.prompt)
	case "_id":
		return fmt.Sprintf("%016x", key)
	}
	w, h := t.ep.size(p)
	return fmt.Sprintf("a sandbox picture, %dx%d, seed %d", w, h, t.seed)
}

// imageCount is the number of images asked for (image_num, num_images), at least 1.
func imageCount(p map[string]any) int {
	for _, k := range []string{"image_num", "num_images"} {
		if n := intParam(p, k, 0); n > 0 {
			return n
		}
	}
	return 1
}

// layerCount is the number of layers a layer plan asks for ("3 layers: 1 title, 2 photo, 3 background"):
// the number before "layer", else 2, at most 8.
func layerCount(prompt string) int {
	f := strings.Fields(strings.ToLower(prompt))
	for i := 1; i < len(f); i++ {
		if strings.HasPrefix(f[i], "layer") {
			if n, err := strconv.Atoi(f[i-1]); err == nil && n > 0 {
				return min(n, 8)
			}
		}
	}
	return 2
}

// speechTexts are the segments to speak: texts[] (txt2speech), text (MiniMax) or input (GLM).
func speechTexts(p map[string]any) []string {
	if a, ok := p["texts"].([]any); ok {
		out := make([]string, 0, len(a))
		for _, x := range a {
			s, _ := x.(string)
			out = append(out, s)
		}
		return out
	}
	for _, k := range []string{"text", "input"} {
		if s, ok := p[k].(string); ok {
			return []string{s}
		}
	}
	return []string{"sandbox speech"}
}

func newTextOutput(taskID, text string) *output {
	return &output{taskID: taskID, kind: novita.KindText, file: "output.txt", typ: "txt",
		gen: func() ([]byte, error) { return []byte(text), nil }}
}

func newImageOutput(taskID string, i, w, h int, typ string, seed uint64, cutout bool) *output {
	return &output{taskID: taskID, kind: novita.KindImage, file: fmt.Sprintf("image_%02d.%s", i+1, typ), typ: typ,
		gen: func() ([]byte, error) {
			img := media.Picture(w, h, seed, i)
			if cutout {
				img = media.Cutout(img)
			}
			return media.EncodeImage(img, typ)
		}}
}

func newVideoOutput(taskID string, w, h int, typ string, seed uint64) *output {
	gen := func() ([]byte, error) { return media.MP4(w, h, videoFrames, videoFPS, seed) }
	if typ == "gif" {
		gen = func() ([]byte, error) { return media.GIF(w, h, videoFrames, videoFPS, seed) }
	}
	return &output{taskID: taskID, kind: novita.KindVideo, file: "output." + typ, typ: typ, gen: gen}
}

func newAudioOutput(taskID string, i int, text, typ string, seed uint64) *output {
	gen := func() ([]byte, error) { return media.Speech(text, seed+uint64(i)), nil }
	switch typ {
	case "mp3":
		gen = func() ([]byte, error) { return media.SpeechMP3(text), nil }
	case "flac":
		gen = func() ([]byte, error) { return media.SpeechFLAC(text, seed+uint64(i)), nil }
	case "pcm":
		gen = func() ([]byte, error) { return media.SpeechPCM(text, seed+uint64(i)), nil }
	}
	return &output{taskID: taskID, kind: novita.KindAudio, file: fmt.Sprintf("speech_%02d.%s", i+1, typ), typ: typ,
		meta: &novita.AudioMetadata{Text: text, StartTime: 0, EndTime: media.SpeechSeconds(text)},
		gen:  gen}
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
	case "mp3":
		return "audio/mpeg"
	case "flac":
		return "audio/flac"
	case "pcm":
		return "audio/L16"
	case "webp":
		return "image/webp"
	case "txt":
		return "text/plain; charset=utf-8"
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

// bytes returns the whole content (without MP4 padding).
func (o *output) bytes() ([]byte, error) {
	o.once.Do(func() { o.data, o.err = o.gen() })
	if o.err != nil {
		return nil, fmt.Errorf("generate %s: %w", o.key(), o.err)
	}
	return o.data, nil
}

// fit scales a size down, keeping its aspect, so that neither side exceeds Options.MaxMediaSide as it
// was at submit (0 = no limit; never below 16 pixels).
func (t *task) fit(w, h int) (int, int) {
	long := max(w, h)
	if t.maxSide <= 0 || long <= t.maxSide {
		return w, h
	}
	return max(w*t.maxSide/long, 16), max(h*t.maxSide/long, 16)
}
