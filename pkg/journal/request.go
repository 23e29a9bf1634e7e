package journal

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/jsonpath"
)

// ElideThreshold is the length above which a request string holding base64 data or a data: URI is
// not kept: the input file is the user's, and a journal of them would grow by megabytes per task.
const ElideThreshold = 1024

// elidedKey marks the object that stands in a stored request where an input was not kept.
const elidedKey = "$novita_elided"

// Elided says what stood at Path in a request before it was stored without it.
type Elided struct {
	Path   string `json:"path"`             // dot path from the body root, as --set takes it ("request.image_base64", "images.0")
	SHA256 string `json:"sha256"`           // hex, of the decoded bytes (the input file's content) or, when it did not decode, of the string
	Bytes  int64  `json:"bytes"`            // size of what SHA256 hashes
	Prefix string `json:"prefix,omitempty"` // a data: URI's "data:<type>;base64," part, to rebuild it from the file
}

// ElideRequest returns the form of a JSON request body the journal stores: every string longer than
// ElideThreshold that is base64 data or a data: URI replaced by {"$novita_elided": Elided}. A body with
// nothing to elide is kept as sent (compacted); otherwise object keys come out sorted.
func ElideRequest(body []byte) (stored []byte, elided []Elided, err error) {
	return elideRequest(body, ElideThreshold)
}

func elideRequest(body []byte, threshold int) ([]byte, []Elided, error) {
	v, err := decodeJSON(body)
	if err != nil {
		return nil, nil, fmt.Errorf("the request is not JSON: %w", err)
	}
	var elided []Elided
	v = elideValue(v, "", threshold, &elided)
	if len(elided) == 0 {
		var buf bytes.Buffer
		if err := json.Compact(&buf, body); err != nil {
			return nil, nil, err
		}
		return buf.Bytes(), nil, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), elided, nil
}

// ElidedPaths lists, in path order, the inputs a stored request (from ElideRequest) does not hold, so
// a rerun can say "request.image_base64 was not kept: pass --image FILE again".
func ElidedPaths(stored []byte) ([]Elided, error) {
	if len(bytes.TrimSpace(stored)) == 0 {
		return nil, nil
	}
	v, err := decodeJSON(stored)
	if err != nil {
		return nil, fmt.Errorf("the stored request is not JSON: %w", err)
	}
	var out []Elided
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			if m, ok := t[elidedKey]; ok && len(t) == 1 {
				b, _ := json.Marshal(m)
				var e Elided
				if json.Unmarshal(b, &e) == nil {
					out = append(out, e)
				}
				return
			}
			for _, x := range t {
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(v)
	sort.Slice(out, func(a, b int) bool { return out[a].Path < out[b].Path })
	return out, nil
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // a seed of 2^53+1 must survive
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

func elideValue(v any, path string, threshold int, out *[]Elided) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = elideValue(x, jsonpath.Join(path, k), threshold, out)
		}
	case []any:
		for i, x := range t {
			t[i] = elideValue(x, jsonpath.Join(path, strconv.Itoa(i)), threshold, out)
		}
	case string:
		if len(t) > threshold {
			if e, ok := elision(t); ok {
				e.Path = path
				*out = append(*out, e)
				return map[string]any{elidedKey: e}
			}
		}
	}
	return v
}

// elision recognises an input payload: a data: URI, or a string of base64 that decodes.
func elision(s string) (Elided, bool) {
	if strings.HasPrefix(s, "data:") {
		e := Elided{}
		payload := s
		if i := strings.Index(s, ";base64,"); i >= 0 {
			if data, err := decodeBase64(s[i+len(";base64,"):]); err == nil {
				e.Prefix, payload = s[:i+len(";base64,")], ""
				return withHash(e, data), true
			}
		}
		return withHash(e, []byte(payload)), true
	}
	data, err := decodeBase64(s)
	if err != nil {
		return Elided{}, false
	}
	return withHash(Elided{}, data), true
}

func withHash(e Elided, data []byte) Elided {
	sum := sha256.Sum256(data)
	e.SHA256, e.Bytes = hex.EncodeToString(sum[:]), int64(len(data))
	return e
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimRight(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s), "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// promptPaths are where the catalog's request shapes hold the text a user would search for.
func promptPaths() []string {
	return []string{"request.prompt", "prompt", "request.prompts.0.prompt", "prompts.0.prompt",
		"request.input.prompt", "input.prompt", "request.texts", "texts", "request.text", "text", "input"}
}

// requestPrompt is the prompt of a JSON request body, for search: the first of request.prompt, prompt,
// prompts[0].prompt, input.prompt, texts (joined with spaces), text, input (a string, as glm-tts
// has it); "" when there is none.
func requestPrompt(body []byte) string {
	v, err := decodeJSON(body)
	if err != nil {
		return ""
	}
	return promptOf(v)
}

func promptOf(v any) string {
	for _, p := range promptPaths() {
		switch t := valueAt(v, p).(type) {
		case string:
			if t != "" {
				return t
			}
		case []any:
			var parts []string
			for _, x := range t {
				if s, ok := x.(string); ok && s != "" {
					parts = append(parts, s)
				}
			}
			if len(parts) > 0 {
				return strings.Join(parts, " ")
			}
		}
	}
	return ""
}

// modelOf is the model a request names (model_name or model, at the top, under request or input).
func modelOf(v any) string {
	for _, p := range []string{"request.model_name", "model_name", "input.model_name", "model", "request.model", "input.model"} {
		if s, ok := valueAt(v, p).(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// RequestSeed is the seed a JSON request body asks for (request.seed, seed or parameters.seed; a
// number or a numeric string), and whether it has one.
func RequestSeed(body []byte) (int64, bool) {
	v, err := decodeJSON(body)
	if err != nil {
		return 0, false
	}
	return seedOf(v)
}

func seedOf(v any) (int64, bool) {
	for _, p := range []string{"request.seed", "seed", "parameters.seed"} {
		var s string
		switch t := valueAt(v, p).(type) {
		case json.Number:
			s = t.String()
		case string:
			s = strings.TrimSpace(t)
		default:
			continue
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int64(f), true
		}
	}
	return 0, false
}

// valueAt is the value at a dot path, nil when there is none.
func valueAt(v any, path string) any {
	x, _ := jsonpath.Get(v, path)
	return x
}
