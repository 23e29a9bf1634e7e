package wait

import (
	"context"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/waiter"
)

// TestNewCmdWait checks what each command line asks of `novita wait`, captured through runF: nothing runs.
func TestNewCmdWait(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    Options
		wantErr string
	}{
		{name: "ids, repeated once", args: "A B A", want: Options{TaskIDs: []string{"A", "B"}, Concurrency: 4, Timeout: DefaultTimeout}},
		{name: "last with a timeout", args: "--last --timeout 90s", want: Options{Last: true, Concurrency: 4, Timeout: 90 * time.Second}},
		{name: "batch with concurrency", args: "--batch b-1 --concurrency 8", want: Options{BatchID: "b-1", Concurrency: 8, Timeout: DefaultTimeout}},
		{name: "pending", args: "--pending", want: Options{Pending: true, Concurrency: 4, Timeout: DefaultTimeout}},
		{name: "output flags", args: "A -o out/{index}.{ext} --overwrite --no-download", want: Options{TaskIDs: []string{"A"}, Concurrency: 4, Timeout: DefaultTimeout}},
		{name: "batch and ids", args: "--batch b-1 A", wantErr: "give --batch, task ids or --last, not several"},
		{name: "pending and last", args: "--pending --last", wantErr: "--pending waits for every unfinished task"},
		{name: "concurrency alone", args: "A --concurrency 2", wantErr: "--concurrency goes with --batch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := cmdtest.Factory()
			f.Globals.JSON = true                                     // parsed by the root
			f.Test.Schedule = &waiter.Schedule{Min: time.Millisecond} // a test hook, taken when the command is built
			var got *Options
			cmd := NewCmdWait(f, func(_ context.Context, o *Options) error {
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
			if !slices.Equal(got.TaskIDs, w.TaskIDs) || got.Last != w.Last || got.BatchID != w.BatchID || got.Pending != w.Pending ||
				got.Concurrency != w.Concurrency || got.Timeout != w.Timeout {
				t.Errorf("options %+v, want %+v", *got, w)
			}
			if tt.name == "output flags" && (got.Output.Output != "out/{index}.{ext}" || !got.Output.Overwrite || !got.Output.NoDownload) {
				t.Errorf("output flags %+v", *got.Output)
			}
			if !got.JSON || got.Schedule.Min != time.Millisecond {
				t.Errorf("json %v, schedule %+v", got.JSON, got.Schedule)
			}
			if got.IO == nil || got.API == nil || got.Journal == nil || got.Finder == nil || got.NewRunner == nil || got.Clock == nil ||
				got.Advice.Resume == nil || got.Previews == nil || got.Expiry == nil || got.Output.Settings.Path == nil {
				t.Errorf("services %+v", *got)
			}
		})
	}
}
