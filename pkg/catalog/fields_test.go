package catalog

import (
	"errors"
	"testing"
)

func TestCheckFieldsNamesTheTypoAndTheClosestField(t *testing.T) {
	task, err := Resolve("txt2img")
	if err != nil {
		t.Fatal(err)
	}
	ok := map[string]any{"request": map[string]any{"prompt": "a cat", "model_name": "m", "width": 512,
		"loras": []any{map[string]any{"model_name": "l", "strength": 0.5}}}, "extra": map[string]any{"response_image_type": "png"}}
	if err := task.CheckFields(ok); err != nil {
		t.Fatalf("documented fields refused: %v", err)
	}
	cases := []struct {
		body       map[string]any
		path, want string
	}{
		{map[string]any{"request": map[string]any{"promt": "a cat"}}, "request.promt", "request.prompt"},
		{map[string]any{"request": map[string]any{"loras": []any{map[string]any{"strenght": 1}}}}, "request.loras[0].strenght", "request.loras[].strength"},
		{map[string]any{"reqest": map[string]any{}}, "reqest", "request"},
	}
	for _, c := range cases {
		err := task.CheckFields(c.body)
		var ue *UnknownFieldError
		if !errors.As(err, &ue) || ue.Path != c.path || len(ue.Suggestions) == 0 || ue.Suggestions[0] != c.want {
			t.Errorf("CheckFields(%v) = %v, want %s with suggestion %s", c.body, err, c.path, c.want)
		}
	}
}
