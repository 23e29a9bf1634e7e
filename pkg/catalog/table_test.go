package catalog

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/endpoints.md from the specs")

const endpointsDoc = "../../docs/endpoints.md"

// docs/endpoints.md is the specs' table: stale (a spec added, moved or re-checked since) fails, and
// so does a spec without a source. Regenerate with: go test ./pkg/catalog -run TestEndpointsDoc -update
func TestEndpointsDocIsCurrent(t *testing.T) {
	c := mustLoad(t)
	want := c.endpointsTable()
	if strings.Contains(want, "**none**") {
		t.Error("a spec has no source: (see TestEverySpecHasASource)")
	}
	if *update {
		if err := os.WriteFile(endpointsDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(endpointsDoc)
	if err != nil || string(got) != want {
		t.Fatalf("docs/endpoints.md is stale (%v): run go test ./pkg/catalog -run TestEndpointsDoc -update", err)
	}
	for _, n := range c.Names() {
		if !strings.Contains(want, "| `"+n+"` |") {
			t.Errorf("%s has no row", n)
		}
	}
}
