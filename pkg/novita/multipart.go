package novita

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/textproto"
	"sort"
	"strings"
)

// MultipartPath reports whether a synchronous endpoint takes a multipart/form-data body instead of
// JSON. OpenAI's image edits API takes its images as file parts, and Novita's OpenAI-compatible copy
// (/openai/v1/images/edits, the Ming Image layer endpoint) follows it. The CLI still builds, validates
// and shows the body as a JSON object; only the bytes sent differ (see FormBody).
func MultipartPath(path string) bool { return path == "/openai/v1/images/edits" }

// FormBody turns a JSON object body into a multipart form: strings, numbers and booleans become text
// fields; a data: URI becomes a file part; an array becomes one part per element named "key[]", OpenAI's
// convention for image[]. Nested objects have no form encoding and are refused. It returns the body and
// its Content-Type (with the boundary).
func FormBody(body []byte) ([]byte, string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, "", fmt.Errorf("a form body must be a JSON object")
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // stable bytes for the same request
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, k := range keys {
		switch v := obj[k].(type) {
		case nil:
		case []any:
			for i, el := range v {
				if err := writePart(w, k+"[]", fmt.Sprintf("%s-%d", k, i+1), el); err != nil {
					return nil, "", err
				}
			}
		default:
			if err := writePart(w, k, k, v); err != nil {
				return nil, "", err
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// writePart writes one value: a data: URI as a file named base.<ext>, anything else as text.
func writePart(w *multipart.Writer, name, base string, v any) error {
	var text string
	switch x := v.(type) {
	case string:
		if mt, data, ok := decodeDataURI(x); ok {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, name, base+extension(mt)))
			h.Set("Content-Type", mt)
			p, err := w.CreatePart(h)
			if err == nil {
				_, err = p.Write(data)
			}
			return err
		}
		text = x
	case json.Number:
		text = x.String()
	case bool:
		text = fmt.Sprint(x)
	default:
		return fmt.Errorf("%s: a form field takes text, a number, a boolean or a file, not %T", name, v)
	}
	return w.WriteField(name, text)
}

// decodeDataURI splits data:<mime>;base64,<payload>; ok is false for any other text.
func decodeDataURI(s string) (mediaType string, data []byte, ok bool) {
	head, payload, found := strings.Cut(strings.TrimPrefix(s, "data:"), ";base64,")
	if !strings.HasPrefix(s, "data:") || !found {
		return "", nil, false
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return "", nil, false
	}
	if head == "" {
		head = "application/octet-stream"
	}
	return head, data, true
}

// extension is the file name extension for a media type (".png"), "" when unknown.
func extension(mediaType string) string {
	switch mediaType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	}
	if exts, _ := mime.ExtensionsByType(mediaType); len(exts) > 0 {
		return exts[0]
	}
	return ""
}
