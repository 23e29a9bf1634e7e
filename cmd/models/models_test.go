package models

import (
	"context"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"reflect"
	"strings"
	"testing"
)

// TestNewCmdModels checks what each command line asks of `novita models`, captured through runF.
func TestNewCmdModels(t *testing.T) {
	tests := []struct {
		args    string
		want    Options
		wantErr string
	}{
		{args: "", want: Options{}},
		{args: "dream shaper --all --refresh", want: Options{Query: "dream shaper", All: true, Refresh: true}},
		{args: "--sdxl --inpainting --limit 50 --include-unavailable", want: Options{SDXL: true, Inpainting: true, Limit: 50, IncludeUnavailable: true}},
		{args: "--limit 0", wantErr: "--limit 0 is out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			var got *Options
			cmd := NewCmdModels(f, func(_ context.Context, o *Options) error {
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
			got.IO, got.Clock, got.API, got.Cache = nil, nil, nil, nil // what the factory gave, not the command line
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}
