package acceptance

import (
	"bytes"
	"image"
	"image/png"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// decodedPNG fails the test unless b is a PNG; it returns the image.
func decodedPNG(t *testing.T, name string, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s is not a decodable PNG: %v", name, err)
	}
	return img
}

// Ming Image text to image (OpenAI-compatible /openai/v1/images/generations) saves the data[].b64_json
// image of its answer.
func TestSandboxMingImageSavesADecodableImage(t *testing.T) {
	c := newCLI(t)
	r := c.run("--sandbox", "submit", "ming-image", "--prompt", "a poster for a jazz night", "-o", "out/poster.{ext}")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	decodedPNG(t, "out/poster.png", c.mustExist("out/poster.png"))
}

// The layer endpoint sends the image as an image[] file part of a multipart form (OpenAI's image edits)
// and saves every layer of the answer, each a PNG with transparency.
func TestSandboxMingImageLayerSavesEveryLayer(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.useSandbox(sb)
	var in bytes.Buffer
	if err := png.Encode(&in, image.NewNRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "slide.png"), in.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r := c.run("submit", "ming-image-layer", "--image", "slide.png", "--size", "512x512",
		"--prompt", "3 layers: 1 title, 2 photo, 3 background", "-o", "layers/{index}.{ext}")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for i := 1; i <= 3; i++ {
		name := filepath.Join("layers", string(rune('0'+i))+".png")
		img := decodedPNG(t, name, c.mustExist(name))
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("%s: corner alpha %d, want a transparent layer", name, a)
		}
	}
	if _, err := os.Stat(c.abs("layers/4.png")); err == nil {
		t.Error("a fourth layer was saved for a three-layer plan")
	}

	var req *sandbox.Request
	for _, q := range sb.Requests() {
		if q.Path == "/openai/v1/images/edits" {
			req = &q
		}
	}
	if req == nil {
		t.Fatal("no request to /openai/v1/images/edits")
	}
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type %q", req.Header.Get("Content-Type"))
	}
	form, err := multipart.NewReader(bytes.NewReader(req.Body), params["boundary"]).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	files := form.File["image[]"]
	if len(files) != 1 || form.Value["model"][0] != "ming-image-0.1-design-layer" || form.Value["size"][0] != "512x512" {
		t.Fatalf("form fields %v, %d image[] parts", form.Value, len(files))
	}
	f, _ := files[0].Open()
	defer f.Close()
	var sent bytes.Buffer
	_, _ = sent.ReadFrom(f)
	if !bytes.Equal(sent.Bytes(), in.Bytes()) {
		t.Error("the image[] part is not the file's bytes")
	}
}

// A dry run of the layer endpoint names the form it would send, and shows the fields as JSON.
func TestDryRunMingImageLayerSaysMultipart(t *testing.T) {
	c := newCLI(t)
	if err := os.WriteFile(filepath.Join(c.dir, "slide.png"), []byte("\x89PNG\r\n\x1a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := c.run("--sandbox", "submit", "ming-image-layer", "--image", "slide.png", "--prompt", "2 layers", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, "/openai/v1/images/edits as multipart/form-data") ||
		!strings.Contains(r.stdout, `"model": "ming-image-0.1-design-layer"`) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
}
