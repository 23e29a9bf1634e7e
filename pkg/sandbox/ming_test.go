package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

// mingAnswer is the OpenAI images answer.
type mingAnswer struct {
	Data []struct {
		B64JSON string `json:"b64_json"`
		URL     string `json:"url"`
	} `json:"data"`
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// The layer endpoint takes OpenAI's multipart form (image[] file parts) and answers one transparent PNG
// per planned layer in data[].b64_json; a JSON body is refused as the API refuses it.
func TestMingLayerTakesAFormAndAnswersTransparentLayers(t *testing.T) {
	t.Parallel()
	s := start(t, Options{MaxMediaSide: 128}) // layers and transparency are the point, not their size
	src, _ := json.Marshal(map[string]any{"model": "ming-image-0.1-design-layer",
		"prompt": "3 layers: 1 title, 2 photo, 3 background", "size": "512x512", "use_sr": false,
		"image": []any{"data:image/png;base64," + base64.StdEncoding.EncodeToString(tinyPNG(t))}})
	form, ct, err := novita.FormBody(src)
	if err != nil {
		t.Fatal(err)
	}
	r := callType(t, http.MethodPost, s.URL()+"/openai/v1/images/edits", bearer(s), form, ct)
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var ans mingAnswer
	if err := json.Unmarshal(r.body, &ans); err != nil || len(ans.Data) != 3 {
		t.Fatalf("want 3 layers, got %s (%v)", r.body, err)
	}
	for i, d := range ans.Data {
		b, err := base64.StdEncoding.DecodeString(d.B64JSON)
		if err != nil {
			t.Fatalf("layer %d: %v", i, err)
		}
		img := decodePNG(t, b)
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("layer %d: corner alpha %d, want a transparent layer", i, a)
		}
	}

	r = call(t, http.MethodPost, s.URL()+"/openai/v1/images/edits", bearer(s), src)
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "multipart/form-data") {
		t.Fatalf("JSON body: %d %s", r.status, r.body)
	}
	form, ct, _ = novita.FormBody([]byte(`{"model":"ming-image-0.1-design-layer","prompt":"2 layers"}`))
	r = callType(t, http.MethodPost, s.URL()+"/openai/v1/images/edits", bearer(s), form, ct)
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "image") {
		t.Fatalf("no image: %d %s", r.status, r.body)
	}
}

// Text to image answers base64 by default and a downloadable link with response_format url.
func TestMingImageAnswersBase64OrLinks(t *testing.T) {
	t.Parallel()
	s := start(t, Options{MaxMediaSide: 128}) // the answer's shape is the point, not the image's size
	for _, format := range []string{"b64_json", "url"} {
		body := `{"model":"ming-image-0.1-design","prompt":"a poster","size":"1024x1024","response_format":"` + format + `"}`
		r := call(t, http.MethodPost, s.URL()+"/openai/v1/images/generations", bearer(s), []byte(body))
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", format, r.status, r.body)
		}
		var ans mingAnswer
		if err := json.Unmarshal(r.body, &ans); err != nil || len(ans.Data) != 1 {
			t.Fatalf("%s: %s", format, r.body)
		}
		b, _ := base64.StdEncoding.DecodeString(ans.Data[0].B64JSON)
		if format == "url" {
			d := download(t, ans.Data[0].URL)
			if d.status != http.StatusOK {
				t.Fatalf("download %s: %d", ans.Data[0].URL, d.status)
			}
			b = d.body
		}
		if img := decodePNG(t, b); img.Bounds().Dx() < 16 {
			t.Errorf("%s: %v", format, img.Bounds())
		}
	}
	r := call(t, http.MethodPost, s.URL()+"/openai/v1/images/generations", bearer(s),
		[]byte(`{"model":"ming-image-0.1-design","prompt":"a poster","output_format":"webp"}`))
	if r.status != http.StatusBadRequest {
		t.Fatalf("webp (not on the page): %d %s", r.status, r.body)
	}
}

// tinyPNG is a 4x4 input image.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
