package catalog

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/novita-cli/novita/pkg/jsonpath"
	"github.com/novita-cli/novita/pkg/novita"
)

// SyncAnswer is a synchronous endpoint's answer turned into outputs.
type SyncAnswer struct {
	TaskID  string          // when the answer carries one (flux-1-schnell), else ""
	Outputs []novita.Output // inline bytes in Data, or a URL to download
}

// DecodeSync reads a synchronous answer with the spec's response shape; req is the request body sent
// (some fields say where outputs come back, e.g. seedream's response_format). A JSON answer with none of
// the documented fields is an error naming the fields it has; a non-JSON answer is taken as the file
// itself where the spec allows it (binary).
func (t Task) DecodeSync(raw []byte, req map[string]any) (*SyncAnswer, error) {
	if t.Response == nil {
		return nil, fmt.Errorf("%s: not a synchronous endpoint", t.Name)
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		for _, f := range t.Response.Outputs {
			if f.Encoding == responseEncodingBytes && len(raw) > 0 {
				typ, _, _ := strings.Cut(http.DetectContentType(raw), ";")
				if typ == "application/octet-stream" || typ == "text/plain" { // MP3 frames, PCM, Opus: not sniffable
					if chosen := t.binaryType(req, f); chosen != "" {
						typ = chosen
					}
				}
				return &SyncAnswer{Outputs: []novita.Output{{Kind: t.kindOf(f), Index: 1, Type: typ, Data: raw}}}, nil
			}
		}
		return nil, fmt.Errorf("%s: the answer is not JSON (%d bytes)", t.Name, len(raw))
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: the answer is not a JSON object: %w", t.Name, err)
	}
	ans := &SyncAnswer{}
	if t.Response.TaskID != "" {
		if id, ok := jsonpath.Get(doc, t.Response.TaskID); ok {
			ans.TaskID, _ = id.(string)
		}
	}
	counts := map[string]int{}
	for _, f := range t.Response.Outputs {
		if f.Encoding == responseEncodingBytes || !t.CondHolds(req, f.When) {
			continue
		}
		outs, err := t.decodeField(doc, req, f, counts)
		if err != nil {
			return nil, err
		}
		ans.Outputs = append(ans.Outputs, outs...)
	}
	if len(ans.Outputs) == 0 {
		keys := make([]string, 0, len(doc))
		for k := range doc {
			keys = append(keys, fmt.Sprintf("%q", k))
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("%s: the answer holds no outputs (fields: %s)", t.Name, strings.Join(keys, ", "))
	}
	return ans, nil
}

func (t Task) kindOf(f ResponseField) string {
	if f.Kind != "" {
		return f.Kind
	}
	return t.OutputKind
}

// decodeField collects the outputs one response field holds (one per array element for "[]" fields).
func (t Task) decodeField(doc, req map[string]any, f ResponseField, counts map[string]int) ([]novita.Output, error) {
	kind := t.kindOf(f)
	types := valuesAt(doc, f.TypeField)
	ttls := valuesAt(doc, f.TTLField)
	var out []novita.Output
	for i, v := range valuesAt(doc, f.Field) {
		s, ok := v.(string)
		if !ok || s == "" {
			continue
		}
		o := novita.Output{Kind: kind, Type: t.outputType(req, f, types, i)}
		switch {
		case f.Encoding == responseEncodingText:
			o.Data, o.Type = []byte(s), "txt"
		case isURL(s):
			o.URL = s
		case f.Encoding == EncodingBase64:
			b, err := DecodeBase64(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %s is not valid base64", t.Name, f.Field)
			}
			o.Data = b
		case f.Encoding == responseEncodingHex:
			b, err := hex.DecodeString(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("%s: %s is not valid hex", t.Name, f.Field)
			}
			o.Data = b
		default:
			return nil, fmt.Errorf("%s: %s is not a URL", t.Name, f.Field)
		}
		if i < len(ttls) {
			if n, ok := number(ttls[i]); ok {
				o.TTL = int64(n)
			} else if s, ok := ttls[i].(string); ok {
				var ttl novita.FlexInt
				if json.Unmarshal([]byte(s), &ttl) == nil {
					o.TTL = int64(ttl)
				}
			}
		}
		counts[kind]++
		o.Index = counts[kind]
		out = append(out, o)
	}
	return out, nil
}

// binaryType is the format a binary answer carries when its bytes do not say: the request's output-type
// field (format, response_format), else that field's default (Fish Audio's mp3), else the spec's.
func (t Task) binaryType(req map[string]any, f ResponseField) string {
	if typ := t.outputType(req, f, nil, 0); typ != "" {
		return typ
	}
	if p, ok := t.OutputTypeParam(); ok {
		if v, ok := t.valueOrDefault(req, p.Path); ok {
			if s, ok := text(v); ok {
				return s
			}
		}
	}
	return ""
}

// outputType is the answer's type field for element i, else the request's choice, else the default.
func (t Task) outputType(req map[string]any, f ResponseField, types []any, i int) string {
	if i < len(types) {
		if s, ok := types[i].(string); ok && s != "" {
			return s
		}
	} else if len(types) == 1 {
		if s, ok := types[0].(string); ok && s != "" {
			return s
		}
	}
	if f.TypeParam != "" {
		if v, ok := t.valueOrDefault(req, f.TypeParam); ok {
			if s, ok := text(v); ok && s != "" {
				return s
			}
		}
	}
	return f.DefaultType
}

// valuesAt returns the values a response path names ("a.b", "images[].image_url", "image_urls[]").
func valuesAt(doc map[string]any, path string) []any {
	if path == "" {
		return nil
	}
	var out []any
	for _, loc := range expand(doc, path) {
		if v, ok := getAny(loc.root, loc.rest); ok {
			out = append(out, v)
		}
	}
	return out
}
