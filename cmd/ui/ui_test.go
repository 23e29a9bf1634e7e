package ui

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/testmain"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

func TestMain(m *testing.M) { testmain.Main(m) }

func TestOpenerPerSystem(t *testing.T) {
	for goos, want := range map[string]string{"linux": "xdg-open", "freebsd": "xdg-open", "darwin": "open", "windows": "cmd /c start "} {
		name, args := opener(goos)
		if got := strings.Join(append([]string{name}, args...), " "); got != want {
			t.Errorf("%s: %q, want %q", goos, got, want)
		}
	}
}

// --open hands the tokened URL to the opener once the server serves; a failing opener is a warning
// and the inspector keeps serving.
func TestOpenLaunchesTheBrowserOnTheServedURL(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	dir := t.TempDir()
	env := map[string]string{"NOVITA_STATE_DIR": filepath.Join(dir, "state"), "HOME": dir, "XDG_CONFIG_HOME": filepath.Join(dir, "config")}
	f := factory.New(ios, func(k string) string { return env[k] }, factory.BuildInfo{}, &http.Client{})
	ready := make(chan string, 1)
	f.Test.UIReady = ready
	opened := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := NewCmdUI(f, func(ctx context.Context, o *Options) error {
		o.OpenBrowser = func(url string) error {
			opened <- url
			return errors.New("no display")
		}
		return runUI(ctx, o)
	})
	cmd.SetArgs([]string{"--addr", "127.0.0.1:0", "--open"})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	var url string
	select {
	case url = <-opened:
	case err := <-done:
		t.Fatalf("ui ended: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the browser was never opened")
	}
	if got := <-ready; got != url || !strings.Contains(url, "?token=") {
		t.Fatalf("opened %q, announced %q", url, got)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the opened URL answers %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "could not open a browser (no display)") {
		t.Fatalf("the opener's failure should be a warning:\n%s", errOut)
	}
}

// A busy default port (another inspector) moves to a free one; a port the user chose does not.
func TestBindMovesOffABusyDefaultPortOnly(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	ios, _, _, errOut := iostreams.Test()
	f := factory.New(ios, nil, factory.BuildInfo{}, &http.Client{})
	srv, err := NewInspector(f).Bind(ServeConfig{Addr: busy.Addr().String(), AddrFlag: "--addr"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.Addr() == busy.Addr().String() || !strings.Contains(errOut.String(), "is busy") {
		t.Fatalf("served on %s; stderr %q", srv.Addr(), errOut)
	}
	if _, err := NewInspector(f).Bind(ServeConfig{Addr: busy.Addr().String(), AddrFlag: "--ui-addr", AddrSet: true}); err == nil ||
		!strings.Contains(err.Error(), "--ui-addr") {
		t.Fatalf("a chosen busy port: %v", err)
	}
}

func TestDownloadAgainOfAnOutputNeverSavedNamesTheCommand(t *testing.T) {
	err := explainSaveTo(&lifecycle.NeverSavedError{TaskID: "t-1", Kind: "image", Index: 1})
	if want := "image 1 of task t-1 was never saved, so it has no path to save it to again: run novita result t-1 --download"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if other := errors.New("x"); explainSaveTo(other) != other {
		t.Error("other errors are not reworded")
	}
}

// TestNewCmdUI checks what each command line asks of `novita ui`, captured through runF: nothing serves.
func TestNewCmdUI(t *testing.T) {
	tests := []struct {
		args    string
		want    Options
		wantErr string
	}{
		{args: "", want: Options{Addr: "127.0.0.1:4949"}},
		{args: "--addr 127.0.0.1:8080 --open", want: Options{Addr: "127.0.0.1:8080", AddrSet: true, Open: true}},
		{args: "--addr 0.0.0.0:8080 --allow-remote", want: Options{Addr: "0.0.0.0:8080", AddrSet: true, AllowRemote: true}},
		{args: "gallery", wantErr: `unknown command "gallery"`},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			var got *Options
			cmd := NewCmdUI(f, func(_ context.Context, o *Options) error {
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
			if got.Addr != w.Addr || got.AddrSet != w.AddrSet || got.AllowRemote != w.AllowRemote || got.Open != w.Open || got.OpenBrowser == nil ||
				got.IO == nil || got.Journal == nil || got.Inspector == nil || got.Inspector.API == nil || got.Inspector.NewRunner == nil {
				t.Errorf("options %+v, want %+v", *got, w)
			}
		})
	}
}
