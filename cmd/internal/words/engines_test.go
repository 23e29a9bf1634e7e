package words

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// namesACommand finds a flag ("--tunnel") or a command line ("novita config set") in a string.
var namesACommand = regexp.MustCompile(`(^|[^\w-])--([a-z]|$)|\bnovita [a-z]`)

// prose is the product's name in a sentence, which names no command.
var prose = regexp.MustCompile(`\bnovita (metadata|knows|process|command line)\b|\bthis novita\b`)

// exempt are the strings of pkg/ that may name a command, by file and literal, each for a reason.
var exempt = map[string][]string{
	// docs/endpoints.md, which the catalog's test generates: documentation, not a message.
	"catalog/table.go": {"(`novita catalog <name>` shows", "webhook or task-result); synchronous ones"},
	// The receiver names itself in the answers it makes up for the sender (as a Server header would).
	"listen/forward.go":   {"novita listen: "},
	"listen/faults.go":    {"novita listen: answered %d (%s)\n"},
	"inspect/recorder.go": {"novita listen"},
}

// Engines state facts and never word a command (docs/architecture.md "Errors"): the flags and
// command lines that tell a user the way out are written in cmd (this package, the commands' own
// files), and `novita mcp` words the same errors by its tool parameters. This fails when a string
// in pkg/ names a flag or a command again; the key table's Flag and Help columns are data and help
// text, and comments are not looked at.
func TestEnginesNameNoCommand(t *testing.T) {
	root := filepath.Join("..", "..", "..", "pkg")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
		if strings.HasPrefix(rel, "ui/") {
			return nil // the inspector is a user interface: its pages and advice name commands (pkg/ui/advice.go)
		}
		allowed := exempt[rel]
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && (k.Name == "Flag" || k.Name == "Help") && rel == "config/config.go" {
					return false
				}
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !namesACommand.MatchString(prose.ReplaceAllString(s, "")) {
				return true
			}
			for _, a := range allowed {
				if s == a || strings.HasPrefix(s, a) {
					return true
				}
			}
			t.Errorf("pkg/%s: %q names a flag or a command: state the fact in a typed error and word it in cmd (cmd/internal/words)", rel, s)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
