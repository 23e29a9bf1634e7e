package submit

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
)

// TestNewCmdSubmit checks what each command line asks of `novita submit`, captured through runF: the
// task command's typed flags, the body flags (--data, --set, --set-file), the wait and the output flags;
// an endpoint the catalog does not know runs on submit itself. Nothing is built or sent.
func TestNewCmdSubmit(t *testing.T) {
	type want struct {
		task     string
		known    bool
		flags    map[string]string
		lists    map[string][]string
		data     string
		sets     []string
		setFiles []string
		wait     bool
		dryRun   bool
		timeout  time.Duration
		output   string
		overwr   bool
		noDl     bool
		metadata string
		webhook  string
		batch    string
		conc     int
	}
	tests := []struct {
		name    string
		build   string // the task the root would build (submit.Line)
		args    string
		want    want
		wantErr string
	}{
		{name: "typed flags", build: "txt2img", args: "txt2img --prompt cat -n 2 --seed 7",
			want: want{task: "txt2img", known: true, flags: map[string]string{"prompt": "cat", "image-num": "2", "seed": "7"}}},
		{name: "repeated typed flag", build: "txt2speech", args: "txt2speech --text Hello. --text Again. --voice Emily",
			want: want{task: "txt2speech", known: true, flags: map[string]string{"voice": "Emily"}, lists: map[string][]string{"text": {"Hello.", "Again."}}}},
		{name: "body flags", build: "txt2img", args: `txt2img --data {"request":{"steps":20}} --set steps=30 --set request.width:=512 --set-file request.image_base64=in.png`,
			want: want{task: "txt2img", known: true, data: `{"request":{"steps":20}}`, sets: []string{"steps=30", "request.width:=512"}, setFiles: []string{"request.image_base64=in.png"}}},
		{name: "wait and outputs", build: "txt2img", args: "txt2img --prompt x -w --timeout 5m -o out/{index}.{ext} --overwrite --metadata embed",
			want: want{task: "txt2img", known: true, flags: map[string]string{"prompt": "x"}, wait: true, timeout: 5 * time.Minute,
				output: "out/{index}.{ext}", overwr: true, metadata: "embed"}},
		{name: "metadata sidecar, no download", build: "txt2img", args: "txt2img --prompt x --metadata SIDECAR --no-download --dry-run",
			want: want{task: "txt2img", known: true, flags: map[string]string{"prompt": "x"}, metadata: "sidecar", noDl: true, dryRun: true}},
		{name: "webhook url", build: "txt2img", args: "txt2img --prompt x --webhook-url https://example.com/h",
			want: want{task: "txt2img", known: true, flags: map[string]string{"prompt": "x"}, webhook: "https://example.com/h"}},
		{name: "batch", build: "txt2img", args: "txt2img --batch lines.jsonl --concurrency 8 --skip-invalid",
			want: want{task: "txt2img", known: true, batch: "lines.jsonl", conc: 8}},
		{name: "endpoint not in the catalog", args: `some-new-endpoint --data {"a":1} --wait`,
			want: want{task: "some-new-endpoint", data: `{"a":1}`, wait: true}},
		{name: "no task", args: "", wantErr: "submit needs a task"},
		{name: "two words", args: "some-new-endpoint cat", wantErr: "submit takes one task, got 2 words"},
		{name: "words after a task", build: "txt2img", args: "txt2img a cat", wantErr: "takes flags, not words"},
		{name: "another task's flag", build: "txt2img", args: "txt2img --prompt x --voice Emily", wantErr: "txt2img does not take this flag"},
		{name: "typed flag on an unknown endpoint", args: "txt2imgg --prompt x", wantErr: "did you mean txt2img?"},
		{name: "concurrency without batch", build: "txt2img", args: "txt2img --prompt x --concurrency 2", wantErr: "--concurrency and --skip-invalid go with --batch"},
		{name: "bad metadata", build: "txt2img", args: "txt2img --prompt x --metadata xmp", wantErr: "valid values are"},
		{name: "negative timeout", build: "txt2img", args: "txt2img --prompt x --timeout -5s", wantErr: "cannot be negative"},
		{name: "webhook on a synchronous task", build: "remove-background", args: "remove-background --image x.png --webhook-url https://example.com/h",
			wantErr: "synchronous"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Options
			f := cmdtest.Factory()
			f.Globals.JSON = true // parsed by the root
			f.Test.TunnelConnectTimeout = 3 * time.Second
			cmd := NewCmdSubmit(f, func(_ context.Context, o *Options) error {
				got = o
				return nil
			}, Build{Task: tt.build})
			root := &cobra.Command{Use: "novita"} // flag errors are worded by the root's FlagErrorFunc
			root.SetFlagErrorFunc(cmdutil.FlagError)
			root.AddCommand(cmd)
			err := cmdtest.Exec(root, "submit "+tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			if w.timeout == 0 {
				w.timeout = DefaultTimeout
			}
			if w.conc == 0 {
				w.conc = 4
			}
			in := got.Input
			if got.Task.Name != w.task || got.Task.Known() != w.known || !maps.Equal(in.Flags, w.flags) ||
				!maps.EqualFunc(in.Lists, w.lists, slices.Equal) || in.Data != w.data || !slices.Equal(in.Sets, w.sets) ||
				!slices.Equal(in.SetFiles, w.setFiles) {
				t.Errorf("task %q (known %v), input %+v; want %+v", got.Task.Name, got.Task.Known(), in, w)
			}
			if got.Wait != w.wait || got.DryRun != w.dryRun || got.Timeout != w.timeout || got.WebhookURL != w.webhook ||
				got.Batch.File != w.batch || got.Batch.Concurrency != w.conc || got.Batch.SkipInvalid != (w.batch != "") {
				t.Errorf("wait %v, dry run %v, timeout %v, webhook %q, batch %+v; want %+v", got.Wait, got.DryRun, got.Timeout, got.WebhookURL, got.Batch, w)
			}
			if out := got.Output; out.Output != w.output || out.Overwrite != w.overwr || out.NoDownload != w.noDl || out.Metadata != w.metadata {
				t.Errorf("output flags %+v, want %+v", *out, w)
			}
			if !got.JSON || got.IO == nil || got.API == nil || got.Journal == nil || got.NewRunner == nil || got.Clock == nil ||
				got.Advice.Resume == nil || got.Previews == nil || got.Expiry == nil || got.Models == nil || got.HTTPClient == nil ||
				got.Output.Settings.Resolve == nil || got.Tunnel.Env.Resolve == nil || got.Tunnel.Env.ConnectTimeout != 3*time.Second {
				t.Errorf("services %+v", *got)
			}
			// What ready completes from the options: input files and URLs are read as the command line says.
			if got.Input.HTTPClient != got.HTTPClient || got.Input.Stdin == nil {
				t.Errorf("input %+v", got.Input)
			}
		})
	}
}
