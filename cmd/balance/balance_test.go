package balance

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// TestNewCmdBalance checks what each command line asks of `novita balance`, captured through runF.
func TestNewCmdBalance(t *testing.T) {
	for _, tt := range []struct {
		args    string
		json    bool
		wantErr string
	}{
		{args: ""},
		{args: "extra", wantErr: "unknown command"},
	} {
		t.Run(tt.args, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			f := factory.New(ios, nil, factory.BuildInfo{}, &http.Client{})
			var got *Options
			cmd := NewCmdBalance(f, func(_ context.Context, o *Options) error {
				got = o
				return nil
			})
			cmd.SetArgs(strings.Fields(tt.args))
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.ExecuteContext(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.IO != ios || got.API == nil || got.JSON != tt.json {
				t.Fatalf("options %+v, err %v", got, err)
			}
		})
	}
}

// The run function needs only its Options: streams, an API, --json.
func TestRunBalance(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := novita.NewClient(sb.URL(), sb.APIKey(), "test")
	c.HTTPClient = &http.Client{Transport: tr}
	api := func() (*factory.API, error) { return &factory.API{BaseURL: sb.URL(), Key: sb.APIKey(), Client: c}, nil }

	ios, _, out, _ := iostreams.Test()
	if err := runBalance(context.Background(), &Options{IO: ios, API: api}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "Available") || !strings.Contains(out.String(), "$") {
		t.Errorf("table:\n%s", out)
	}
	ios, _, out, _ = iostreams.Test()
	if err := runBalance(context.Background(), &Options{IO: ios, API: api, JSON: true}); err != nil || !strings.HasPrefix(out.String(), "{") {
		t.Errorf("--json: %v\n%s", err, out)
	}
	n := len(sb.Requests())
	noKey := func() (*factory.API, error) { return &factory.API{BaseURL: sb.URL(), Client: c}, nil }
	if err := runBalance(context.Background(), &Options{IO: ios, API: noKey}); !errors.Is(err, cmdutil.ErrMissingKey) || len(sb.Requests()) != n {
		t.Errorf("without a key: %v, %d requests sent", err, len(sb.Requests())-n)
	}
}
