package body_test

import (
	"reflect"
	"testing"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// FuzzApplySets: a --set argument never panics; a refused one is a usage error (exit 2, never a stack
// trace), and an accepted one can be read back at its path.
func FuzzApplySets(f *testing.F) {
	for _, s := range []string{
		"request.seed=42",
		"request.loras[0].model_name=add_detail_44319",
		"request.loras.0.strength=0.7",
		`extra.webhook={"url":"https://example.com/hook"}`,
		"request.prompt=a=b",
		"request.prompt=",
		"a.b.c=[1,2,{\"x\":null}]",
		"=x",
		"noequals",
		"a[=1",
		"a..b=1",
		"request.image_num=1e400",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, set string) {
		doc := map[string]any{"request": map[string]any{"prompt": "x", "loras": []any{}}}
		err := body.ApplySets(doc, []string{set})
		if err != nil {
			if clierr.KindOf(err) != clierr.KindUsage {
				t.Fatalf("--set %q: %v is not a usage error", set, err)
			}
			return
		}
		path, want, perr := body.ParseAssignment(set)
		if perr != nil {
			t.Fatalf("ApplySets accepted %q that ParseAssignment refuses: %v", set, perr)
		}
		got, ok := jsonpath.Get(doc, path)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Fatalf("--set %q then Get(%q) = %#v %v, want %#v", set, path, got, ok, want)
		}
	})
}
