package acceptance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The missing-key error carries its fix as the hint, in --json too, as the README's error table shows.
func TestMissingKeyJSONErrorCarriesTheHint(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("--json", "submit", "txt2img", "--prompt", "a cat")
	var doc struct {
		Error struct {
			ExitCode int    `json:"exit_code"`
			Message  string `json:"message"`
			Hint     string `json:"hint"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || r.code != 4 {
		t.Fatalf("exit %d: %v\n%s", r.code, err, r.stdout)
	}
	if doc.Error.Message != "no API key" || !strings.Contains(doc.Error.Hint, "set NOVITA_API_KEY or run: novita config set api_key") {
		t.Errorf("error document %+v", doc.Error)
	}
	readme, _ := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if !strings.Contains(string(readme), "`set NOVITA_API_KEY or run: novita config set api_key`") {
		t.Error("the README no longer shows the hint this test checks")
	}
}

// The README names the Go version go.mod requires.
func TestREADMEStatesTheGoVersionOfGoMod(t *testing.T) {
	t.Parallel()
	mod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("no go directive in go.mod")
	}
	readme, _ := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if !strings.Contains(string(readme), "Go "+string(m[1])+" (the version `go.mod` names)") {
		t.Errorf("README.md does not state Go %s, the version go.mod requires", m[1])
	}
}
