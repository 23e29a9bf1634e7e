package jsonpath_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/jsonpath"
)

// render writes segments back as a path, brackets for bracketed indexes.
func render(segs []jsonpath.Segment) string {
	var b strings.Builder
	for i, s := range segs {
		switch {
		case s.Bracket:
			b.WriteString("[" + s.Key + "]")
		case i > 0:
			b.WriteString("." + s.Key)
		default:
			b.WriteString(s.Key)
		}
	}
	return b.String()
}

// FuzzSetPath: Parse never panics and what it accepts renders back to the same segments; Set then
// Get at the same path returns the value set, on a fresh body and on one another --set already shaped.
func FuzzSetPath(f *testing.F) {
	for _, s := range [][2]string{
		{"request.seed", ""},
		{"request.loras[0].model_name", "request.loras.0.strength"},
		{"request.loras.0.model_name", "request.loras[1]"},
		{"extra.webhook.url", "extra"},
		{"a[0][1]", "a[0][0]"},
		{"a.0", "a.b"},
		{"0", "x"},
		{"a.01.b", "a.1"},
		{"a..b", ""},
		{"[0]", ""},
		{"a[x]", ""},
		{"a]b", ""},
		{"a[0", ""},
		{"a.999999999.b", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, path, prior string) {
		segs, err := jsonpath.Parse(path)
		if err == nil {
			if len(segs) == 0 {
				t.Fatalf("%q parsed to no segments", path)
			}
			again, err := jsonpath.Parse(render(segs))
			if err != nil || !reflect.DeepEqual(again, segs) {
				t.Fatalf("%q -> %q does not parse back the same: %v %+v vs %+v", path, render(segs), err, again, segs)
			}
		}
		body := map[string]any{}
		if prior != "" {
			_ = jsonpath.Set(body, prior, "prior")
		}
		value := map[string]any{"sentinel": path}
		if err := jsonpath.Set(body, path, value); err != nil {
			return
		}
		got, ok := jsonpath.Get(body, path)
		if !ok || !reflect.DeepEqual(got, value) {
			t.Fatalf("Set(%q) after Set(%q) then Get: %v %v", path, prior, got, ok)
		}
	})
}
