package wiring

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/novita-cli/novita"

// heavy are the engines only some commands need; each one links a large part of the program (the
// simulator and its media, the MCP SDK, the ngrok agent with protobuf and muxado, the receiver).
var heavy = []string{
	module + "/pkg/sandbox",
	"github.com/modelcontextprotocol/go-sdk/mcp",
	module + "/pkg/tunnel",
	"golang.ngrok.com/ngrok/v2",
	module + "/pkg/hooks",
}

// light are the packages that must reach none of heavy: what every command imports, and the commands
// that use none of them. Each command's race-built test binary links what its package imports, so one
// heavy import here costs every command's test run a large link (docs/architecture.md).
var light = []string{
	"cmd/factory", "cmd/cmdutil", "cmd/taskview", "cmd/internal/words", "cmd/internal/cmdtest",
	"cmd/internal/runner", "cmd/internal/modelnames", "cmd/internal/previews", "cmd/internal/expiry",
	"cmd/internal/example", "pkg/config",
	"cmd/balance", "cmd/catalog", "cmd/completion", "cmd/config", "cmd/models", "cmd/result",
	"cmd/tasks", "cmd/train", "cmd/ui", "cmd/version", "cmd/wait",
}

// The light packages import none of the heavy engines, directly or through another package of this
// module (the chain is shown when one does).
func TestLightPackagesLinkNoHeavyEngine(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	imports := map[string][]string{} // module package -> its non-test imports
	load := func(path string) []string {
		if deps, ok := imports[path]; ok {
			return deps
		}
		imports[path] = nil
		rel := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
		p, err := build.Default.ImportDir(filepath.Join(root, filepath.FromSlash(rel)), 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		imports[path] = p.Imports
		return p.Imports
	}
	isHeavy := func(path string) bool {
		for _, h := range heavy {
			if path == h {
				return true
			}
		}
		return false
	}
	for _, l := range light {
		start := module + "/" + l
		// Breadth first through the module's own packages, remembering how each was reached.
		from := map[string]string{start: ""}
		queue := []string{start}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, imp := range load(p) {
				if _, seen := from[imp]; seen {
					continue
				}
				from[imp] = p
				if isHeavy(imp) {
					chain := []string{imp}
					for q := p; q != ""; q = from[q] {
						chain = append([]string{q}, chain...)
					}
					t.Errorf("%s links %s: %s", l, imp, strings.Join(chain, " -> "))
					continue
				}
				if strings.HasPrefix(imp, module+"/") {
					queue = append(queue, imp)
				}
			}
		}
	}
}
