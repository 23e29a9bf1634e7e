package preview

import (
	"errors"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

func TestParseModeAcceptsEachValueAndDefaultsToAuto(t *testing.T) {
	cases := map[string]Mode{
		"": ModeAuto, "auto": ModeAuto, "off": ModeOff, "kitty": ModeKitty,
		"iterm": ModeITerm, "sixel": ModeSixel, " Kitty ": ModeKitty, "OFF": ModeOff,
	}
	for in, want := range cases {
		got, err := ParseMode(in)
		if err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseModeRejectsUnknownWithUsageErrorNamingValidValues(t *testing.T) {
	for _, in := range []string{"iterm2", "yes", "on", "sixels"} {
		_, err := ParseMode(in)
		if err == nil {
			t.Fatalf("ParseMode(%q) accepted", in)
		}
		if clierr.KindOf(err) != clierr.KindUsage {
			t.Errorf("ParseMode(%q): kind %v, want usage (exit 2)", in, clierr.KindOf(err))
		}
		msg := err.Error()
		var me *ModeError
		if !errors.As(err, &me) || me.Value != in {
			t.Errorf("ParseMode(%q): %v is not a ModeError of the value", in, err)
		}
		for _, want := range []string{in, "auto, off, kitty, iterm, sixel"} {
			if !strings.Contains(msg, want) {
				t.Errorf("ParseMode(%q) error %q does not mention %q", in, msg, want)
			}
		}
	}
}

func TestEnabledNeedsBothTerminalsAndNeitherJSONNorQuiet(t *testing.T) {
	on := Facts{Mode: ModeAuto, StdoutTTY: true, StderrTTY: true}
	if !Enabled(on) {
		t.Fatal("interactive terminal: previews should be enabled")
	}
	off := map[string]Facts{
		"mode off":          {Mode: ModeOff, StdoutTTY: true, StderrTTY: true},
		"stdout piped":      {Mode: ModeAuto, StdoutTTY: false, StderrTTY: true},
		"stderr redirected": {Mode: ModeAuto, StdoutTTY: true, StderrTTY: false},
		"--json":            {Mode: ModeAuto, StdoutTTY: true, StderrTTY: true, JSON: true},
		"-q":                {Mode: ModeKitty, StdoutTTY: true, StderrTTY: true, Quiet: true},
	}
	for name, f := range off {
		if Enabled(f) {
			t.Errorf("%s: previews enabled", name)
		}
	}
}

func TestProtocolNames(t *testing.T) {
	for p, want := range map[Protocol]string{None: "none", Kitty: "kitty", ITerm: "iterm", Sixel: "sixel"} {
		if p.String() != want {
			t.Errorf("%d.String() = %q, want %q", p, p.String(), want)
		}
	}
}
