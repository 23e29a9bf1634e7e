package acceptance

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// recipeGuard only stops a recipe that hangs (the failure this test exists for); it measures nothing.
const recipeGuard = 90 * time.Second

// readmeRecipe is shell the README shows as one piece: a line with a pipeline or a command
// substitution, or a background job through to the `wait` that ends it.
type readmeRecipe struct {
	line   int
	script string
}

var (
	backgroundLine = regexp.MustCompile(`&\s*(#.*)?$`)
	waitLine       = regexp.MustCompile(`^wait\s*(#.*)?$`)
	placeholder    = regexp.MustCompile(`<[a-z-]+>|\.\.\.`)
)

// readmeRecipes finds, in the README's sh blocks, the shell that TestREADMEExamplesAreScripted cannot
// stand for by checking commands one by one: pipelines, $(...) and background jobs.
func readmeRecipes(t *testing.T, path string) []readmeRecipe {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []readmeRecipe
	var cur *readmeRecipe
	inSh, n := false, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			inSh = !inSh && strings.TrimSpace(strings.TrimPrefix(line, "```")) == "sh"
			continue
		}
		if !inSh || !strings.Contains(line+" ", "novita ") && cur == nil {
			continue
		}
		switch {
		case cur != nil:
			cur.script += line + "\n"
			if waitLine.MatchString(strings.TrimSpace(line)) {
				out, cur = append(out, *cur), nil
			}
		case backgroundLine.MatchString(line):
			cur = &readmeRecipe{line: n, script: line + "\n"}
		case strings.ContainsAny(stripComment(line), "|") || strings.Contains(line, "$("):
			out = append(out, readmeRecipe{line: n, script: line + "\n"})
		}
	}
	if cur != nil {
		t.Errorf("README.md:%d: a background job with no `wait` line after it in its block", cur.line)
	}
	return out
}

func stripComment(line string) string {
	if i := strings.Index(line, "  #"); i >= 0 {
		return line[:i]
	}
	return line
}

// TestREADMEShellRecipes runs each README pipeline and background recipe as the user would, with sh,
// the real CLI and a simulator: a recipe that hangs (a $(...) waiting for a command that never exits)
// or fails is caught here. A line whose other tools are missing here, or that names placeholders,
// is skipped and said so.
func TestREADMEShellRecipes(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	exe := processBinary(t)
	recipes := readmeRecipes(t, filepath.Join(repoRoot, "README.md"))
	if len(recipes) == 0 {
		t.Fatal("found no pipeline or background recipe in README.md: is the extraction broken?")
	}
	for _, rc := range recipes {
		t.Run(strings.Fields(rc.script)[0]+"@"+itoaLine(rc.line), func(t *testing.T) {
			if placeholder.MatchString(rc.script) {
				t.Skipf("README.md:%d names placeholders: %q", rc.line, rc.script)
			}
			for _, tool := range []string{"jq", "sqlite3", "head"} {
				if strings.Contains(rc.script, tool+" ") {
					if _, err := exec.LookPath(tool); err != nil {
						t.Skipf("README.md:%d needs %s, which is not installed here", rc.line, tool)
					}
				}
			}
			sb := startSandbox(t, sandbox.Options{})
			dir := t.TempDir()
			bin := filepath.Join(dir, ".bin")
			os.MkdirAll(bin, 0o755)
			wrapper := "#!/bin/sh\nNOVITA_TEST_AS_CLI=1 exec '" + exe + "' \"$@\"\n"
			if err := os.WriteFile(filepath.Join(bin, "novita"), []byte(wrapper), 0o755); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), recipeGuard)
			defer cancel()
			cmd := exec.CommandContext(ctx, sh, "-ec", rc.script)
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + dir,
				"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "NOVITA_STATE_DIR=" + filepath.Join(dir, "state"),
				"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"), "NOVITA_BASE_URL=" + sb.URL(), "NOVITA_API_KEY=" + sb.APIKey(),
				"NOVITA_KEY=sk_readme_recipe_key_0123456789"}
			cmd.WaitDelay = 5 * time.Second
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("README.md:%d did not finish (it hangs):\n%s\n%s", rc.line, rc.script, out)
			}
			if err != nil {
				t.Fatalf("README.md:%d failed (%v):\n%s\n%s", rc.line, err, rc.script, out)
			}
		})
	}
}

func itoaLine(n int) string { return strconv.Itoa(n) }
