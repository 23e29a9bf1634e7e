package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/gif"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/jsonpath"
	"github.com/novita-cli/novita/pkg/novita"
)

// specBody is what `novita submit <task>` sends with the minimum input (pkg/body's MinimalInput: the
// spec defaults, followed defaults and a plain value for every required field), the input image a
// 64x48 PNG.
func specBody(t *testing.T, task catalog.Task) map[string]any {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(pngBase64(t, 64, 48))
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "in.png")
	if err := os.WriteFile(img, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := body.Build(context.Background(), task, body.MinimalInput(task, img))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkFile asserts the bytes are a real file of that type.
func checkFile(t *testing.T, typ string, b []byte) {
	t.Helper()
	switch typ {
	case "png", "jpeg":
		if _, format, err := image.Decode(bytes.NewReader(b)); err != nil || format != typ {
			t.Errorf("not a %s image: %v (%s)", typ, err, format)
		}
	case "gif":
		if g, err := gif.DecodeAll(bytes.NewReader(b)); err != nil || len(g.Image) < 2 {
			t.Errorf("not an animated GIF: %v", err)
		}
	case "mp4":
		boxes := strings.Join(topBoxes(t, b), " ")
		if !strings.HasPrefix(boxes, "ftyp") || !strings.Contains(boxes, "moov") || !strings.Contains(boxes, "mdat") {
			t.Errorf("not an MP4: boxes %s", boxes)
		}
	case "mp3":
		if len(b) < 4 || b[0] != 0xff || b[1]&0xe0 != 0xe0 {
			t.Errorf("not MPEG audio: % x", b[:min(len(b), 4)])
		}
	case "flac":
		if !bytes.HasPrefix(b, []byte("fLaC")) {
			t.Errorf("not FLAC: %q", b[:min(len(b), 4)])
		}
	case "pcm":
		if len(b) == 0 || len(b)%2 != 0 {
			t.Errorf("not 16-bit PCM: %d bytes", len(b))
		}
	case "wav":
		if len(b) < 44 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
			t.Errorf("not a WAV: %q", b[:min(len(b), 12)])
		}
	case "txt":
		if len(b) == 0 {
			t.Error("empty text")
		}
	default:
		t.Errorf("unexpected type %q", typ)
	}
}

// Every catalog endpoint is accepted with its defaults and answers its spec's output kind with real
// files: asynchronous ones through task-result, synchronous ones inline.
func TestEveryCatalogEndpointRunsWithItsDefaults(t *testing.T) {
	t.Parallel()
	s := start(t, Options{MaxMediaSide: 64}) // files must decode; their size is TestMaxMediaSide's business
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	tasks := c.All()
	if len(tasks) < 70 {
		t.Fatalf("only %d tasks", len(tasks))
	}
	for _, task := range tasks {
		t.Run(task.Name, func(t *testing.T) {
			t.Parallel()
			body := specBody(t, task)
			raw, _ := json.Marshal(body)
			sent, contentType := raw, "application/json"
			if novita.MultipartPath(task.Path) { // sent as the client sends it
				var err error
				if sent, contentType, err = novita.FormBody(raw); err != nil {
					t.Fatal(err)
				}
			}
			r := callType(t, http.MethodPost, s.URL()+task.Path, bearer(s), sent, contentType)
			if r.status != http.StatusOK {
				t.Fatalf("POST %s %s: %d %s", task.Path, raw, r.status, r.body)
			}
			var outs []novita.Output
			if task.Sync() {
				ans, err := task.DecodeSync(r.body, body)
				if err != nil {
					t.Fatalf("decode %s: %v", r.body, err)
				}
				outs = ans.Outputs
			} else {
				var sub struct {
					TaskID string `json:"task_id"`
				}
				_ = json.Unmarshal(r.body, &sub)
				res := waitFinal(t, s, sub.TaskID)
				if res.Task.Status != novita.StatusSucceed || res.Task.TaskType != task.SimulatedTaskType() {
					t.Fatalf("task %+v", res.Task)
				}
				outs = res.Outputs()
			}
			if len(outs) == 0 {
				t.Fatal("no outputs")
			}
			for _, o := range outs {
				if o.Kind != task.OutputKind {
					t.Errorf("output kind %s, want %s", o.Kind, task.OutputKind)
				}
				data, typ := o.Data, o.Type
				if o.URL != "" {
					d := download(t, o.URL)
					if d.status != 200 {
						t.Fatalf("download %s: %d", o.URL, d.status)
					}
					data = d.body
				}
				if typ == "" || strings.Contains(typ, "/") { // sniffed or unstated: ask the content
					typ = map[string]string{"image/png": "png", "image/jpeg": "jpeg", "audio/wave": "wav"}[strings.Split(httpType(data), ";")[0]]
				}
				checkFile(t, typ, data)
			}
		})
	}
}

