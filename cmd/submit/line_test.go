package submit_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/root"
	"github.com/novita-cli/novita/cmd/submit"
	"github.com/novita-cli/novita/pkg/iostreams"
)

func tree(t *testing.T, args ...string) *cobra.Command {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	f := factory.New(ios, nil, factory.BuildInfo{}, &http.Client{})
	ran := false
	return root.NewCmdRoot(f, root.Local{}, &ran, args)
}

func taskCmd(t *testing.T, r *cobra.Command, name string) *cobra.Command {
	t.Helper()
	c, _, err := r.Find([]string{"submit", name})
	if err != nil || c.Name() != name {
		t.Fatalf("no submit %s in the tree: %v", name, err)
	}
	return c
}

// The root builds the one task a command line names, wherever the name is (after global and common
// flags, behind __complete or help), in whatever case or alias form (the word made canonical so that
// cobra finds it), and leaves every other task a stub without flags: start-up parses one spec at most.
func TestRootBuildsOnlyTheTaskTheLineNames(t *testing.T) {
	cases := []struct {
		args []string
		want []string // the args the root executes
		task string   // the task built ("" none)
	}{
		{[]string{"--json", "submit", "--wait", "T2I", "--prompt", "x"}, []string{"--json", "submit", "--wait", "txt2img", "--prompt", "x"}, "txt2img"},
		{[]string{"submit", "-o", "out.png", "Txt2Img"}, []string{"submit", "-o", "out.png", "txt2img"}, "txt2img"},
		{[]string{"--api-key", "submit", "submit", "/v3/async/img2img"}, []string{"--api-key", "submit", "submit", "img2img"}, "img2img"},
		{[]string{"__complete", "submit", "kling-v2.1-t2v-master", "--duration", ""}, nil, "kling-v2.1-t2v-master"},
		{[]string{"help", "submit", "rembg"}, []string{"help", "submit", "remove-background"}, "remove-background"},
		// an unknown flag before the task takes the next word, as in cobra: that word is its value
		{[]string{"submit", "--prompt", "txt2img", "img2img"}, nil, "img2img"},
		{[]string{"submit", "some-new-endpoint", "--data", "{}"}, nil, ""},
		{[]string{"version"}, nil, ""},
		{[]string{"tasks", "txt2img"}, nil, ""},
	}
	for _, c := range cases {
		got, task := submit.Line(c.args, tree(t).PersistentFlags())
		want := c.want
		if want == nil {
			want = c.args
		}
		if !slices.Equal(got, want) || task != c.task {
			t.Errorf("Line(%q) = %q, %q; want %q, %q", c.args, got, task, want, c.task)
		}
		r := tree(t, c.args...)
		sub, _, _ := r.Find([]string{"submit"})
		for _, tc := range sub.Commands() {
			built := tc.Flags().Lookup("data") != nil
			if built != (tc.Name() == c.task) {
				t.Errorf("NewCmdRoot(%q): submit %s built = %v", c.args, tc.Name(), built)
			}
		}
	}
}

// The built command is the task's own: its typed flags and the common ones; the root's flags are not
// shadowed.
func TestBuiltTaskHasItsFlags(t *testing.T) {
	r := tree(t, "submit", "wan-t2v")
	c := taskCmd(t, r, "wan-t2v")
	for _, name := range []string{"prompt", "negative-prompt", "seed", "wait", "data", "set", "output"} {
		if c.Flags().Lookup(name) == nil {
			t.Errorf("submit wan-t2v has no --%s", name)
		}
	}
	for _, name := range []string{"voice", "mask", "sampler"} {
		if c.Flags().Lookup(name) != nil {
			t.Errorf("submit wan-t2v has --%s, a flag of other tasks", name)
		}
	}
	if c.GroupID != "video" || !slices.Contains(c.Aliases, "wan2.1-t2v") {
		t.Errorf("submit wan-t2v: group %q, aliases %v", c.GroupID, c.Aliases)
	}
}

func TestRootAllBuildsEveryTask(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	r := root.NewCmdRootAll(factory.New(ios, nil, factory.BuildInfo{}, &http.Client{}))
	sub, _, _ := r.Find([]string{"submit"})
	if len(sub.Commands()) < 70 {
		t.Fatalf("%d task commands", len(sub.Commands()))
	}
	for _, tc := range sub.Commands() {
		if tc.Flags().Lookup("data") == nil || tc.Example == "" {
			t.Errorf("submit %s is still a stub in NewCmdRootAll", tc.Name())
		}
	}
}
