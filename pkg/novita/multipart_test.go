package novita

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// OpenAI's image edits path gets a multipart form: scalars as fields, each image[] element a file part
// with its bytes decoded from the data: URI; other paths keep JSON.
func TestSubmitSyncSendsAFormToImageEdits(t *testing.T) {
	var mu sync.Mutex
	var fields map[string][]string
	var files []string
	var types []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		types = append(types, r.Header.Get("Content-Type"))
		if err := r.ParseMultipartForm(1 << 20); err == nil {
			fields = r.MultipartForm.Value
			for _, fh := range r.MultipartForm.File["image[]"] {
				f, _ := fh.Open()
				b := make([]byte, 16)
				n, _ := f.Read(b)
				f.Close()
				files = append(files, fh.Filename+"="+string(b[:n])+" "+fh.Header.Get("Content-Type"))
			}
		}
		_, _ = w.Write([]byte(`{"data":[{"b64_json":"AAAA"}]}`))
	}))
	defer srv.Close()
	body := `{"model":"ming-image-0.1-design-layer","prompt":"2 layers","use_sr":true,"n":1,` +
		`"image":["data:image/png;base64,aGVsbG8=","data:image/jpeg;base64,d29ybGQ="]}`
	if _, err := testClient(srv.URL).SubmitSync(context.Background(), "/openai/v1/images/edits", []byte(body)); err != nil {
		t.Fatal(err)
	}
	if _, err := testClient(srv.URL).SubmitSync(context.Background(), "/openai/v1/images/generations", []byte(`{"prompt":"x"}`)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.HasPrefix(types[0], "multipart/form-data; boundary=") || types[1] != "application/json" {
		t.Errorf("content types %q", types)
	}
	if fields["model"][0] != "ming-image-0.1-design-layer" || fields["prompt"][0] != "2 layers" ||
		fields["use_sr"][0] != "true" || fields["n"][0] != "1" {
		t.Errorf("fields %v", fields)
	}
	if strings.Join(files, ",") != "image-1.png=hello image/png,image-2.jpg=world image/jpeg" {
		t.Errorf("files %q", files)
	}
}

func TestFormBodyRefusesNestedObjects(t *testing.T) {
	if _, _, err := FormBody([]byte(`{"extra":{"a":1}}`)); err == nil || !strings.Contains(err.Error(), "extra") {
		t.Errorf("err = %v", err)
	}
}
