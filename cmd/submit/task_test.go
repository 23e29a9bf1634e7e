package submit

import (
	"context"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
)

func testFactory() *factory.Factory {
	ios, _, _, _ := iostreams.Test()
	return factory.New(ios, nil, factory.BuildInfo{}, &http.Client{})
}

// parse runs a task command's flag parsing with args and returns the options its run got.
func parse(t *testing.T, name string, args ...string) (*Options, error) {
	t.Helper()
	task, ok := catalog.Lookup(name)
	if !ok {
		t.Fatalf("%s is not in the catalog", name)
	}
	var got *Options
	cmd := NewCmdTask(testFactory(), task, nil, func(_ context.Context, o *Options) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute()
	return got, err
}

// Only the typed flags the user gave reach the body builder (unset ones keep the spec's default),
// repeatable ones as lists, each as typed.
func TestTaskCommandPassesOnlyChangedTypedFlags(t *testing.T) {
	o, err := parse(t, "txt2speech", "--text", "Hello.", "--voice", "Emily", "--text", "Again.")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.Input.Flags, map[string]string{"voice": "Emily"}) ||
		!reflect.DeepEqual(o.Input.Lists, map[string][]string{"text": {"Hello.", "Again."}}) {
		t.Errorf("flags %v, lists %v", o.Input.Flags, o.Input.Lists)
	}
	o, err = parse(t, "txt2img", "--prompt", "a cat", "-n", "2", "--guidance-scale", "7", "--dry-run", "--set", "steps=30")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"prompt": "a cat", "image-num": "2", "guidance-scale": "7"}
	if !reflect.DeepEqual(o.Input.Flags, want) || len(o.Input.Lists) != 0 || !o.DryRun || !o.Input.NoFetch ||
		!reflect.DeepEqual(o.Input.Sets, []string{"steps=30"}) || o.Task.Name != "txt2img" {
		t.Errorf("options %+v, input %+v", o, o.Input)
	}
}

// Typed flags have their spec's types: a value of the wrong type is a usage error naming the flag,
// and a switch stands alone.
func TestTypedFlagsCheckTheirType(t *testing.T) {
	for _, args := range [][]string{{"--steps", "many"}, {"--guidance-scale", "high"}, {"--width", "1.5"}} {
		_, err := parse(t, "txt2img", append([]string{"--prompt", "x"}, args...)...)
		if clierr.Code(err) != clierr.ExitUsage || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: %v (exit %d), want a usage error naming %s", args, err, clierr.Code(err), args[0])
		}
	}
	o, err := parse(t, "kling-v2.6-pro-t2v", "--prompt", "x", "--sound")
	if err != nil || o.Input.Flags["sound"] != "true" {
		t.Errorf("--sound alone: %v, flags %v", err, o.Input.Flags)
	}
}

// A flag of another task is refused (with a suggestion when one of the task's own flags is close, never
// the whole list); words are refused pointing at --prompt.
func TestTaskCommandRefusesOtherTasksFlagsAndWords(t *testing.T) {
	_, err := parse(t, "kling-v2.1-t2v-master", "--prompt", "x", "--mask", "m.png")
	if clierr.Code(err) != clierr.ExitUsage || !strings.Contains(err.Error(), "--mask") ||
		!strings.Contains(err.Error(), "kling-v2.1-t2v-master does not take") || strings.Contains(err.Error(), "--duration") {
		t.Errorf("--mask on kling: %v", err)
	}
	_, err = parse(t, "txt2img", "a", "cat")
	if clierr.Code(err) != clierr.ExitUsage || !strings.Contains(err.Error(), "--prompt") {
		t.Errorf("words: %v", err)
	}
}

// A synchronous task takes --wait (it changes nothing) but not --webhook-url: nothing would call it.
func TestSyncTaskRefusesWebhookURL(t *testing.T) {
	if _, err := parse(t, "remove-background", "--image", "x.png", "--wait"); err != nil {
		t.Errorf("--wait on a synchronous task: %v", err)
	}
	_, err := parse(t, "remove-background", "--image", "x.png", "--webhook-url", "https://example.com/hook")
	if clierr.Code(err) != clierr.ExitUsage || !strings.Contains(err.Error(), "synchronous") {
		t.Errorf("--webhook-url on a synchronous task: %v", err)
	}
}

// Every catalog task's command builds, and none of its typed flags is lost to a clash with the common
// flags or the root's (such a flag could then only be given with --set).
func TestEveryTaskCommandKeepsAllItsTypedFlags(t *testing.T) {
	f := testFactory()
	for _, task := range catalog.All() {
		cmd := NewCmdTask(f, task, nil, nil)
		for _, s := range task.FlagSpecs() {
			fl := cmd.Flags().Lookup(s.Name)
			if fl == nil {
				t.Errorf("%s: --%s clashes with a common flag", task.Name, s.Name)
				continue
			}
			switch fl.Value.(type) {
			case *typedValue, listValue:
			default:
				t.Errorf("%s: --%s is a common flag, not the task's", task.Name, s.Name)
			}
		}
	}
}
