package words

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/config"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/preview"
	"github.com/novita-cli/novita/pkg/training"
	"github.com/novita-cli/novita/pkg/tunnel/tunnelmode"
)

func build(t *testing.T, task string, in body.Input) error {
	t.Helper()
	tk, err := catalog.Resolve(task)
	if err != nil {
		t.Fatal(err)
	}
	_, err = body.Build(context.Background(), tk, in)
	if err == nil {
		t.Fatalf("%s %+v was accepted", task, in)
	}
	return err
}

// The body's inputs are named by the flags that gave them, each field by the flag that sets it.
func TestBodyErrorsNameTheFlags(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.png")
	for _, c := range []struct {
		task string
		in   body.Input
		want []string
	}{
		{"txt2img", body.Input{Flags: map[string]string{"prompt": "p"}, Sets: []string{"no-equals-sign"}},
			[]string{"--set no-equals-sign: want path=value (or path:=JSON), e.g. --set request.seed=42"}},
		{"txt2img", body.Input{Flags: map[string]string{"prompt": "p"}, SetFiles: []string{"nofile"}},
			[]string{"--set-file nofile: want path=file, e.g. --set-file request.image_base64=photo.png"}},
		{"txt2img", body.Input{Data: "@" + missing}, []string{"--data: cannot read file"}},
		{"txt2img", body.Input{Data: "-"}, []string{"--data -: no standard input to read"}},
		{"txt2img", body.Input{Data: "[1]"}, []string{"--data: want a JSON object"}},
		{"img2img", body.Input{Flags: map[string]string{"prompt": "p", "image": missing}}, []string{"--image: cannot read file"}},
		{"txt2video", body.Input{Flags: map[string]string{"prompt": "p", "image": "x.png"}},
			[]string{"--image: task txt2video does not take this flag (it takes --video-type, --model,", "; set the field directly with --set path=value"}},
		{"my-private-model", body.Input{Flags: map[string]string{"prompt": "x"}},
			[]string{"--prompt: my-private-model is not in the catalog, so typed flags do not apply: build the body with --data JSON and --set path=value"}},
		{"my-private-model", body.Input{}, []string{"my-private-model is not in the catalog and no body was given: build it with --data JSON"}},
		{"txt2img", body.Input{}, []string{"txt2img: missing required field request.prompt: set it with --prompt or --set request.prompt=VALUE"}},
		{"txt2img", body.Input{Flags: map[string]string{"prompt": "p", "width": "4000"}},
			[]string{"txt2img: request.width must be between 128 and 2048, got 4000 (set it with --width or --set request.width=VALUE)"}},
		{"txt2img", body.Input{Flags: map[string]string{"prompt": "p", "steps": "many"}, Sets: []string{"width=5"}},
			[]string{`--steps: "many" is not an integer`, "\ntxt2img: request.width must be between 128 and 2048, got 5 (set it with --width"}},
	} {
		got := Message(build(t, c.task, c.in))
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %+v:\n%s\nlacks %q", c.task, c.in, got, w)
			}
		}
	}
}

func TestCatalogErrorsNameTheCommands(t *testing.T) {
	_, err := catalog.Resolve("subject-training")
	if got := Message(err); !strings.Contains(got, "start it with novita train subject (novita catalog subject-training shows its parameters)") {
		t.Errorf("training endpoint: %s", got)
	}
	_, err = catalog.Resolve("no such/task?")
	if got := Message(err); !strings.Contains(got, "use a catalog name (novita catalog lists them)") {
		t.Errorf("bad name: %s", got)
	}
}

// A field group names each field by its flag, or by --set where it has none.
func TestGroupNamesTheFlags(t *testing.T) {
	e := &catalog.FieldError{Task: "demo", Flags: map[string]string{"image_url": "image-url"},
		Violation: &catalog.Violation{Kind: catalog.ViolationGroup, Path: "image_url", Allowed: []string{"image_url", "image_base64"},
			Note: "the first frame"}}
	if got, want := Message(e), "demo: give one of --image-url or --set image_base64=VALUE (the first frame)"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	e.Violation.Given = e.Violation.Allowed
	if got := Message(e); !strings.HasPrefix(got, "demo: give only one of --image-url or") {
		t.Errorf("both given: %s", got)
	}
}

func TestTrainingNamesItsFlags(t *testing.T) {
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	task, _ := c.Training("subject-training")
	_, err = training.Prepare(task, training.Request{Fields: map[string]any{"name": "me"}})
	if got := Message(err); !strings.Contains(got, "give the training images with --images FILE") {
		t.Errorf("no images: %s", got)
	}
	_, err = training.Prepare(task, training.Request{Images: []training.Image{{Path: "a.png", Data: png}}})
	if got := Message(err); !strings.Contains(got, "train subject: missing name: set it with --name") {
		t.Errorf("no name: %s", got)
	}
}

