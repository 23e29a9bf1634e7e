package sandbox

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/gif" // inputs may be GIFs
	_ "image/jpeg"
	_ "image/png"
	"strconv"
	"strings"
	"sync"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/novita"
)

// endpoint is one simulated endpoint. Its rules are the catalog spec's, as the issue asks (one source):
// a catalog mistake is then caught by the catalog's own tests against novita-api.md, not by a second
// hand-written table that drifts. The spec is parsed on the first request to the endpoint.
type endpoint struct {
	name string
	path string
	kind string // novita.KindImage|KindVideo|KindAudio|KindText, from the spec's header
	sync bool
	cat  *catalog.Catalog

	once     sync.Once
	spec     catalog.Task
	taskType string // the confirmed task_type, else the catalog's stand-in
	err      error
}

// endpointTable lists every catalog endpoint by its request path.
func endpointTable() map[string]*endpoint {
	c, err := catalog.Load()
	if err != nil {
		return map[string]*endpoint{}
	}
	m := map[string]*endpoint{}
	for _, h := range c.Headers() {
		m[h.Path] = &endpoint{name: h.Name, path: h.Path, kind: h.Kind, sync: h.Mode == catalog.ModeSync, cat: c}
	}
	return m
}

// load parses the spec once.
func (e *endpoint) load() error {
	e.once.Do(func() {
		t, ok := e.cat.Lookup(e.name)
		if !ok {
			e.err = errInternal("sandbox: spec " + e.name + " does not parse")
			return
		}
		e.spec, e.taskType = t, t.SimulatedTaskType()
	})
	return e.err
}

type errInternal string

func (e errInternal) Error() string { return string(e) }

// params is the part of a body a task is "about" (prompt, size, seed): "request" for shape A, "input"
// and "parameters" together for shape C, the body itself otherwise.
func (e *endpoint) params(body map[string]any) map[string]any {
	switch e.spec.Shape {
	case catalog.ShapeA:
		p, _ := body["request"].(map[string]any)
		return p
	case catalog.ShapeC:
		p := map[string]any{}
		for _, k := range []string{"parameters", "input"} {
			if m, ok := body[k].(map[string]any); ok {
				for key, v := range m {
					p[key] = v
				}
			}
		}
		return p
	}
	return body
}

// maxSide caps generated outputs: real media stay cheap to make.
const maxSide = 4096

// size is the output's width and height: width/height, else size ("W*H", "WxH"), else resolution,
// else aspect_ratio, else the first input image (times scale_factor), each read from the request or,
// when absent, from the spec's default; else a default for the kind.
func (e *endpoint) size(p map[string]any) (int, int) {
	get := func(key string) (any, bool) {
		if v, ok := p[key]; ok && v != nil {
			return v, true
		}
		for _, prm := range e.spec.Params {
			if prm.Path == key || strings.HasSuffix(prm.Path, "."+key) {
				if prm.Default != nil {
					return prm.Default, true
				}
				if prm.APIDefault != nil {
					return prm.APIDefault, true
				}
			}
		}
		return nil, false
	}
	clamp := func(w, h int) (int, int) { return min(max(w, 16), maxSide), min(max(h, 16), maxSide) }
	w, wok := get("width")
	h, hok := get("height")
	if wi, ok1 := intOf(w); wok && hok && ok1 {
		if hi, ok2 := intOf(h); ok2 {
			return clamp(wi, hi)
		}
	}
	if v, ok := get("size"); ok {
		if s, _ := v.(string); s != "" {
			if ww, hh, ok := parseSize(s); ok {
				return clamp(ww, hh)
			}
		}
	}
	if v, ok := get("resolution"); ok {
		if ww, hh, ok := resolutionSize(v); ok {
			return ww, hh
		}
	}
	if v, ok := get("aspect_ratio"); ok {
		if ww, hh, ok := aspectSize(v); ok {
			return ww, hh
		}
	}
	if ww, hh, ok := e.inputSize(p); ok {
		scale := 1.0
		if v, ok := p["scale_factor"]; ok {
			if f, ok := floatOf(v); ok && f > 0 {
				scale = f
			}
		}
		return clamp(int(float64(ww)*scale), int(float64(hh)*scale))
	}
	if e.kind == novita.KindVideo {
		return 640, 360
	}
	return 512, 512
}

// inputSize is the size of the first base64 or data: URI image among the spec's file parameters.
func (e *endpoint) inputSize(p map[string]any) (int, int, bool) {
	for _, prm := range e.spec.Params {
		if prm.Type != catalog.ParamFile {
			continue
		}
		key := prm.Path[strings.LastIndex(prm.Path, ".")+1:]
		s, _ := p[key].(string)
		if _, payload, ok := strings.Cut(s, ";base64,"); ok && strings.HasPrefix(s, "data:") {
			s = payload
		}
		if s == "" || strings.HasPrefix(s, "http") {
			continue
		}
		if b, err := catalog.DecodeBase64(s); err == nil {
			if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil && cfg.Width > 0 && cfg.Height > 0 {
				return cfg.Width, cfg.Height, true
			}
		}
	}
	return 0, 0, false
}

func parseSize(s string) (int, int, bool) {
	a, b, ok := strings.Cut(strings.ToLower(s), "*")
	if !ok {
		a, b, ok = strings.Cut(strings.ToLower(s), "x")
	}
	w, err1 := strconv.Atoi(strings.TrimSpace(a))
	h, err2 := strconv.Atoi(strings.TrimSpace(b))
	return w, h, ok && err1 == nil && err2 == nil && w > 0 && h > 0
}

// resolutionSize maps the resolution names the specs use to 16:9 frame sizes.
func resolutionSize(v any) (int, int, bool) {
	s, _ := v.(string)
	switch strings.ToLower(s) {
	case "360p":
		return 640, 360, true
	case "480p":
		return 854, 480, true
	case "512p":
		return 912, 512, true
	case "540p":
		return 960, 540, true
	case "720p":
		return 1280, 720, true
	case "768p":
		return 1366, 768, true
	case "1080p":
		return 1920, 1080, true
	case "2k":
		return 2048, 1152, true
	case "4k", "8k":
		return 3840, 2160, true
	}
	return 0, 0, false
}

// aspectSize is a frame of the given ratio whose shorter side is 720.
func aspectSize(v any) (int, int, bool) {
	s, _ := v.(string)
	a, b, ok := strings.Cut(s, ":")
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || x <= 0 || y <= 0 {
		return 0, 0, false
	}
	if x >= y {
		return 720 * x / y, 720, true
	}
	return 720, 720 * y / x, true
}

// intParam reads an integer parameter, def when absent.
func intParam(p map[string]any, name string, def int) int {
	if n, ok := intOf(p[name]); ok {
		return n
	}
	return def
}

func intOf(v any) (int, bool) {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return int(i), true
		}
		if f, err := n.Float64(); err == nil {
			return int(f), true
		}
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	}
	return 0, false
}

func floatOf(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// transcribes reports a speech-to-text endpoint (an audio file in, text out): it answers a transcript,
// not the caption img2prompt answers.
func (e *endpoint) transcribes() bool {
	for _, p := range e.spec.Params {
		if p.Path == "file" && strings.Contains(strings.ToLower(p.Description), "audio") {
			return true
		}
	}
	return strings.Contains(e.name, "asr")
}
