package body

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the current output")

func TestGoldenBodies(t *testing.T) {
	for _, task := range catalog.All() {
		t.Run(task.Name, func(t *testing.T) {
			in := SampleInput(task, "testdata")
			in.NoFetch = true // goldens never touch the network
			body, err := Build(context.Background(), task, in)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			got := indent(t, body)
			file := filepath.Join("testdata", "golden", task.Name+".json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./pkg/body -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("body differs from %s (run with -update if the change is intended)\ngot:\n%s\nwant:\n%s", file, got, want)
			}
		})
	}
}

func indent(t *testing.T, body map[string]any) []byte {
	t.Helper()
	raw, err := Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

// The documented txt2img example is exactly what the typed flags produce (its webhook aside, which the
// caller adds with SetWebhook).
func TestTxt2imgMatchesPublishedSample(t *testing.T) {
	sampleRaw, err := os.ReadFile(filepath.Join("testdata", "request-txt2img.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sample map[string]any
	if err := json.Unmarshal(sampleRaw, &sample); err != nil {
		t.Fatal(err)
	}
	webhook := sample["extra"].(map[string]any)["webhook"].(map[string]any)
	delete(sample["extra"].(map[string]any), "webhook")

	task, _ := catalog.Lookup("txt2img")
	body, err := Build(context.Background(), task, SampleInput(task, "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	if got := roundTrip(t, body); !reflect.DeepEqual(got, sample) {
		t.Fatalf("txt2img body differs from the sample\ngot:  %v\nwant: %v", got, sample)
	}

	SetWebhook(body, "", webhook["url"].(string))
	sample["extra"].(map[string]any)["webhook"] = webhook
	if got := roundTrip(t, body); !reflect.DeepEqual(got, sample) {
		t.Fatalf("with SetWebhook, body differs from the sample\ngot:  %v\nwant: %v", got, sample)
	}
}

// roundTrip marshals and parses a body, for comparing as parsed JSON.
func roundTrip(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	raw, err := Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
