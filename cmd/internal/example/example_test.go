package example

import (
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
)

func TestCommand(t *testing.T) {
	for name, want := range map[string]string{
		"txt2img":           "novita submit txt2img --prompt 'a lighthouse at dusk'",
		"img2img":           "novita submit img2img --image photo.png --prompt 'a lighthouse at dusk'",
		"image-upscaler":    "novita submit image-upscaler --image https://example.com/photo.png",
		"remove-background": "novita submit remove-background --image photo.png",
	} {
		task, _ := catalog.Lookup(name)
		if got := Command(task); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

func TestTrainingCommand(t *testing.T) {
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range c.TrainingHeaders() {
		task, _ := c.Training(h.Name)
		if ex := Command(task); !strings.HasPrefix(ex, "novita train "+catalog.TrainKind(task.Path)+" ") {
			t.Errorf("%s: example %q", h.Name, ex)
		}
	}
}
