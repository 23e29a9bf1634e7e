package jsonpath

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestPathSetAndGet(t *testing.T) {
	body := map[string]any{}
	steps := []struct{ path, value string }{
		{"request.loras.0.model_name", "a"},
		{"request.loras[0].strength", "0.5"},
		{"request.loras[1].model_name", "b"},
		{"extra.map.0", "key-not-index"},
	}
	for _, s := range steps {
		if err := Set(body, s.path, s.value); err != nil {
			t.Fatalf("Set(%s): %v", s.path, err)
		}
	}
	// "extra.map" was created by a numeric segment, so it is an array; set a key on an existing object instead.
	_ = Set(body, "extra.obj", map[string]any{})
	if err := Set(body, "extra.obj.0", "k"); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"request": map[string]any{"loras": []any{
			map[string]any{"model_name": "a", "strength": "0.5"},
			map[string]any{"model_name": "b"},
		}},
		"extra": map[string]any{"map": []any{"key-not-index"}, "obj": map[string]any{"0": "k"}},
	}
	if !reflect.DeepEqual(body, want) {
		t.Fatalf("got %#v", body)
	}
	if v, ok := Get(body, "request.loras[1].model_name"); !ok || v != "b" {
		t.Fatalf("Get = %v %v", v, ok)
	}
	for _, bad := range []string{"request.loras.5.x", "request.loras.0.model_name.deeper", "[0]", "a..b", "a[x]", "", "request.loras[0"} {
		if err := Set(body, bad, 1); err == nil {
			t.Errorf("Set(%q) succeeded, want error", bad)
		}
	}
}

// Get reads any decoded JSON: arrays by a numeric segment, json.Number values as they are, nothing
// through a scalar or past an array's end.
func TestGetThroughDecodedJSON(t *testing.T) {
	var doc any
	if err := json.Unmarshal([]byte(`{"request":{"prompts":[{"prompt":"a fox"}],"seed":7},"0":{"x":1}}`), &doc); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		want any
		ok   bool
	}{
		{"request.prompts.0.prompt", "a fox", true},
		{"request.prompts[0].prompt", "a fox", true},
		{"request.seed", 7.0, true},
		{"0.x", 1.0, true}, // a numeric key of an object is a key
		{"request.prompts.1.prompt", nil, false},
		{"request.seed.x", nil, false},
		{"request.prompts[x]", nil, false},
		{"", nil, false},
	}
	for _, c := range cases {
		if got, ok := Get(doc, c.path); ok != c.ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Get(%q) = %v %v, want %v %v", c.path, got, ok, c.want, c.ok)
		}
	}
}

func TestSetErrorsNameTheWay(t *testing.T) {
	body := map[string]any{"a": []any{1}, "s": "text"}
	for path, want := range map[string]string{
		"a.3":    `path "a.3": index 3 is past the end of a (1 elements; the next index is 1)`,
		"a.x":    `path "a.x": a is an array, "x" is not an index`,
		"s.x":    `path "s.x": s is a string, not an object or array`,
		"a[0].b": `path "a[0].b": a[0] is a number, not an object or array`,
	} {
		if err := Set(body, path, 1); err == nil || err.Error() != want {
			t.Errorf("Set(%q) = %v, want %s", path, err, want)
		}
	}
}

func TestJoinElementField(t *testing.T) {
	for _, c := range [][3]string{{"", "a", "a"}, {"a", "", "a"}, {"a", "b", "a.b"}, {"a", "[0]", "a[0]"}, {"a", "0", "a.0"}} {
		if got := Join(c[0], c[1]); got != c[2] {
			t.Errorf("Join(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
	for in, want := range map[string]string{"prompts[0].frames": "prompts[].frames", "prompts.0.frames": "prompts[].frames",
		"request.width": "request.width", "a..b": "a..b"} {
		if got := Element(in); got != want {
			t.Errorf("Element(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"images.0": "images", "images[0]": "images", "images[]": "images",
		"request.loras[1].model_name": "request.loras.model_name", "request.image_base64": "request.image_base64"} {
		if got := Field(in); got != want {
			t.Errorf("Field(%q) = %q, want %q", in, got, want)
		}
	}
}
