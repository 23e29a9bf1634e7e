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
