// Package provenance writes where an output came from (its task, model, prompt, seed and request) into
// the file itself, or beside it, and reads it back. Embedding adds metadata the format already has a
// place for (PNG iTXt, XMP in JPEG, WebP and MP4, a WAV LIST/INFO chunk, an MP3 ID3v2 TXXX frame)
// without decoding or re-encoding pixels or samples, and replaces the file atomically (temporary file,
// then rename), so the file under its final name is always whole.
package provenance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Modes of --metadata (config key metadata).
const (
	ModeNone    = "none"
	ModeEmbed   = "embed"
	ModeSidecar = "sidecar"
)

// Modes lists the accepted --metadata values.
func Modes() []string { return []string{ModeNone, ModeEmbed, ModeSidecar} }

// Key is the name the provenance is stored under (PNG iTXt keyword, ID3 TXXX description).
const Key = "novita"

// ParametersKey holds the plain-text summary image tools already read (A1111's "parameters").
const ParametersKey = "parameters"

// Record is the provenance of one output.
type Record struct {
	TaskID         string          `json:"task_id"`
	Task           string          `json:"task,omitempty"`
	Endpoint       string          `json:"endpoint,omitempty"`
	Model          string          `json:"model,omitempty"`
	Prompt         string          `json:"prompt,omitempty"`
	NegativePrompt string          `json:"negative_prompt,omitempty"`
	Seed           *int64          `json:"seed,omitempty"`
	Kind           string          `json:"kind,omitempty"`
	Index          int             `json:"index,omitempty"`
	Request        json.RawMessage `json:"request,omitempty"` // as journalled: large inputs elided
	CreatedAt      time.Time       `json:"created_at,omitzero"`
	Tool           string          `json:"tool,omitempty"` // novita-cli/VERSION
}

// ErrUnsupported is a file whose format has no place this package can write to.
var ErrUnsupported = errors.New("no known place for metadata in this format")

// Parameters is the record as one A1111-style text: the prompt, "Negative prompt: ...", then
// "Steps: 30, Seed: 42, Model: ..." (what many image tools parse).
func (r Record) Parameters() string {
	var b strings.Builder
	b.WriteString(r.Prompt)
	if r.NegativePrompt != "" {
		b.WriteString("\nNegative prompt: " + r.NegativePrompt)
	}
	var kv []string
	req := map[string]any{}
	_ = json.Unmarshal(r.Request, &req)
	if in, ok := req["request"].(map[string]any); ok {
		req = in
	}
	add := func(name string, v any) {
		if v != nil && v != "" {
			kv = append(kv, name+": "+fmt.Sprint(v))
		}
	}
	add("Steps", num(req["steps"]))
	add("Sampler", req["sampler_name"])
	add("CFG scale", num(req["guidance_scale"]))
	if r.Seed != nil {
		add("Seed", strconv.FormatInt(*r.Seed, 10))
	}
	if w, h := num(req["width"]), num(req["height"]); w != nil && h != nil {
		add("Size", fmt.Sprintf("%vx%v", w, h))
	}
	add("Model", r.Model)
	add("Task", r.Task)
	add("Task id", r.TaskID)
	add("Generator", r.Tool)
	if len(kv) > 0 {
		b.WriteString("\n" + strings.Join(kv, ", "))
	}
	return b.String()
}

func num(v any) any {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return nil
}

func (r Record) json() ([]byte, error) { return json.Marshal(r) }

// parse reads a record; one without a task id is not ours.
func parse(b []byte) (Record, bool) {
	var r Record
	if json.Unmarshal(bytes.TrimSpace(b), &r) != nil || r.TaskID == "" {
		return Record{}, false
	}
	return r, true
}

// SidecarPath is where sidecar mode writes: <file>.json.
func SidecarPath(path string) string { return path + ".json" }

// WriteSidecar writes the record as indented JSON to <path>.json, atomically.
func WriteSidecar(path string, r Record) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return replaceWith(SidecarPath(path), 0o644, func(_ *os.File, _ int64, w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}, false)
}

// Embed writes the record into the file at path, replacing an earlier record of ours. A format it
// cannot write to returns ErrUnsupported and leaves the file as it was.
func Embed(path string, r Record) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	f.Close()
	fm := detect(head[:n])
	if fm == nil {
		return ErrUnsupported
	}
	data, err := r.json()
	if err != nil {
		return err
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return replaceWith(path, info.Mode().Perm(), func(src *os.File, size int64, w io.Writer) error {
		return fm.embed(src, size, w, data, r.Parameters())
	}, true)
}

// Read finds the provenance of a file: embedded in it, else in its sidecar. ok is false when
// there is none.
func Read(path string) (Record, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return Record{}, false, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Record{}, false, err
	}
	if r, ok := readEmbedded(f, info.Size()); ok {
		return r, true, nil
	}
	if b, err := os.ReadFile(SidecarPath(path)); err == nil {
		if r, ok := parse(b); ok {
			return r, true, nil
		}
	}
	return Record{}, false, nil
}

// ReadBytes finds the provenance embedded in a file's bytes (a file dropped on the inspector).
func ReadBytes(b []byte) (Record, bool) {
	return readEmbedded(bytes.NewReader(b), int64(len(b)))
}

func readEmbedded(src io.ReaderAt, size int64) (Record, bool) {
	head := make([]byte, 16)
	n, _ := src.ReadAt(head, 0)
	if fm := detect(head[:n]); fm != nil {
		if b, err := fm.read(src, size); err == nil && b != nil {
			return parse(b)
		}
	}
	return Record{}, false
}

// RequestFields reads the model and negative prompt of a request, whichever shape it has (fields at
// the top, under "request" or under "input").
func RequestFields(req json.RawMessage) (model, negative string) {
	var v map[string]any
	if json.Unmarshal(req, &v) != nil {
		return "", ""
	}
	sub := func(k string) map[string]any { m, _ := v[k].(map[string]any); return m }
	for _, m := range []map[string]any{v, sub("request"), sub("input")} {
		for _, k := range []string{"model_name", "model"} {
			if s, ok := m[k].(string); ok && model == "" {
				model = s
			}
		}
		if s, ok := m["negative_prompt"].(string); ok && negative == "" {
			negative = s
		}
	}
	return model, negative
}

// format is one kind of file this package can write to.
type format struct {
	name string
	// embed writes the file from src (size bytes) to w with the record added.
	embed func(src *os.File, size int64, w io.Writer, record []byte, params string) error
	// read returns the record's JSON, nil when the file has none.
	read func(src io.ReaderAt, size int64) ([]byte, error)
}

func detect(h []byte) *format {
	switch {
	case bytes.HasPrefix(h, []byte("\x89PNG\r\n\x1a\n")):
		return &format{"PNG", embedPNG, readPNG}
	case bytes.HasPrefix(h, []byte{0xFF, 0xD8, 0xFF}):
		return &format{"JPEG", embedJPEG, readJPEG}
	case len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WEBP":
		return &format{"WebP", embedWebP, readWebP}
	case len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WAVE":
		return &format{"WAV", embedWAV, readWAV}
	case len(h) >= 8 && string(h[4:8]) == "ftyp":
		return &format{"MP4", embedMP4, readMP4}
	case bytes.HasPrefix(h, []byte("ID3")) || len(h) >= 2 && h[0] == 0xFF && h[1]&0xE0 == 0xE0:
		return &format{"MP3", embedMP3, readMP3}
	}
	return nil
}
