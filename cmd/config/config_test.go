package config

import (
	"context"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"strings"
	"testing"
)

// TestNewCmdConfig checks what each command line asks of `novita config`, captured through runF.
func TestNewCmdConfig(t *testing.T) {
	tests := []struct {
		args    string
		want    Options
		wantErr string
	}{
		{args: "get base_url", want: Options{Action: "get", Key: "base_url"}},
		{args: "get api_key --reveal", want: Options{Action: "get", Key: "api_key", Reveal: true}},
		{args: "set tunnel local", want: Options{Action: "set", Key: "tunnel", Value: "local", HasValue: true}},
		{args: "set api_key", want: Options{Action: "set", Key: "api_key"}},
		{args: "unset ngrok_authtoken", want: Options{Action: "unset", Key: "ngrok_authtoken"}},
		{args: "list", want: Options{Action: "list"}},
		{args: "path", want: Options{Action: "path"}},
		{args: "get", wantErr: "accepts 1 arg"},
		{args: "set a b c", wantErr: "accepts between 1 and 2 arg"},
		{args: "list extra", wantErr: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			var got *Options
			cmd := NewCmdConfig(f, func(_ context.Context, o *Options) error {
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
			if got.Action != w.Action || got.Key != w.Key || got.Value != w.Value || got.HasValue != w.HasValue || got.Reveal != w.Reveal {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}