func httpType(b []byte) string { return http.DetectContentType(b) }

// A body that breaks its spec is refused naming the field, on every kind of endpoint.
func TestBrokenBodiesAreRefused(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	for _, name := range []string{"txt2img", "txt2video", "wan-2.2-t2v", "flux-1-kontext-pro", "remove-background", "flux-1-schnell"} {
		task, _ := catalog.Lookup(name)
		body := specBody(t, task)
		// drop the first required field
		var field string
		for _, p := range task.Params {
			if p.Required && !strings.Contains(p.Path, "[]") {
				field = p.Path
				break
			}
		}
		parent, key := "", field
		if i := strings.LastIndex(field, "."); i >= 0 {
			parent, key = field[:i], field[i+1:]
		}
		m := body
		if parent != "" {
			v, _ := jsonpath.Get(body, parent)
			m = v.(map[string]any)
		}
		delete(m, key)
		raw, _ := json.Marshal(body)
		r := call(t, http.MethodPost, s.URL()+task.Path, bearer(s), raw)
		if r.status != 400 || r.apiError(t).Message != field+": is required" {
			t.Errorf("%s without %s: %d %s", name, field, r.status, r.body)
		}
	}
}

// Synchronous endpoints answer inline in their documented shapes, and only at their own path.
func TestSyncEndpointsAnswerInline(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	png := pngBase64(t, 80, 60)
	post := func(path, body string) resp {
		t.Helper()
		return call(t, http.MethodPost, s.URL()+path, bearer(s), []byte(body))
	}
	r := post("/v3/remove-background", `{"image_file":"`+png+`","extra":{"response_image_type":"jpeg"}}`)
	var rb struct {
		ImageFile string `json:"image_file"`
		ImageType string `json:"image_type"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &rb) != nil || rb.ImageType != "jpeg" {
		t.Fatalf("remove-background: %d %.200s", r.status, r.body)
	}
	img, err := catalog.DecodeBase64(rb.ImageFile)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(img)); err != nil || format != "jpeg" || cfg.Width != 80 || cfg.Height != 60 {
		t.Errorf("image_file: %v %s %dx%d", err, format, cfg.Width, cfg.Height)
	}
	// never under /v3/async/, as on Novita; and an async endpoint has no sync path
	if r := post("/v3/async/remove-background", `{"image_file":"`+png+`"}`); r.status != 404 || r.apiError(t).Reason != "API_NOT_FOUND" {
		t.Errorf("sync under async: %d %s", r.status, r.body)
	}
	if r := post("/v3/txt2img", txt2img("x", "", 128, 128, 1)); r.status != 404 {
		t.Errorf("async under sync: %d", r.status)
	}
	r = post("/v3beta/flux-1-schnell", `{"prompt":"x","seed":1,"steps":4,"width":96,"height":64,"image_num":2}`)
	var fx struct {
		Task struct {
			TaskID string `json:"task_id"`
		}
		Images []struct {
			ImageURL    string `json:"image_url"`
			ImageURLTTL int64  `json:"image_url_ttl"`
			ImageType   string `json:"image_type"`
		}
	}
	if r.status != 200 || json.Unmarshal(r.body, &fx) != nil || fx.Task.TaskID == "" || len(fx.Images) != 2 || fx.Images[1].ImageURLTTL != 3600 {
		t.Fatalf("flux-1-schnell: %d %s", r.status, r.body)
	}
	if d := download(t, fx.Images[1].ImageURL); d.status != 200 {
		t.Errorf("flux image: %d", d.status)
	}
	// MiniMax speech: voice_setting is required (the page); the audio comes as data.audio (newer pages)
	// or audio, in hex, or as a link with output_format url.
	voice := `,"voice_setting":{"voice_id":"Wise_Woman"}`
	r = post("/v3/minimax-speech-02-hd", `{"text":"Hello there."`+voice+`}`)
	var sp struct {
		Audio string
		Data  struct {
			Audio string
		}
		ExtraInfo struct {
			AudioFormat string `json:"audio_format"`
		} `json:"extra_info"`
	}
	audio := func() string { return sp.Data.Audio + sp.Audio }
	if r.status != 200 || json.Unmarshal(r.body, &sp) != nil || sp.ExtraInfo.AudioFormat != "mp3" || audio() == "" || strings.HasPrefix(audio(), "http") {
		t.Fatalf("speech (MiniMax defaults to mp3): %d %.200s", r.status, r.body)
	}
	if b, err := hex.DecodeString(audio()); err != nil || len(b) < 4 || b[0] != 0xff || b[1] != 0xfb {
		t.Errorf("speech: not MPEG-1 Layer III frames: %v % x", err, b[:min(4, len(b))])
	}
	sp.Audio, sp.Data.Audio = "", ""
	r = post("/v3/minimax-speech-02-hd", `{"text":"Hello there.","output_format":"url"`+voice+`}`)
	if json.Unmarshal(r.body, &sp) != nil || !strings.HasPrefix(audio(), "http") || download(t, audio()).status != 200 {
		t.Errorf("speech url: %s", r.body)
	}
	for format, magic := range map[string]string{"wav": "RIFF", "flac": "fLaC", "mp3": "\xff\xfb"} {
		sp.Audio, sp.Data.Audio = "", ""
		r := post("/v3/minimax-speech-02-hd", `{"text":"x","audio_setting":{"format":"`+format+`"}`+voice+`}`)
		if r.status != 200 || json.Unmarshal(r.body, &sp) != nil || sp.ExtraInfo.AudioFormat != format {
			t.Errorf("%s asked: %d %.200s", format, r.status, r.body)
		} else if b, _ := hex.DecodeString(audio()); !strings.HasPrefix(string(b), magic) {
			t.Errorf("%s asked: starts % x", format, b[:min(4, len(b))])
		}
	}
	// opus is not among the page's formats (mp3, pcm, flac, wav): refused like the API would
	if r := post("/v3/minimax-speech-02-hd", `{"text":"x","audio_setting":{"format":"opus"}`+voice+`}`); r.status != 400 ||
		!strings.Contains(r.apiError(t).Message, "audio_setting.format") {
		t.Errorf("opus asked: %d %s", r.status, r.body)
	}
	// speech to text answers a transcript, not a picture's caption
	r = post("/v3/glm-asr", `{"file":"data:audio/wav;base64,UklGRg=="}`)
	var asr struct{ Text string }
	if r.status != 200 || json.Unmarshal(r.body, &asr) != nil || !strings.Contains(asr.Text, "transcript") || strings.Contains(asr.Text, "picture") {
		t.Errorf("glm-asr: %d %s", r.status, r.body)
	}
	// remove-background answers a PNG whose background is transparent
	r = post("/v3/remove-background", `{"image_file":"`+png+`"}`)
	if json.Unmarshal(r.body, &rb) != nil || rb.ImageType != "png" {
		t.Fatalf("remove-background png: %d %.200s", r.status, r.body)
	}
	cut, _ := catalog.DecodeBase64(rb.ImageFile)
	if im, err := pngDecode(cut); err != nil {
		t.Errorf("remove-background png: %v", err)
	} else if _, _, _, a := im.At(0, 0).RGBA(); a != 0 {
		t.Errorf("remove-background: the corner is not transparent (alpha %d)", a)
	} else if _, _, _, a := im.At(40, 30).RGBA(); a != 0xffff {
		t.Errorf("remove-background: the subject is not opaque (alpha %d)", a)
	}
	if r := post("/v3/glm-tts", `{"input":"Hello.","voice":"tongtong","response_format":"wav"}`); r.status != 200 || string(r.body[:4]) != "RIFF" ||
		r.header.Get("Content-Type") != "audio/wav" {
		t.Errorf("glm-tts wav: %d %q", r.status, r.body[:min(12, len(r.body))])
	}
	// the page's default format is raw PCM
	if r := post("/v3/glm-tts", `{"input":"Hello.","voice":"tongtong"}`); r.status != 200 || len(r.body)%2 != 0 ||
		r.header.Get("Content-Type") != "audio/L16" {
		t.Errorf("glm-tts pcm: %d %s %d bytes", r.status, r.header.Get("Content-Type"), len(r.body))
	}
	// Fish Audio (documented under /v4beta/) answers MP3 frames by default
	if r := post("/v4beta/txt2speech", `{"text":"Hello."}`); r.status != 200 || len(r.body) < 4 || r.body[0] != 0xff ||
		r.header.Get("Content-Type") != "audio/mpeg" {
		t.Errorf("fish audio: %d %s % x", r.status, r.header.Get("Content-Type"), r.body[:min(4, len(r.body))])
	}
	if r := post("/v3/remove-background", `{"image_file":"`+png+`","note":"unknown fields are ignored"}`); r.status != 200 {
		t.Errorf("unknown field refused: %d", r.status)
	}
	if r := post("/v3/replace-background", `{"image_file":"`+png+`","prompt":"sea [fail]"}`); r.status != 500 || r.apiError(t).Reason != "TASK_FAILED" {
		t.Errorf("[fail]: %d %s", r.status, r.body)
	}
}

func pngDecode(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }

// Text answers fit their endpoint: lyrics from the lyrics writer, a voice model id from voice cloning,
// never the picture caption img2prompt answers.
func TestTextAnswersFitTheirEndpoint(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	post := func(path, body string) resp {
		t.Helper()
		return call(t, http.MethodPost, s.URL()+path, bearer(s), []byte(body))
	}
	r := post("/v3/minimax-music-lyrics", `{"mode":"write_full_song","prompt":"a paper boat"}`)
	var ly struct{ Lyrics string }
	if r.status != 200 || json.Unmarshal(r.body, &ly) != nil || !strings.Contains(ly.Lyrics, "[Verse]") || strings.Contains(ly.Lyrics, "picture") {
		t.Errorf("minimax-music-lyrics: %d %.300s", r.status, r.body)
	}
	wav := "data:audio/wav;base64,UklGRg=="
	r = post("/v4beta/model", `{"title":"me","type":"tts","train_mode":"fast","visibility":"private","voices":["`+wav+`"]}`)
	var vm struct {
		ID string `json:"_id"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &vm) != nil || vm.ID == "" || strings.ContainsAny(vm.ID, " ,") {
		t.Errorf("fish-audio-voice-cloning: _id should be a model id: %d %.300s", r.status, r.body)
	}
}

// TestMaxMediaSide: the cap scales a large request down with its aspect kept, and the file still
// decodes; without it the sandbox makes the size asked for.
func TestMaxMediaSide(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		limit, wantW, wantH int
	}{{256, 256, 128}, {0, 1024, 512}} {
		s := start(t, Options{MaxMediaSide: c.limit})
		id := mustSubmit(t, s, "txt2img", txt2img("wide", "", 1024, 512, 1))
		res := waitFinal(t, s, id)
		d := download(t, res.Outputs()[0].URL)
		cfg, _, err := image.DecodeConfig(bytes.NewReader(d.body))
		if err != nil || cfg.Width != c.wantW || cfg.Height != c.wantH {
			t.Errorf("MaxMediaSide %d: %dx%d (%v), want %dx%d", c.limit, cfg.Width, cfg.Height, err, c.wantW, c.wantH)
		}
	}
}
