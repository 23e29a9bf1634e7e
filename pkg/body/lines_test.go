package body

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A batch line means what the same --data would: loose keys of a shape-A task go under "request",
// objects merge key by key onto --data, and --data itself is never changed by a line.
func TestMergeLineMergesLikeData(t *testing.T) {
	txt2img := task(t, "txt2img")
	file := filepath.Join(t.TempDir(), "base.json")
	if err := os.WriteFile(file, []byte(`{"negative_prompt": "blurry", "steps": 30, "extra": {"response_image_type": "png"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base, err := ReadData(txt2img, Input{Data: "@" + file})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"request": map[string]any{"negative_prompt": "blurry", "steps": json.Number("30")},
		"extra": map[string]any{"response_image_type": "png"}}
	if !reflect.DeepEqual(base, want) {
		t.Fatalf("ReadData = %v, want %v", base, want)
	}
	line, err := MergeLine(txt2img, base, `{"steps": 5, "request": {"seed": 7}, "extra": {"enable_nsfw_detection": true}}`)
	if err != nil {
		t.Fatal(err)
	}
	wantLine := map[string]any{
		"request": map[string]any{"negative_prompt": "blurry", "steps": json.Number("5"), "seed": json.Number("7")},
		"extra":   map[string]any{"response_image_type": "png", "enable_nsfw_detection": true},
	}
	if !reflect.DeepEqual(line, wantLine) {
		t.Errorf("MergeLine = %v, want %v", line, wantLine)
	}
	if !reflect.DeepEqual(base, want) {
		t.Errorf("MergeLine changed the --data object: %v", base)
	}

	// Other shapes take the line as it is; no --data means the line alone.
	wan := task(t, "wan-t2v")
	if got, err := MergeLine(wan, nil, `{"prompt": "a fox"}`); err != nil || !reflect.DeepEqual(got, map[string]any{"prompt": "a fox"}) {
		t.Errorf("wan-t2v line = %v, %v", got, err)
	}
	if got, err := ReadData(wan, Input{}); got != nil || err != nil {
		t.Errorf("ReadData without --data = %v, %v", got, err)
	}
}

func TestMergeLineRefusesWhatDataRefuses(t *testing.T) {
	txt2img := task(t, "txt2img")
	for line, want := range map[string]string{
		`{"prompt": "x"`:            "line 1, column",
		`["a list"]`:                "want a JSON object",
		`{"request": 1, "seed": 2}`: `"request" must be an object`,
	} {
		_, err := MergeLine(txt2img, nil, line)
		assertUsage(t, err, want)
	}
	_, err := ReadData(txt2img, Input{Data: "@" + filepath.Join(t.TempDir(), "missing.json")})
	assertUsage(t, err, "missing.json")
	if _, err := ReadData(txt2img, Input{Data: "-", Stdin: strings.NewReader(`{"prompt": "from stdin"}`)}); err != nil {
		t.Errorf("--data -: %v", err)
	}
}
