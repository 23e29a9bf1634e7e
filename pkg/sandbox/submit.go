package sandbox

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"

	"github.com/novita-cli/novita/pkg/novita"
)

// FailPromptMarker in a prompt makes the task fail, for deterministic tests of FAILED handling.
const FailPromptMarker = "[fail]"

// Failure reasons the sandbox reports.
const (
	ReasonPromptFailure = "sandbox: failure requested by prompt"
	ReasonRandomFailure = "sandbox: random failure (FailRate)"
	ReasonTestMode      = "sandbox: test mode failure"
)

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	ep := s.endpoints[r.PathValue("name")]
	if ep == nil {
		s.writeError(w, http.StatusNotFound, "API_NOT_FOUND", "no API at "+r.URL.Path, nil)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", r.Method+" is not allowed on "+r.URL.Path, nil)
		return
	}
	if s.inject(w, "submit") {
		return
	}
	t, msg := s.parseTask(ep, r)
	if msg != "" {
		s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", msg, nil)
		return
	}
	if !t.testMode && !s.admit(w, ep.name, t.units) {
		return
	}
	s.mu.Lock()
	t.submitted = s.opts.Now()
	t.duration = s.opts.TaskDuration
	if t.testMode {
		t.duration = 0 // a simulated event is "complete" at once
	}
	if t.failReason == "" && s.opts.FailRate > 0 && s.rng.Float64() < s.opts.FailRate {
		t.failReason = ReasonRandomFailure
	}
	for _, o := range t.outputs {
		s.files[o.key()] = o
	}
	if !t.testMode {
		s.tasks[t.id] = t
	}
	s.mu.Unlock()
	if t.webhookURL != "" {
		s.scheduleWebhook(t)
	}
	writeJSON(w, http.StatusOK, map[string]string{"task_id": t.id})
}

// parseTask decodes and validates a submit body; msg names the first bad field.
func (s *Server) parseTask(ep *endpoint, r *http.Request) (t *task, msg string) {
	var body map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil || body == nil {
		return nil, "body must be a JSON object"
	}
	params := body
	if ep.nested {
		p, ok := body["request"].(map[string]any)
		if !ok {
			return nil, "request: is required and must be an object"
		}
		params = p
	}
	if msg := validate(ep.prefix(), params, ep.rules); msg != "" {
		return nil, msg
	}
	extra := map[string]any{}
	if e, ok := body["extra"]; ok && e != nil {
		if extra, ok = e.(map[string]any); !ok {
			return nil, "extra: must be an object"
		}
	}
	t = &task{id: newTaskID(), ep: ep, base: s.baseURL(r), units: 1}
	if msg := t.readExtra(extra); msg != "" {
		return nil, msg
	}
	t.prompt = promptOf(params)
	t.seed = seedOf(params, ep.name+"\x00"+t.prompt)
	if strings.Contains(t.prompt, FailPromptMarker) {
		t.failReason = ReasonPromptFailure
	}
	t.planOutputs(params)
	return t, ""
}

// readExtra reads the output type, NSFW flag and webhook settings.
func (t *task) readExtra(extra map[string]any) string {
	t.nsfw, _ = extra["enable_nsfw_detection"].(bool)
	typeField, def, allowed := "response_image_type", "png", []string{"png", "jpeg", "jpg", "webp"}
	switch t.ep.kind {
	case novita.KindVideo:
		typeField, def, allowed = "response_video_type", "mp4", []string{"mp4", "gif"}
	case novita.KindAudio:
		typeField, def, allowed = "response_audio_type", "wav", []string{"wav", "mp3"}
	}
	t.outType = def
	if v, ok := extra[typeField]; ok && v != nil {
		if msg := oneOf(allowed...)("extra."+typeField, v); msg != "" {
			return msg
		}
		t.outType = v.(string)
	}
	if t.outType == "jpg" {
		t.outType = "jpeg"
	}
	if t.outType == "webp" || t.outType == "mp3" {
		return fmt.Sprintf("extra.%s: %s %s is not supported by the sandbox", typeField, typeField, t.outType)
	}
	wh, ok := extra["webhook"]
	if !ok || wh == nil {
		return ""
	}
	m, ok := wh.(map[string]any)
	if !ok {
		return "extra.webhook: must be an object"
	}
	t.webhookRaw, _ = json.Marshal(m)
	if msg := urlOrDataURI("extra.webhook.url", m["url"]); msg != "" || strings.HasPrefix(m["url"].(string), "data:") {
		return "extra.webhook.url: must be an http(s) URL"
	}
	t.webhookURL = m["url"].(string)
	tm, ok := m["test_mode"].(map[string]any)
	if !ok {
		return ""
	}
	if enabled, _ := tm["enabled"].(bool); !enabled {
		return ""
	}
	st := novita.StatusSucceed
	if v, ok := tm["return_task_status"]; ok {
		if msg := oneOf(string(novita.StatusSucceed), string(novita.StatusFailed))("extra.webhook.test_mode.return_task_status", v); msg != "" {
			return msg
		}
		st = novita.Status(v.(string))
	}
	t.testMode, t.testStatus = true, st
	return ""
}

// promptOf is the text a task is "about": it seeds outputs and carries the [fail] marker.
func promptOf(p map[string]any) string {
	var parts []string
	if s, ok := p["prompt"].(string); ok {
		parts = append(parts, s)
	}
	for _, key := range []string{"prompts", "texts"} {
		if a, ok := p[key].([]any); ok {
			for _, x := range a {
				switch v := x.(type) {
				case string:
					parts = append(parts, v)
				case map[string]any:
					if s, ok := v["prompt"].(string); ok {
						parts = append(parts, s)
					}
				}
			}
		}
	}
	return strings.Join(parts, "\n")
}

// seedOf is the request's seed, or (for -1 / absent) one derived from the prompt so outputs stay
// deterministic.
func seedOf(p map[string]any, key string) int64 {
	if n, ok := p["seed"].(json.Number); ok {
		if i, err := n.Int64(); err == nil && i >= 0 {
			return i
		}
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int64(h.Sum32())
}

func newTaskID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// baseURL is where output links point: PublicURL, else how this request reached us.
func (s *Server) baseURL(r *http.Request) string {
	if u := s.options().PublicURL; u != "" {
		return strings.TrimRight(u, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
