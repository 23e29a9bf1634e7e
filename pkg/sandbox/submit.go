package sandbox

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/jsonpath"
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
	ep := s.postTo(w, r, false)
	if ep == nil {
		return
	}
	if s.inject(w, "submit", "") {
		return
	}
	t, msg := s.parseTask(ep, r)
	if msg != "" {
		s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", msg, nil)
		return
	}
	if s.documentedError(w) {
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

// parseTask decodes and validates a request body with the endpoint's spec; msg names the first bad field.
func (s *Server) parseTask(ep *endpoint, r *http.Request) (t *task, msg string) {
	if err := ep.load(); err != nil {
		return nil, err.Error()
	}
	var body map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil || body == nil {
		return nil, "body must be a JSON object"
	}
	switch ep.spec.Shape {
	case catalog.ShapeA:
		if _, ok := body["request"].(map[string]any); !ok {
			return nil, "request: is required and must be an object"
		}
	case catalog.ShapeC:
		if _, ok := body["input"].(map[string]any); !ok {
			return nil, "input: is required and must be an object"
		}
	}
	if v := ep.spec.Check(body); v != nil {
		return nil, apiMessage(v)
	}
	extra := map[string]any{}
	if e, ok := body["extra"]; ok && e != nil {
		if slices.Contains(s.options().RejectExtra, ep.name) {
			return nil, "extra: unknown field (this endpoint takes no extra; remove it)"
		}
		if extra, ok = e.(map[string]any); !ok {
			return nil, "extra: must be an object"
		}
	}
	params := ep.params(body)
	t = &task{id: newTaskID(), ep: ep, base: s.baseURL(r), units: 1, maxSide: s.options().MaxMediaSide}
	if msg := t.readOutputType(body); msg != "" {
		return nil, msg
	}
	if !ep.sync {
		if msg := t.readExtra(extra); msg != "" {
			return nil, msg
		}
		if msg := t.readCallback(body); msg != "" {
			return nil, msg
		}
	}
	t.prompt = promptOf(params)
	t.seed = s.seedOf(params)
	if strings.Contains(t.prompt, FailPromptMarker) {
		t.failReason = ReasonPromptFailure
	}
	t.planOutputs(params)
	return t, ""
}

// Output formats the sandbox can make, by kind; the first is its default.
func sandboxTypes(kind string) []string {
	switch kind {
	case novita.KindVideo:
		return []string{"mp4", "gif"}
	case novita.KindAudio:
		return []string{"wav", "mp3", "flac", "pcm"}
	case novita.KindText:
		return []string{"txt"}
	}
	return []string{"png", "jpeg", "jpg", "webp"}
}

// readOutputType reads the spec's output-format field (role output-type). A format the sandbox cannot
// make is refused when asked for explicitly; an API default it cannot make (mp3 speech) falls back to
// its own default, which the result then reports truthfully.
func (t *task) readOutputType(body map[string]any) string {
	supported := sandboxTypes(t.ep.kind)
	t.outType = supported[0]
	if r := t.ep.spec.Response; r != nil && oneOf(r.Outputs[0].DefaultType, supported...) {
		t.outType = r.Outputs[0].DefaultType // what the answer says it carries (seedream's JPEG links)
	}
	p, ok := t.ep.spec.OutputTypeParam()
	if !ok {
		return ""
	}
	v, given := jsonpath.Get(body, p.Path)
	if !given || v == nil {
		if d := p.DefaultText(); oneOf(d, supported...) {
			t.outType = d
		}
	} else {
		s, _ := v.(string)
		if !oneOf(s, supported...) {
			field := p.Path[strings.LastIndex(p.Path, ".")+1:]
			return fmt.Sprintf("%s: %s %s is not supported by the sandbox", p.Path, field, s)
		}
		t.outType = s
	}
	if t.outType == "jpg" {
		t.outType = "jpeg"
	}
	return ""
}

// readExtra reads the NSFW flag and webhook settings of an asynchronous task.
func (t *task) readExtra(extra map[string]any) string {
	t.nsfw, _ = extra["enable_nsfw_detection"].(bool)
	wh, ok := extra["webhook"]
	if !ok || wh == nil {
		return ""
	}
	m, ok := wh.(map[string]any)
	if !ok {
		return "extra.webhook: must be an object"
	}
	t.webhookRaw, _ = json.Marshal(m)
	u, _ := m["url"].(string)
	if !isHTTPURL(u) {
		return "extra.webhook.url: must be an http(s) URL"
	}
	t.webhookURL = u
	tm, ok := m["test_mode"].(map[string]any)
	if !ok {
		return ""
	}
	if enabled, _ := tm["enabled"].(bool); !enabled {
		return ""
	}
	st := novita.StatusSucceed
	if v, ok := tm["return_task_status"]; ok {
		if !oneOf(v, string(novita.StatusSucceed), string(novita.StatusFailed)) {
			return "extra.webhook.test_mode.return_task_status: must be one of " + string(novita.StatusSucceed) + ", " + string(novita.StatusFailed)
		}
		st = novita.Status(v.(string))
	}
	t.testMode, t.testStatus = true, st
	return ""
}

// readCallback reads a webhook URL from where the endpoint's spec puts it when that is not
// extra.webhook.url (the unified video API's callback_url).
func (t *task) readCallback(body map[string]any) string {
	path := t.ep.spec.WebhookPath()
	if path == catalog.DefaultWebhookPath {
		return ""
	}
	v, ok := jsonpath.Get(body, path)
	if !ok || v == nil {
		return ""
	}
	u, _ := v.(string)
	if !isHTTPURL(u) {
		return path + ": must be an http(s) URL"
	}
	t.webhookURL = u
	return ""
}

// promptOf is the text a task is "about": it seeds outputs and carries the [fail] marker.
func promptOf(p map[string]any) string {
	var parts []string
	for _, key := range []string{"prompt", "text", "input"} {
		if s, ok := p[key].(string); ok {
			parts = append(parts, s)
		}
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

// seedOf is the request's seed, or for -1 (or none) a random one, as Novita does; the result reports
// it (extra.seed), so the same outputs can be asked for again. With Options.Seed the draw comes from
// the knobs' RNG, so a test run stays reproducible; without, from a randomly seeded one: every fresh
// simulator (each --sandbox command) would otherwise repeat the last one's "random" seeds and files.
func (s *Server) seedOf(p map[string]any) int64 {
	if n, ok := p["seed"].(json.Number); ok {
		if i, err := n.Int64(); err == nil && i >= 0 {
			return i
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.raw.Seed == 0 {
		return int64(mrand.Uint32())
	}
	return int64(s.rng.Uint32())
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
