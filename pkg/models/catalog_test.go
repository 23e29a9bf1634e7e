package models

import (
	"fmt"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
)

// Every model name the catalog sends by default (or offers as a choice) is in the sandbox's list, so
// a sandboxed submit never warns about its own defaults.
func TestCatalogModelDefaultsDoNotWarnAgainstTheSandbox(t *testing.T) {
	fresh := Snapshot{Models: sandboxModels(t), State: StateFresh}
	checked := 0
	for _, task := range catalog.All() {
		for _, p := range task.Params {
			kind, ok := FieldKind(task.Name, p.Path)
			if !ok {
				continue
			}
			names := append([]string(nil), p.Enum...)
			if p.Default != nil {
				names = append(names, fmt.Sprint(p.Default))
			}
			for _, name := range names {
				checked++
				if w := Warning(fresh, kind, name); w != "" {
					t.Errorf("%s %s: %s", task.Name, p.Path, w)
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d catalog model names checked: FieldKind no longer matches the catalog's paths", checked)
	}
}
