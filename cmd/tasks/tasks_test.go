package tasks

import (
	"context"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"slices"
	"strings"
	"testing"
)

// TestNewCmdTasks checks what each command line asks of `novita tasks`, captured through runF.
func TestNewCmdTasks(t *testing.T) {
	tests := []struct {
		args    string
		want    Options
		wantErr string
	}{
		{args: "", want: Options{Limit: 20}},
		{args: "a fox --since 2d", want: Options{Text: "a fox", Since: "2d", Limit: 20}},
		{args: "--status failed,queued --status SUCCEED --task txt2img --limit 0",
			want: Options{Status: []string{"failed", "queued", "SUCCEED"}, Task: "txt2img"}},
		{args: "--batch b-1 --pending", want: Options{BatchID: "b-1", Pending: true, Limit: 20}},
		{args: "--db-path", want: Options{DBPath: true, Limit: 20}},
		{args: "--db-path fox", wantErr: "--db-path prints the database's path"},
		{args: "--db-path --limit 3", wantErr: "--db-path prints the database's path"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			var got *Options
			cmd := NewCmdTasks(f, func(_ context.Context, o *Options) error {
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
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			if got.Text != w.Text || !slices.Equal(got.Status, w.Status) || got.Task != w.Task || got.Since != w.Since ||
				got.BatchID != w.BatchID || got.Pending != w.Pending || got.Limit != w.Limit || got.DBPath != w.DBPath {
				t.Errorf("options %+v, want %+v", *got, w)
			}
		})
	}
}

// TestNewCmdShow checks what each command line asks of `novita tasks show`, captured through runF.
func TestNewCmdShow(t *testing.T) {
	tests := []struct{ args, want, wantErr string }{
		{args: "0b6e3f2a", want: "0b6e3f2a"},
		{args: "cats/1.png", want: "cats/1.png"},
		{args: "", wantErr: "needs a task id"},
		{args: "a b", wantErr: "takes one task id, got 2 words"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			var got *ShowOptions
			cmd := NewCmdShow(cmdtest.Factory(), func(_ context.Context, o *ShowOptions) error { got = o; return nil })
			err := cmdtest.Exec(cmd, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Ref != tt.want {
				t.Fatalf("error %v, ref %+v, want %q", err, got, tt.want)
			}
			if got.IO == nil || got.Finder == nil || got.Finder.Journal == nil || got.Finder.IO == nil || got.Clock == nil || got.JSON {
				t.Errorf("services %+v", *got)
			}
		})
	}
	// --json (a global, parsed by the root) reaches the options.
	f := cmdtest.Factory()
	f.Globals.JSON = true
	var got *ShowOptions
	if err := cmdtest.Exec(NewCmdShow(f, func(_ context.Context, o *ShowOptions) error { got = o; return nil }), "0b6e3f2a"); err != nil || !got.JSON {
		t.Errorf("--json: %v, %+v", err, got)
	}
	// A reference of blanks names nothing (cobra cannot see it in a space-split line).
	cmd := NewCmdShow(cmdtest.Factory(), func(context.Context, *ShowOptions) error { return nil })
	cmd.SetArgs([]string{"  "})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "empty task id") {
		t.Errorf("blank reference: %v", err)
	}
}

// TestNewCmdTidy checks what each command line asks of `novita tasks rm` and `prune`, captured through runF.
func TestNewCmdTidy(t *testing.T) {
	tests := []struct {
		cmd     string
		args    string
		want    TidyOptions
		wantErr string
	}{
		{cmd: "rm", args: "0b6e3f2a cats/1.png --files --dry-run", want: TidyOptions{Refs: []string{"0b6e3f2a", "cats/1.png"}, Files: true, DryRun: true}},
		{cmd: "rm", args: "", wantErr: "requires at least 1 arg(s)"},
		{cmd: "prune", args: "--older-than 30d --status failed,QUEUED --files", want: TidyOptions{OlderThan: "30d", Status: []string{"failed", "QUEUED"}, Files: true}},
		{cmd: "prune", args: "--sandbox --dry-run", want: TidyOptions{Sandbox: true, DryRun: true}},
		{cmd: "prune", args: "--files", wantErr: "tasks prune needs a filter"},
		{cmd: "prune", args: "old", wantErr: `unknown command "old"`},
	}
	for _, tt := range tests {
		t.Run(tt.cmd+" "+tt.args, func(t *testing.T) {
			var got *TidyOptions
			runF := func(_ context.Context, o *TidyOptions) error { got = o; return nil }
			cmd := NewCmdRm(cmdtest.Factory(), runF)
			if tt.cmd == "prune" {
				cmd = NewCmdPrune(cmdtest.Factory(), runF)
			}
			err := cmdtest.Exec(cmd, tt.args)
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
			if !slices.Equal(got.Refs, w.Refs) || got.Files != w.Files || got.DryRun != w.DryRun || got.OlderThan != w.OlderThan ||
				!slices.Equal(got.Status, w.Status) || got.Sandbox != w.Sandbox {
				t.Errorf("options %+v, want %+v", *got, w)
			}
			if got.IO == nil || got.Journal == nil || got.Finder == nil || got.Clock == nil {
				t.Errorf("services %+v", *got)
			}
		})
	}
}
