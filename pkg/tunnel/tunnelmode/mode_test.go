package tunnelmode_test

import (
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	tunnel "github.com/novita-cli/novita/pkg/tunnel/tunnelmode"
)

func TestParseMode(t *testing.T) {
	for in, want := range map[string]tunnel.Mode{
		"": tunnel.ModeAuto, "auto": tunnel.ModeAuto, "ngrok": tunnel.ModeNgrok,
		"local": tunnel.ModeLocal, "none": tunnel.ModeNone, " NGROK ": tunnel.ModeNgrok,
	} {
		got, err := tunnel.ParseMode(in)
		if err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := tunnel.ParseMode("cloudflare")
	if clierr.KindOf(err) != clierr.KindUsage {
		t.Fatalf("bad mode: kind %v, want usage (%v)", clierr.KindOf(err), err)
	}
	for _, v := range []string{"cloudflare", "auto", "ngrok", "local", "none"} {
		if !strings.Contains(err.Error(), v) {
			t.Errorf("error %q does not name %q", err, v)
		}
	}
}

func TestResolveMode(t *testing.T) {
	const remote = "https://api.novita.ai"
	tests := []struct {
		name      string
		requested tunnel.Mode
		base      string
		publicURL string
		token     bool
		want      tunnel.Mode
		hint      bool
		usage     bool
	}{
		{name: "auto loopback IP", requested: tunnel.ModeAuto, base: "http://127.0.0.1:8080", token: true, want: tunnel.ModeLocal},
		{name: "auto localhost", requested: tunnel.ModeAuto, base: "http://localhost:9999/v3", want: tunnel.ModeLocal},
		{name: "auto IPv6 loopback", requested: tunnel.ModeAuto, base: "http://[::1]:1", want: tunnel.ModeLocal},
		{name: "empty means auto", requested: "", base: "http://127.0.0.1:1", want: tunnel.ModeLocal},
		{name: "auto public URL", requested: tunnel.ModeAuto, base: remote, publicURL: "https://me.example", token: true, want: tunnel.ModeLocal},
		{name: "auto ngrok token", requested: tunnel.ModeAuto, base: remote, token: true, want: tunnel.ModeNgrok},
		{name: "auto nothing", requested: tunnel.ModeAuto, base: remote, want: tunnel.ModeNone, hint: true},
		{name: "auto lookalike host is remote", requested: tunnel.ModeAuto, base: "https://localhost.example.com", want: tunnel.ModeNone, hint: true},
		{name: "explicit ngrok", requested: tunnel.ModeNgrok, base: "http://127.0.0.1:1", want: tunnel.ModeNgrok},
		{name: "explicit local", requested: tunnel.ModeLocal, base: remote, want: tunnel.ModeLocal},
		{name: "explicit none", requested: tunnel.ModeNone, base: remote, token: true, want: tunnel.ModeNone},
		{name: "local with public URL", requested: tunnel.ModeLocal, base: remote, publicURL: "https://me.example", want: tunnel.ModeLocal},
		{name: "ngrok with public URL", requested: tunnel.ModeNgrok, base: remote, publicURL: "https://me.example", usage: true},
		{name: "none with public URL", requested: tunnel.ModeNone, base: remote, publicURL: "https://me.example", usage: true},
		{name: "bad mode", requested: "ssh", base: remote, usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, hint, err := tunnel.ResolveMode(tc.requested, tc.base, tc.publicURL, tc.token)
			if tc.usage {
				if clierr.KindOf(err) != clierr.KindUsage {
					t.Fatalf("got %q, %v; want a usage error", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
			if (hint != "") != tc.hint {
				t.Fatalf("hint %q, want hint: %v", hint, tc.hint)
			}
		})
	}
}
