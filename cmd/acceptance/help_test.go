package acceptance

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd"
	"github.com/novita-cli/novita/pkg/catalog"
)

// visibleCommands walks the tree, skipping cobra's hidden __complete* commands and the auto help command.
func visibleCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		if sub.Hidden || strings.HasPrefix(sub.Name(), "__") || sub.Name() == "help" {
			continue
		}
		out = append(out, visibleCommands(sub)...)
	}
	return out
}

func TestEveryCommandHasGoodHelpText(t *testing.T) {
	t.Parallel()
	root := cmd.NewRootForDocs(cmd.BuildInfo{})
	cmds := visibleCommands(root)
	var paths []string
	for _, c := range cmds {
		paths = append(paths, c.CommandPath())
	}
	// The walk must reach nested commands, or it proves nothing.
	for _, want := range []string{"novita submit", "novita submit txt2img", "novita submit remove-background", "novita catalog",
		"novita test-event", "novita config set", "novita config path", "novita version"} {
		if !slices.Contains(paths, want) {
			t.Fatalf("command walk missed %q; got %v", want, paths)
		}
	}
	for _, c := range cmds {
		name := c.CommandPath()
		short := c.Short
		switch {
		case short == "":
			t.Errorf("%s: no Short description", name)
			continue
		case strings.TrimSpace(short) != short:
			t.Errorf("%s: Short %q has leading or trailing space", name, short)
		case strings.HasSuffix(short, "."):
			t.Errorf("%s: Short %q ends with a period", name, short)
		}
		if r, _ := utf8.DecodeRuneInString(short); !unicode.IsUpper(r) {
			t.Errorf("%s: Short %q does not start with a capital letter (sentence case)", name, short)
		}
		if isTitleCase(short) {
			t.Errorf("%s: Short %q is in Title Case, want sentence case", name, short)
		}
		if c.Example == "" {
			t.Errorf("%s: no Example", name)
		} else if !strings.Contains(c.Example, "$ novita") {
			t.Errorf("%s: Example does not show a \"$ novita ...\" command line:\n%s", name, c.Example)
		} else if !strings.Contains(c.Example, name) {
			t.Errorf("%s: Example never runs %s:\n%s", name, name, c.Example)
		}
		for _, line := range strings.Split(c.Example, "\n") {
			if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "  $ ") {
				t.Errorf("%s: Example line %q is not indented as \"  $ command\"", name, line)
			}
		}
	}
}

// isTitleCase reports whether every word of three or more after the first is capitalised.
func isTitleCase(s string) bool {
	words := strings.Fields(s)
	n, caps := 0, 0
	for _, w := range words[1:] {
		if len(w) < 3 {
			continue
		}
		n++
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			caps++
		}
	}
	return n >= 2 && caps == n
}

func TestRootHelpGroupsCommands(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	res := c.run("--help")
	if res.code != 0 {
		t.Fatalf("novita --help exited %d: %s", res.code, res.stderr)
	}
	groups := helpSections(res.stdout)
	want := []struct {
		title string
		cmds  []string
	}{
		{"Tasks:", []string{"submit", "wait", "result", "tasks", "rerun", "catalog", "train"}}, // rerun: issue 15; catalog: issue 12; train: issue 20
		{"Account:", []string{"models", "balance"}},                                            // issue 16
		{"Webhooks:", []string{"listen", "test-event"}},
		{"Local:", []string{"sandbox", "ui", "mcp"}}, // mcp: issue 23
		{"Settings:", []string{"config", "completion", "doctor", "version"}},
	}
	for _, w := range want {
		got, ok := groups[w.title]
		if !ok {
			t.Errorf("novita --help has no %q section:\n%s", w.title, res.stdout)
			continue
		}
		// "help" is filed under Settings too; nothing else may be. Cobra sorts names within a group.
		got = slices.DeleteFunc(slices.Clone(got), func(s string) bool { return s == "help" && w.title == "Settings:" })
		slices.Sort(got)
		slices.Sort(w.cmds)
		if !slices.Equal(got, w.cmds) {
			t.Errorf("novita --help lists %v under %s, want %v", got, w.title, w.cmds)
		}
	}
	if _, ok := groups["Additional Commands:"]; ok {
		t.Errorf("novita --help has ungrouped commands:\n%s", res.stdout)
	}
	if order := sectionOrder(res.stdout); !slices.Equal(order, groupTitles) {
		t.Errorf("command groups appear in order %v, want %v", order, groupTitles)
	}
}

var groupTitles = []string{"Tasks:", "Account:", "Webhooks:", "Local:", "Settings:"}

// helpSections maps each "Title:" section of cobra's help to the command names listed under it.
func helpSections(help string) map[string][]string {
	out := map[string][]string{}
	title := ""
	for _, line := range strings.Split(help, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			title = ""
		case slices.Contains(groupTitles, line) || line == "Additional Commands:":
			title = line
			out[title] = nil
		case title != "" && strings.HasPrefix(line, "  "):
			out[title] = append(out[title], strings.Fields(line)[0])
		}
	}
	return out
}

