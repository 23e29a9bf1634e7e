package acceptance

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/journal"
)

// TestCommittedCompletionsAreCurrent keeps completions/ (shipped in archives and packages) in step
// with the command tree.
func TestCommittedCompletionsAreCurrent(t *testing.T) {
	t.Parallel()
	files := map[string]string{"bash": "novita.bash", "zsh": "_novita", "fish": "novita.fish", "powershell": "novita.ps1"}
	c := newCLI(t)
	for shell, name := range files {
		res := c.run("completion", shell)
		if res.code != 0 || res.stdout == "" {
			t.Fatalf("novita completion %s: exit %d, %d bytes, stderr %q", shell, res.code, len(res.stdout), res.stderr)
		}
		path := filepath.Join(repoRoot, "completions", name)
		committed, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("read %s: %v (run scripts/gen-completions)", path, err)
			continue
		}
		if string(committed) != res.stdout {
			t.Errorf("completions/%s is stale: it differs from `novita completion %s`; run scripts/gen-completions", name, shell)
		}
	}
}

func TestCompletionRejectsUnknownShell(t *testing.T) {
	t.Parallel()
	res := newCLI(t).run("completion", "tcsh")
	if res.code != 2 {
		t.Errorf("novita completion tcsh exited %d, want 2 (usage); stderr %q", res.code, res.stderr)
	}
}

// complete runs cobra's hidden __complete command and returns the offered values (descriptions
// dropped) and the directive.
func (c *cli) complete(args ...string) ([]string, cobra.ShellCompDirective) {
	c.t.Helper()
	res := c.run(append([]string{cobra.ShellCompRequestCmd}, args...)...)
	if res.code != 0 {
		c.t.Fatalf("__complete %q exited %d: %s", args, res.code, res.stderr)
	}
	lines := res.lines()
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
		c.t.Fatalf("__complete %q printed no directive:\n%s", args, res.stdout)
	}
	d, err := strconv.Atoi(strings.TrimPrefix(lines[len(lines)-1], ":"))
	if err != nil {
		c.t.Fatalf("__complete %q: bad directive line %q", args, lines[len(lines)-1])
	}
	var values []string
	for _, l := range lines[:len(lines)-1] {
		v, _, _ := strings.Cut(l, "\t")
		values = append(values, v)
	}
	return values, cobra.ShellCompDirective(d)
}

func TestDynamicCompletions(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	taskID := "0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10"
	j := journal.Open(journal.Dir(func(k string) string { return c.env[k] }))
	if err := j.RecordSubmitted(context.Background(), journal.Submitted{TaskID: taskID, Task: "txt2img",
		SubmittedAt: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	cases := []struct {
		args   []string
		want   string
		noFile bool
	}{
		{[]string{"submit", ""}, "txt2img", true},
		{[]string{"submit", "txt"}, "txt2video", true},
		{[]string{"submit", "txt2img", "--tunnel", ""}, "ngrok", true},
		{[]string{"submit", "txt2img", "--sampler", ""}, "Euler a", true},
		{[]string{"submit", "txt2img", "--image-type", ""}, "webp", true},
		{[]string{"wait", ""}, taskID, false}, // an output file names its task too
		{[]string{"result", ""}, taskID, false},
		{[]string{"tasks", "show", ""}, taskID, false},
		{[]string{"test-event", "--status", ""}, "FAILED", true},
		{[]string{"listen", "--status", ""}, "SUCCEED", true},
		{[]string{"config", "get", ""}, "api_key", true},
		{[]string{"completion", ""}, "powershell", false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.args), func(t *testing.T) {
			c.t = t
			values, dir := c.complete(tc.args...)
			if !slices.Contains(values, tc.want) {
				t.Errorf("completing %q offers %q, want it to include %q", tc.args, values, tc.want)
			}
			if tc.noFile && dir&cobra.ShellCompDirectiveNoFileComp == 0 {
				t.Errorf("completing %q allows file names (directive %d); want ShellCompDirectiveNoFileComp", tc.args, dir)
			}
		})
	}
}

func TestTaskNameCompletionCarriesDescriptions(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	res := c.run(cobra.ShellCompRequestCmd, "submit", "txt2")
	for _, l := range res.lines() {
		if strings.HasPrefix(l, "txt2img\t") && len(l) > len("txt2img\t") {
			return
		}
	}
	t.Errorf("task name completion has no description for txt2img:\n%s", res.stdout)
}

func TestImageFlagCompletesFiles(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	_, dir := c.complete("submit", "img2img", "--image", "")
	if dir&cobra.ShellCompDirectiveNoFileComp != 0 {
		t.Errorf("--image completion forbids file names (directive %d)", dir)
	}
}

// Completion offers the canonical task names (not the aliases), each task's own enum values, for an
// alias too, and task names after common flags; catalog completes names and kinds.
func TestTaskAndEnumCompletion(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	names, _ := c.complete("submit", "t")
	if !slices.Contains(names, "txt2img") || !slices.Contains(names, "txt2speech") || slices.Contains(names, "t2i") || slices.Contains(names, "tts") {
		t.Errorf("completing `submit t` offers %q: want canonical names only", names)
	}
	if all, _ := c.complete("submit", ""); len(all) != len(catalog.Names()) {
		t.Errorf("completing `submit ` offers %d names for %d tasks", len(all), len(catalog.Names()))
	}
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"submit", "kling-v2.1-t2v-master", "--duration", ""}, []string{"5", "10"}},
		{[]string{"submit", "kling-v2.1-t2v-master", "--aspect-ratio", ""}, []string{"16:9", "9:16", "1:1"}},
		{[]string{"submit", "t2i", "--sampler", ""}, []string{"Euler a", "DPM++ 2M Karras"}},
		{[]string{"submit", "Txt2Img", "--image-type", ""}, []string{"png", "jpeg", "webp"}},
		{[]string{"submit", "txt2speech", "--audio-type", ""}, []string{"mp3", "wav"}},
		{[]string{"submit", "--wait", ""}, []string{"txt2img", "remove-background"}},
		{[]string{"catalog", ""}, []string{"txt2img", "wan-t2v"}},
		{[]string{"catalog", "--kind", ""}, []string{"image", "video", "audio", "text"}},
	}
	for _, tc := range cases {
		values, dir := c.complete(tc.args...)
		for _, w := range tc.want {
			if !slices.Contains(values, w) {
				t.Errorf("completing %q offers %q, want %q among them", tc.args, values, w)
			}
		}
		if dir&cobra.ShellCompDirectiveNoFileComp == 0 {
			t.Errorf("completing %q allows file names (directive %d)", tc.args, dir)
		}
	}
	// A task's completion knows only its own flags.
	flags, _ := c.complete("submit", "wan-t2v", "--")
	if !slices.Contains(flags, "--prompt") || slices.Contains(flags, "--voice") || slices.Contains(flags, "--mask") {
		t.Errorf("completing `submit wan-t2v --` offers %q", flags)
	}
}

// A task reference may be an output file: completing one offers ids and lets the shell add file names.
func TestTaskReferenceCompletionAllowsFiles(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{{"tasks", "show", ""}, {"wait", ""}, {"result", ""}, {"tasks", "rm", ""}} {
		if _, dir := c.complete(args...); dir&cobra.ShellCompDirectiveNoFileComp != 0 {
			t.Errorf("completing %q forbids file names (directive %d)", args, dir)
		}
	}
}
