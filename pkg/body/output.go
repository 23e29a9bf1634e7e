package body

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// extraOf returns body["extra"] as an object, replacing anything else there.
func extraOf(body map[string]any) map[string]any {
	e, ok := body["extra"].(map[string]any)
	if !ok {
		e = map[string]any{}
		body["extra"] = e
	}
	return e
}

func webhookOf(body map[string]any) map[string]any {
	e := extraOf(body)
	w, ok := e["webhook"].(map[string]any)
	if !ok {
		w = map[string]any{}
		e["webhook"] = w
	}
	return w
}

// SetWebhook asks Novita to deliver the result to url, at path: the task's catalog.Task.WebhookPath
// (extra.webhook.url in most bodies, callback_url for the unified video API). An empty path means
// extra.webhook.url.
func SetWebhook(body map[string]any, path, url string) {
	if path == "" || path == catalog.DefaultWebhookPath {
		webhookOf(body)["url"] = url
		return
	}
	if err := jsonpath.Set(body, path, url); err != nil { // a spec path through a non-object: replace it
		delete(body, strings.SplitN(path, ".", 2)[0])
		_ = jsonpath.Set(body, path, url)
	}
}

// DropWebhook removes the webhook URL SetWebhook put at path, and an extra.webhook (and extra) left
// empty by it: the body as it would be without a webhook.
func DropWebhook(body map[string]any, path string) {
	if path == "" {
		path = catalog.DefaultWebhookPath
	}
	parts := strings.Split(path, ".")
	var chain []map[string]any
	m := body
	for _, k := range parts[:len(parts)-1] {
		chain = append(chain, m)
		next, ok := m[k].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, parts[len(parts)-1])
	for i := len(chain) - 1; i >= 0 && len(m) == 0; i-- {
		delete(chain[i], parts[i])
		m = chain[i]
	}
}

// SetTestMode sets extra.webhook.test_mode so Novita sends a simulated event of that status. status may
// be "SUCCEED", "failed" or the full "TASK_STATUS_FAILED".
func SetTestMode(body map[string]any, status string) {
	s := strings.ToUpper(strings.TrimSpace(status))
	if !strings.HasPrefix(s, "TASK_STATUS_") {
		s = "TASK_STATUS_" + s
	}
	webhookOf(body)["test_mode"] = map[string]any{"enabled": true, "return_task_status": s}
}

// Marshal encodes a body compactly, keys sorted, without HTML escaping (prompts keep their '<' and '&').
func Marshal(body map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return nil, fmt.Errorf("encode request body: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// base64Fields always hold base64 (or a data: URI) in Novita request bodies.
func isBase64Field(key string) bool {
	switch key {
	case "image_base64", "mask_image_base64", "image_file", "end_image", "image", "face_image_base64", "face_image_file", "mask_file", "last_image":
		return true
	}
	return false
}

// elideMin is the length from which an arbitrary string that decodes as base64 is elided.
const elideMin = 1024

// Elide returns a deep copy of body for display (--dry-run): base64 payloads become "<base64: N bytes>"
// (N decoded bytes), data: URIs keep their header ("data:image/png;base64,<base64: N bytes>"), URLs
// and ordinary text stay as they are.
func Elide(body map[string]any) map[string]any {
	out, _ := elide("", body).(map[string]any)
	return out
}

func elide(key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = elide(k, e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = elide(key, e)
		}
		return a
	case string:
		return elideString(key, x)
	}
	return v
}

func elideString(key, s string) string {
	if head, payload, ok := strings.Cut(s, ";base64,"); ok && strings.HasPrefix(head, "data:") {
		return head + ";base64," + placeholder(payload)
	}
	if isHTTPURL(s) || s == "" || strings.HasPrefix(s, fetchedAtSubmit) {
		return s
	}
	if isBase64Field(key) {
		return placeholder(s)
	}
	if len(s) >= elideMin {
		if _, err := base64.StdEncoding.DecodeString(s); err == nil {
			return placeholder(s)
		}
	}
	return s
}

func placeholder(b64 string) string {
	if d, err := base64.StdEncoding.DecodeString(b64); err == nil {
		return fmt.Sprintf("<base64: %d bytes>", len(d))
	}
	return fmt.Sprintf("<base64: %d characters>", len(b64))
}