func sectionOrder(help string) []string {
	var out []string
	for _, line := range strings.Split(help, "\n") {
		if slices.Contains(groupTitles, line) {
			out = append(out, line)
		}
	}
	return out
}

func TestSubcommandHelpShowsExamples(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{{"submit", "--help"}, {"config", "set", "--help"}, {"help", "wait"}} {
		res := c.run(args...)
		if res.code != 0 {
			t.Fatalf("novita %v exited %d: %s", args, res.code, res.stderr)
		}
		if !strings.Contains(res.stdout, "Examples:\n") || !strings.Contains(res.stdout, "$ novita") {
			t.Errorf("novita %v shows no examples:\n%s", args, res.stdout)
		}
	}
}

// Each task's --help shows its own typed flags only, with their types and defaults, apart from the
// flags every submit shares.
func TestTaskHelpShowsOnlyItsOwnTypedFlags(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	help := func(task string) (own, rest string) {
		t.Helper()
		r := c.run("submit", task, "--help")
		if r.code != 0 {
			t.Fatalf("submit %s --help: exit %d\n%s", task, r.code, r.stderr)
		}
		_, rest, ok := strings.Cut(r.stdout, "Flags of "+task+":\n")
		if !ok {
			t.Fatalf("submit %s --help has no section of its own flags:\n%s", task, r.stdout)
		}
		own, _, _ = strings.Cut(rest, "\n\n")
		return own, r.stdout
	}
	own, all := help("kling-v2.1-t2v-master")
	for _, flag := range []string{"--mask", "--voice", "--sampler", "--image "} {
		if strings.Contains(all, flag) {
			t.Errorf("kling-v2.1-t2v-master --help mentions %s, a flag of other tasks:\n%s", flag, all)
		}
	}
	if !strings.Contains(own, "--duration string") || !strings.Contains(own, `(default "5")`) || !strings.Contains(own, "one of 5, 10") {
		t.Errorf("kling's --duration is not shown with its values and default:\n%s", own)
	}
	_, all = help("wan-t2v")
	if strings.Contains(all, "--voice") || strings.Contains(all, "--mask") {
		t.Errorf("wan-t2v --help mentions --voice or --mask:\n%s", all)
	}
	own, _ = help("txt2img")
	for _, want := range []string{"--steps int", "--guidance-scale float", "--prompt string", "-n, --image-num int",
		"(default 20)", `(default "Euler a")`, "--seed int", "(default -1)"} {
		if !strings.Contains(own, want) {
			t.Errorf("txt2img --help: no %q among its flags:\n%s", want, own)
		}
	}
	if strings.Contains(own, "--wait") || strings.Contains(own, "--data") {
		t.Errorf("the common flags are listed among txt2img's own:\n%s", own)
	}
	_, all = help("remove-background")
	if !strings.Contains(all, "Synchronous: POST /v3/remove-background") || !strings.Contains(all, "--wait, --timeout and the tunnel flags change nothing") {
		t.Errorf("remove-background --help does not say it is synchronous and --wait changes nothing:\n%s", all)
	}
}

// An alias or another letter case shows the canonical task's help.
func TestTaskHelpByAliasShowsTheCanonicalName(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{{"submit", "T2I", "--help"}, {"help", "submit", "txt2image"}, {"submit", "Txt2Img", "-h"}} {
		r := c.run(args...)
		if r.code != 0 || !strings.Contains(r.stdout, "novita submit txt2img [flags]") || !strings.Contains(r.stdout, "Flags of txt2img:") {
			t.Errorf("%v: exit %d, not txt2img's help:\n%s", args, r.code, r.stdout)
		}
	}
}

// submit --help lists every catalog task by kind and documents both --set forms.
func TestSubmitHelpListsEveryTaskAndTheSetForms(t *testing.T) {
	t.Parallel()
	r := newCLI(t).run("submit", "--help")
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	for _, name := range catalog.Names() {
		if !strings.Contains(r.stdout, "\n  "+name+" ") {
			t.Errorf("submit --help does not list %s", name)
		}
	}
	for _, want := range []string{"Image tasks:", "Video tasks:", "Audio tasks:", "Text tasks:", "path:=JSON", "--set prompt=42",
		`delivered_by "sync"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("submit --help does not mention %q", want)
		}
	}
}

// A description's first sentence does not end at an abbreviation: the --model help of video-create
// keeps its example ("e.g. hailuo-02"), in the flag help and in the catalog's table.
func TestFirstSentenceKeepsAbbreviations(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{{"submit", "video-create", "--help"}, {"catalog", "video-create"}} {
		r := c.run(args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "(e.g. hailuo-02)") {
			t.Errorf("%v: the --model description is cut at its abbreviation:\n%s", args, r.stdout)
		}
	}
}