// A PNG's signature is all the sniffing reads.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

// A setting's refusal says how to put it right where it lives.
func TestSettingErrorsSayHowToFixThem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		return map[string]string{"NOVITA_API_KEY": "sk_live_abc\r", "NOVITA_TUNNEL": "bogus"}[k]
	}
	_, _, err = f.ResolveChecked(env, "api_key", "", false)
	want := `api_key from NOVITA_API_KEY ends with a carriage return (\r), as a line saved on Windows does: fix the value of NOVITA_API_KEY (tr -d '\r' removes it)`
	if got := Message(err); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	_, _, err = f.ResolveChecked(env, "tunnel", "", false)
	if got, want := Message(err), `tunnel "bogus" from NOVITA_TUNNEL is not one of auto, ngrok, local, none: fix it with: export NOVITA_TUNNEL=auto`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	_, _, err = f.ResolveChecked(env, "api_key", "sk live", true)
	if got, want := Message(err), "--api-key contains whitespace (character 3): pass the api key alone"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := Message(config.Validate("tunnel", "bogus")), `tunnel "bogus" is not one of auto, ngrok, local, none: e.g. novita config set tunnel auto`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := Message(f.Set("tunnel", " ")), "empty value for tunnel: to remove it run: novita config unset tunnel"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	mustWrite(t, path, "tunnel: bogus\n")
	f, _ = config.Load(path)
	_, _, err = f.ResolveChecked(func(string) string { return "" }, "tunnel", "", false)
	if got, want := Message(err), `tunnel "bogus" in `+path+` is not one of auto, ngrok, local, none: fix it with: novita config set tunnel auto`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func mustWrite(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The receiver's, the tunnels' and the pipeline's refusals name the flags that change them, also
// when wrapped in more words.
func TestOpsErrorsNameTheFlags(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{listen.CheckForwardTarget("localhost:3000"), `--forward-to "localhost:3000" is not an http(s) URL`},
		{listen.ErrNoForwardTarget, "replays need --forward-to URL"},
		{&tunnelmode.EdgeUnreachableError{Reason: "dial tcp: refused"}, "(offline, or a firewall blocks it? --tunnel local or none works without it)"},
		{&tunnelmode.SessionLimitError{Code: "ERR_NGROK_108", Detail: "limit"}, "stop the other ngrok agent or use --tunnel local or none"},
		{fmt.Errorf("open receiver: %w", &tunnelmode.PublicURLError{URL: "/hooks"}), `open receiver: invalid --public-url "/hooks": want an absolute http(s) URL`},
		{&lifecycle.DownloadTimeoutError{TaskID: "t1", Timeout: time.Minute, Err: errors.New("cut")}, "task t1: the outputs did not finish downloading within --timeout 1m0s: cut"},
		{&lifecycle.NoProvenanceError{Mode: "embed", Target: "standard output"}, "--metadata embed: standard output is not a file"},
		{func() error { _, err := preview.ParseMode("sixels"); return err }(), `invalid preview mode "sixels" (--preview or config key preview): use one of auto,`},
	} {
		if got := Message(c.err); !strings.Contains(got, c.want) {
			t.Errorf("%v: worded %q, want %q", c.err, got, c.want)
		}
	}
}

// An engine's error is worded where it stands: the words around it are kept, and each line of a
// joined error is worded on its own even when one line's text starts another's.
func TestMessageKeepsTheContextAndTheLines(t *testing.T) {
	missing := func(path, flag string) error {
		return &catalog.FieldError{Task: "demo", Flags: map[string]string{path: flag},
			Violation: &catalog.Violation{Kind: catalog.ViolationMissing, Path: path}}
	}
	joined := errors.Join(missing("seed", "seed"), missing("seed_x", ""))
	want := "demo: missing required field seed: set it with --seed or --set seed=VALUE\n" +
		"demo: missing required field seed_x: set it with --set seed_x=VALUE"
	if got := Message(joined); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := Lines(fmt.Errorf("line 3: %w", joined)); len(got) != 1 || !strings.HasPrefix(got[0], "line 3: demo: missing required field seed: set it with --seed") {
		t.Errorf("wrapped in more words, one line: %q", got)
	}
	if got := Lines(joined); len(got) != 2 || got[1] != "demo: missing required field seed_x: set it with --set seed_x=VALUE" {
		t.Errorf("lines: %q", got)
	}
}
