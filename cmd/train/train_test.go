package train

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"github.com/novita-cli/novita/pkg/clierr"
)

// TestNewCmdTrain checks what each command line asks of `novita train subject|style`, captured through
// runF: the images (--images and the files after the flags), the captions, and each spec flag the user
// set as its body field with the spec's type; fields left alone are not in Fields (the spec's defaults
// fill them).
func TestNewCmdTrain(t *testing.T) {
	for _, tt := range []struct {
		args    string
		images  string
		fields  string
		wait    bool
		timeout time.Duration
		wantErr string
	}{
		{args: "subject --name me --images a.png b.png", images: "[a.png b.png]", fields: "map[name:me]", timeout: DefaultTimeout},
		{args: "subject --name me --images a.png --lora-r 8 --learning-rate 1e-4 --prior-preservation --wait --timeout 5m",
			images: "[a.png]", fields: "map[expert_setting.learning_rate:0.0001 expert_setting.lora_r:8 expert_setting.with_prior_preservation:true name:me]",
			wait: true, timeout: 5 * time.Minute},
		{args: "style --name ink --images a.png --caption ink --width 768", images: "[a.png]", fields: "map[name:ink width:768]", timeout: DefaultTimeout},
		{args: "style --name ink --lora-r 8", wantErr: "unknown flag: --lora-r"}, // subject only
		{args: "subject --name me --lora-r many", wantErr: "invalid argument"},
		{args: "subject --timeout -1s", wantErr: "cannot be negative"},
	} {
		t.Run(tt.args, func(t *testing.T) {
			var got *Options
			cmd := NewCmdTrain(cmdtest.Factory(), func(_ context.Context, o *Options) error {
				got = o
				return nil
			})
			err := cmdtest.Exec(cmd, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("err %v", err)
			}
			if fmt.Sprint(got.Images) != tt.images || fmt.Sprint(got.Fields) != tt.fields || got.Wait != tt.wait || got.Timeout != tt.timeout {
				t.Errorf("options: images %v fields %v wait %v timeout %v", got.Images, got.Fields, got.Wait, got.Timeout)
			}
			if got.IO == nil || got.API == nil || got.Path == nil || got.Follow.IO == nil || got.Follow.Clock == nil || got.Follow.Advice.Resume == nil {
				t.Errorf("services %+v", *got)
			}
		})
	}
}

// TestNewCmdStatusAndList checks what `train status` and `train list` are asked, captured through
// runF: their flags, --json (a global the root parses) and the services they use.
func TestNewCmdStatusAndList(t *testing.T) {
	f := cmdtest.Factory()
	f.Globals.JSON = true
	var st *StatusOptions
	err := cmdtest.Exec(newCmdStatus(f, func(_ context.Context, o *StatusOptions) error { st = o; return nil }), "8f2c --type style --wait --timeout 2m")
	if err != nil || st.ID != "8f2c" || st.Type != "style" || !st.Wait || st.Timeout != 2*time.Minute || !st.JSON ||
		st.IO == nil || st.API == nil || st.Follow.IO == nil || st.Follow.Schedule.Max == 0 {
		t.Errorf("status: %v, %+v", err, st)
	}
	// An id with a control character is refused before any request, with where to find a real one.
	err = cmdtest.Exec(newCmdStatus(f, func(context.Context, *StatusOptions) error { t.Error("ran with a bad id"); return nil }), "8f2c\x1b[2J")
	if clierr.KindOf(err) != clierr.KindUsage || !strings.Contains(clierr.HintOf(err), "novita train list") {
		t.Errorf("bad id: %v (hint %q)", err, clierr.HintOf(err))
	}
	var ls *ListOptions
	err = cmdtest.Exec(newCmdList(f, func(_ context.Context, o *ListOptions) error { ls = o; return nil }), "--limit 200 --cursor c1")
	if err != nil || ls.Limit != 200 || ls.Cursor != "c1" || !ls.JSON || ls.IO == nil || ls.API == nil {
		t.Errorf("list: %v, %+v", err, ls)
	}
}
