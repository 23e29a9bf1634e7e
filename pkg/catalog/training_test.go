package catalog

import (
	"errors"
	"io/fs"
	"reflect"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

// A valid subject training body as the page's example sends it.
func subjectBody() map[string]any {
	return map[string]any{
		"name": "me", "base_model": "v1-5-pruned-emaonly", "width": int64(512), "height": int64(512),
		"image_dataset_items": []any{map[string]any{"assets_id": "a1"}, map[string]any{"assets_id": "a2"}},
		"expert_setting":      map[string]any{"instance_prompt": "a close photo of ohwx man", "class_prompt": "person"},
		"components": []any{map[string]any{"name": "resize", "args": []any{
			map[string]any{"name": "width", "value": "512"}, map[string]any{"name": "height", "value": "512"}}}},
	}
}

func TestTrainingSpecsAreWellFormedAndApartFromTasks(t *testing.T) {
	c := mustLoad(t)
	if err := c.TrainingErr(); err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(specFS, "training/*.yaml")
	hs := c.TrainingHeaders()
	if len(files) != 2 || len(hs) != len(files) {
		t.Fatalf("%d training files, %d headers; want subject and style", len(files), len(hs))
	}
	for _, h := range hs {
		task, ok := c.Training(h.Name)
		if !ok || task.Mode != ModeTraining || task.Source == "" || task.Checked == "" {
			t.Fatalf("%s: %+v", h.Name, task)
		}
		if h.Path != task.Path || h.Mode != task.Mode || h.Kind != task.OutputKind || h.Summary != task.Description ||
			!reflect.DeepEqual(h.Aliases, task.Aliases) {
			t.Errorf("%s: header %+v differs from the spec", h.Name, h)
		}
		if _, ok := c.Lookup(h.Name); ok {
			t.Errorf("%s: found among the tasks of novita submit", h.Name)
		}
	}
	if _, ok := c.Training("/v3/training/style"); !ok {
		t.Error("the style endpoint is not found by its path")
	}
}

// submit must not post a training endpoint as a pass-through task: it says which training it is.
func TestResolveRefusesATrainingEndpoint(t *testing.T) {
	c := mustLoad(t)
	for _, name := range []string{"subject-training", "Style-Training", "/v3/training/subject"} {
		_, err := c.Resolve(name)
		var te *TrainingEndpointError
		if clierr.KindOf(err) != clierr.KindUsage || !errors.As(err, &te) || TrainKind(te.Path) != "subject" && TrainKind(te.Path) != "style" {
			t.Errorf("Resolve(%q) = %v; want a usage error naming the training", name, err)
		}
	}
}

func TestTrainingSpecValidatesThePageBody(t *testing.T) {
	c := mustLoad(t)
	task, _ := c.Training("subject-training")
	if err := task.Validate(subjectBody()); err != nil {
		t.Fatalf("the page's example is refused: %v", err)
	}
	cases := map[string]func(b map[string]any){
		"expert_setting.lora_r":        func(b map[string]any) { b["expert_setting"].(map[string]any)["lora_r"] = int64(2) },
		"base_model":                   func(b map[string]any) { b["base_model"] = "sd3" },
		"expert_setting.learning_rate": func(b map[string]any) { b["expert_setting"].(map[string]any)["learning_rate"] = 0.5 },
		"image_dataset_items":          func(b map[string]any) { b["image_dataset_items"] = []any{} },
		"components[0].name":           func(b map[string]any) { b["components"].([]any)[0].(map[string]any)["name"] = "blur" },
		"expert_setting.class_prompt":  func(b map[string]any) { b["expert_setting"].(map[string]any)["class_prompt"] = "dog" },
	}
	for path, edit := range cases {
		b := subjectBody()
		edit(b)
		v := task.Check(b)
		if v == nil || v.Path != path {
			t.Errorf("%s: got %v", path, v)
		}
	}
	b := subjectBody()
	b["expert_setting"].(map[string]any)["learning_rate"] = 1e-4
	if v := task.Check(b); v != nil {
		t.Errorf("learning_rate 1e-4 refused: %v", v)
	}
	style, _ := c.Training("style-training")
	if v := style.Check(subjectBody()); v == nil || v.Path != "image_dataset_items[0].caption" {
		var ve *Violation
		t.Errorf("style without captions: %v (%v)", v, errors.As(v, &ve))
	}
}
