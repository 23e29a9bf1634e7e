package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/jsonpath"
	"github.com/novita-cli/novita/pkg/novita"
)

// handleSync answers a synchronous endpoint (POST /v3/<name>, /v3beta/<name>, the OpenAI-compatible
// /openai/v1/images/*, whose edits take a multipart form): the request is validated
// with the spec like a submit, the outputs are made at once and answered inline in the spec's response
// shape (base64 image_file, images[] links, hex audio, a raw audio body, text). Links point at
// /outputs/ like task results. A "[fail]" prompt answers 500 TASK_FAILED.
func (s *Server) handleSync(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	ep := s.postTo(w, r, true)
	if ep == nil {
		return
	}
	if s.inject(w, "submit", "") {
		return
	}
	body, t, msg := s.parseSync(ep, r)
	if msg != "" {
		s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", msg, nil)
		return
	}
	if s.documentedError(w) {
		return
	}
	minimax := strings.HasPrefix(ep.name, "minimax-")
	if code := s.options().BaseRespError; minimax && code != 0 {
		writeJSON(w, http.StatusOK, map[string]any{"trace_id": t.id,
			"base_resp": map[string]any{"status_code": code, "status_msg": "sandbox: injected MiniMax error"}})
		return
	}
	if !s.admit(w, ep.name, t.units) {
		return
	}
	if t.failReason != "" {
		s.writeError(w, http.StatusInternalServerError, "TASK_FAILED", t.failReason, nil)
		return
	}
	o := s.options()
	now := o.Now()
	s.mu.Lock()
	for _, out := range t.outputs {
		s.files[out.key()] = out
	}
	s.mu.Unlock()
	rule := answerRule(ep.spec, body)
	if rule.Encoding == "binary" {
		data, _, err := t.outputs[0].open(0)
		if err != nil {
			s.writeError(w, http.StatusInternalServerError, "INTERNAL_ERROR", err.Error(), nil)
			return
		}
		w.Header().Set("Content-Type", contentType(t.outputs[0].typ))
		http.ServeContent(w, r, "", now, data)
		return
	}
	answer := map[string]any{}
	if ep.spec.Response.TaskID != "" {
		_ = jsonpath.Set(answer, ep.spec.Response.TaskID, t.id)
	}
	asURL := rule.Encoding == "url" || body["output_format"] == "url" // MiniMax speech answers a link on request
	for i, out := range t.outputs {
		var value any
		if asURL {
			value = s.signURL(t.base, out, now, o.URLTTL)
		} else {
			data, err := out.bytes()
			if err != nil {
				s.writeError(w, http.StatusInternalServerError, "INTERNAL_ERROR", err.Error(), nil)
				return
			}
			switch rule.Encoding {
			case "hex":
				value = hex.EncodeToString(data)
			case "text":
				value = string(data)
			default:
				value = base64.StdEncoding.EncodeToString(data)
			}
		}
		_ = jsonpath.Set(answer, elementAt(rule.Field, i), value)
		if rule.TypeField != "" {
			_ = jsonpath.Set(answer, elementAt(rule.TypeField, i), out.typ)
		}
		if rule.TTLField != "" && asURL {
			_ = jsonpath.Set(answer, elementAt(rule.TTLField, i), int64(o.URLTTL.Seconds()))
		}
		if !strings.Contains(rule.Field, "[]") {
			break // a single-valued field holds one output
		}
	}
	if minimax { // MiniMax answers carry their own status (the 2.8 pages: trace_id, base_resp)
		answer["trace_id"] = t.id
		answer["base_resp"] = map[string]any{"status_code": 0, "status_msg": "success"}
	}
	writeJSON(w, http.StatusOK, answer)
}

// parseSync is parseTask for a synchronous endpoint, keeping the request body (response conditions
// read it).
func (s *Server) parseSync(ep *endpoint, r *http.Request) (map[string]any, *task, string) {
	raw, err := readBody(r)
	if err != nil {
		return nil, nil, "body must be a JSON object"
	}
	if novita.MultipartPath(ep.path) { // OpenAI image edits: a form, read as the object the spec checks
		if err := ep.load(); err != nil {
			return nil, nil, err.Error()
		}
		obj, msg := formObject(ep.spec, r.Header.Get("Content-Type"), raw)
		if msg != "" {
			return nil, nil, msg
		}
		if raw, err = json.Marshal(obj); err != nil {
			return nil, nil, err.Error()
		}
	}
	r.Body = raw.reader()
	t, msg := s.parseTask(ep, r)
	if msg != "" {
		return nil, nil, msg
	}
	body, _ := raw.object()
	return body, t, ""
}

// answerRule is the first response field whose condition holds for the request.
func answerRule(spec catalog.Task, body map[string]any) catalog.ResponseField {
	for _, f := range spec.Response.Outputs {
		if spec.CondHolds(body, f.When) {
			return f
		}
	}
	return spec.Response.Outputs[0]
}

// elementAt addresses element i of every "[]" in a response path.
func elementAt(path string, i int) string {
	return strings.ReplaceAll(path, "[]", fmt.Sprintf("[%d]", i))
}

// rawBody is a request body read once and decoded as often as needed.
type rawBody []byte

func readBody(r *http.Request) (rawBody, error) {
	return io.ReadAll(io.LimitReader(r.Body, maxBody+1))
}

func (b rawBody) reader() io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

func (b rawBody) object() (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	err := dec.Decode(&m)
	return m, err
}
