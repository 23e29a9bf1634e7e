package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
)

// formObject reads a multipart/form-data body (OpenAI's image edits API, /openai/v1/images/edits) as the
// JSON object the spec validates: a "key[]" part (or any part of an array parameter) joins an array, a
// file part becomes a data: URI, a text part takes the parameter's type ("true" a boolean, "3" a number).
// A JSON body is refused, as the API refuses it. msg is the 400 message, "" when the form reads.
func formObject(spec catalog.Task, contentType string, raw []byte) (map[string]any, string) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, "this API takes multipart/form-data (fields and image[] file parts), not " + strconv.Quote(contentType)
	}
	form, err := multipart.NewReader(bytes.NewReader(raw), params["boundary"]).ReadForm(maxBody)
	if err != nil {
		return nil, "malformed multipart/form-data body: " + err.Error()
	}
	defer form.RemoveAll()
	obj := map[string]any{}
	add := func(key string, v any) {
		name := strings.TrimSuffix(key, "[]")
		p, _ := spec.Param(name)
		if key != name || p != nil && p.Type == catalog.ParamArray {
			list, _ := obj[name].([]any)
			obj[name] = append(list, v)
			return
		}
		obj[name] = v
	}
	for key, values := range form.Value {
		for _, v := range values {
			add(key, typed(spec, strings.TrimSuffix(key, "[]"), v))
		}
	}
	for key, files := range form.File {
		for _, fh := range files {
			f, err := fh.Open()
			if err != nil {
				return nil, "reading file part " + key + ": " + err.Error()
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, "reading file part " + key + ": " + err.Error()
			}
			ct := fh.Header.Get("Content-Type")
			if ct == "" || ct == "application/octet-stream" {
				ct, _, _ = strings.Cut(http.DetectContentType(data), ";")
			}
			add(key, "data:"+ct+";base64,"+base64.StdEncoding.EncodeToString(data))
		}
	}
	return obj, ""
}

// typed gives a text part its parameter's JSON type; text that does not parse stays text, for the spec
// check to refuse with the field's own message.
func typed(spec catalog.Task, name, v string) any {
	p, ok := spec.Param(name)
	if ok && p.Type == catalog.ParamArray && p.Items != nil {
		p = p.Items
	}
	if !ok || p == nil {
		return v
	}
	switch p.Type {
	case catalog.ParamBoolean:
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	case catalog.ParamInteger, catalog.ParamNumber:
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return json.Number(v)
		}
	}
	return v
}
