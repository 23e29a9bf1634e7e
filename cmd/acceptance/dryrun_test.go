package acceptance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// sampleArgs is the command line of a task's sample input (pkg/body's SampleInput, which its golden
// bodies are built from): typed flags, repeated flags, --set and --set-file, so the command line must
// produce the same body as the library. Adding an endpoint adds its case here with nothing to write.
func sampleArgs(task catalog.Task, testdata string) []string {
	in := body.SampleInput(task, testdata)
	var args []string
	for _, name := range sortedKeys(in.Flags) {
		args = append(args, "--"+name, in.Flags[name])
	}
	for _, name := range sortedKeys(in.Lists) {
		for _, v := range in.Lists[name] {
			args = append(args, "--"+name, v)
		}
	}
	for _, s := range in.Sets {
		args = append(args, "--set", s)
	}
	for _, s := range in.SetFiles {
		args = append(args, "--set-file", s)
	}
	if in.Data != "" {
		args = append(args, "--data", in.Data)
	}
	return args
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back any
	json.Unmarshal(b, &back)
	b, _ = json.Marshal(back)
	return string(b)
}

func TestDryRunMatchesTheGoldenBodyOfEveryTask(t *testing.T) {
	t.Parallel()
	testdata := filepath.Join(repoRoot, "pkg", "body", "testdata")
	c := newCLI(t)
	all := catalog.All()
	if len(all) < 70 {
		t.Fatalf("the catalog has %d tasks; the test would prove little", len(all))
	}
	for _, task := range all {
		t.Run(task.Name, func(t *testing.T) {
			t.Parallel()
			r := c.run(append(append([]string{"submit", task.Name}, sampleArgs(task, testdata)...), "--dry-run")...)
			if r.code != 0 {
				t.Fatalf("%s: exit %d\n%s", task.Name, r.code, r.stderr)
			}
			var got any
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("%s: dry run is not JSON: %v", task.Name, err)
			}
			raw, err := os.ReadFile(filepath.Join(testdata, "golden", task.Name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var golden map[string]any
			json.Unmarshal(raw, &golden)
			if g, w := canonical(t, got), canonical(t, body.Elide(golden)); g != w {
				t.Errorf("%s: dry run body differs from the golden file\n got %s\nwant %s", task.Name, g, w)
			}
		})
	}
}

// TestEveryCatalogTaskIsAcceptedByTheSandbox submits each task's command line for real: the catalog's
// defaults and the simulator's validation must agree, asynchronous tasks answer a task id and
// synchronous ones save their outputs.
func TestEveryCatalogTaskIsAcceptedByTheSandbox(t *testing.T) {
	t.Parallel()
	testdata := filepath.Join(repoRoot, "pkg", "body", "testdata")
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{MaxMediaSide: 256}) // accepted and saved is the point, not the size
	c.useSandbox(sb)
	for _, task := range catalog.All() {
		t.Run(task.Name, func(t *testing.T) {
			t.Parallel() // one CLI, one sandbox, one journal: as several processes of one user would share them
			a := slices.Clone(sampleArgs(task, testdata))
			for i := range a {
				// the sandbox encodes neither mp3 nor big images quickly; keep the request valid and small
				if a[i] == "mp3" {
					a[i] = "wav"
				} else if a[i] == "1024" && task.Name == "txt2img" {
					a[i] = "256"
				}
			}
			r := c.run(append([]string{"submit", task.Name, "-o", "out/" + task.Name + "-{index}.{ext}"}, a...)...)
			if r.code != 0 || len(r.lines()) < 1 {
				t.Errorf("%s: the sandbox refused the CLI's body: exit %d\n%s", task.Name, r.code, r.stderr)
				return
			}
			if task.Sync() {
				for _, path := range r.lines() { // a synchronous task prints the files it saved
					if _, err := os.Stat(c.abs(path)); err != nil {
						t.Errorf("%s printed %s, which is not there: %v", task.Name, path, err)
					}
				}
			} else if len(r.lines()) != 1 {
				t.Errorf("%s: an asynchronous submit prints one task id, got %q", task.Name, r.stdout)
			}
		})
	}
}
