package acceptance

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/journal/journaltest"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// noisyPNG writes a PNG big enough that the journal keeps only its size and sha256.
func noisyPNG(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.Uint32())
	}
	img.Set(0, 0, color.RGBA{A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRerunResubmitsTheStoredRequestWithOverrides(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	r := c.run("submit", "txt2img", "--prompt", "a fox in the snow", "--steps", "12", "--width", "256", "--height", "256", "--wait")
	if r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	first, _ := journaltest.Tasks(c.env["NOVITA_STATE_DIR"])
	id := first[0].ID

	// A dry run shows the stored request with the override, without the dead receiver's webhook.
	r = c.run("rerun", id, "--seed", "42", "--dry-run")
	if r.code != 0 {
		t.Fatalf("rerun --dry-run: exit %d\n%s", r.code, r.stderr)
	}
	var body struct {
		Extra   map[string]any `json:"extra"`
		Request struct {
			Prompt string `json:"prompt"`
			Steps  int    `json:"steps"`
			Seed   int64  `json:"seed"`
		} `json:"request"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &body); err != nil {
		t.Fatalf("dry run is not JSON: %v\n%s", err, r.stdout)
	}
	if body.Request.Prompt != "a fox in the snow" || body.Request.Steps != 12 || body.Request.Seed != 42 || body.Extra["webhook"] != nil {
		t.Fatalf("rerun body %s", r.stdout)
	}

	// For real: a new task, its file downloaded, both in the journal.
	r = c.run("rerun", id, "--prompt", "a fox at dawn", "--wait", "-o", "again.{ext}")
	if r.code != 0 || strings.TrimSpace(r.stdout) != c.abs("again.png") {
		t.Fatalf("rerun --wait: exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	c.mustExist("again.png")
	es, _ := journaltest.Tasks(c.env["NOVITA_STATE_DIR"])
	if len(es) != 2 || es[0].ID == id || es[0].Name != "txt2img" {
		t.Fatalf("journal after the rerun: %+v", es)
	}
}

func TestRerunAsksForInputsTheJournalDidNotKeep(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	photo := filepath.Join(c.dir, "photo.png")
	noisyPNG(t, photo)
	if r := c.run("submit", "img2img", "--image", photo, "--prompt", "winter", "--width", "256", "--height", "256"); r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	es, _ := journaltest.Tasks(c.env["NOVITA_STATE_DIR"])
	id := es[0].ID
	r := c.run("rerun", id, "--dry-run")
	if r.code != 2 || !strings.Contains(r.stderr, "request.image_base64 was not kept") || !strings.Contains(r.stderr, "--image FILE") {
		t.Fatalf("rerun without the image: exit %d\n%s", r.code, r.stderr)
	}
	r = c.run("rerun", id, "--image", photo, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, `"prompt": "winter"`) || !strings.Contains(r.stdout, "<base64:") {
		t.Fatalf("rerun with the image again: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestRerunOfAnUnknownTask(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if r := c.run("rerun", "nope"); r.code != 2 || !strings.Contains(r.stderr, "not in the journal") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if r := c.run("rerun", "--help"); r.code != 0 || !strings.Contains(r.stdout, "rerun <task-id|prefix|file>") {
		t.Fatalf("help: exit %d\n%s", r.code, r.stdout)
	}
}
