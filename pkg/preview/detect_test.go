package preview

import (
	"context"
	"slices"
	"testing"
)

func TestDetectFromEnvironmentWithoutAskingTheTerminal(t *testing.T) {
	cases := []struct {
		name string
		env  []string
		want Protocol
	}{
		{"kitty TERM", []string{"TERM=xterm-kitty"}, Kitty},
		{"kitty window id", []string{"TERM=xterm-256color", "KITTY_WINDOW_ID=3"}, Kitty},
		{"TERM containing kitty", []string{"TERM=kitty-direct"}, Kitty},
		{"ghostty program", []string{"TERM=xterm-256color", "TERM_PROGRAM=ghostty"}, Kitty},
		{"ghostty resources", []string{"GHOSTTY_RESOURCES_DIR=/usr/share/ghostty"}, Kitty},
		{"ghostty TERM", []string{"TERM=xterm-ghostty"}, Kitty},
		{"wezterm program", []string{"TERM=xterm-256color", "TERM_PROGRAM=WezTerm"}, ITerm},
		{"wezterm executable", []string{"WEZTERM_EXECUTABLE=/usr/bin/wezterm-gui"}, ITerm},
		{"wezterm TERM", []string{"TERM=wezterm"}, ITerm},
		{"iTerm2", []string{"TERM=xterm-256color", "TERM_PROGRAM=iTerm.app"}, ITerm},
		{"iTerm2 over ssh", []string{"TERM=xterm-256color", "LC_TERMINAL=iTerm2"}, ITerm},
		{"mintty", []string{"TERM=xterm", "TERM_PROGRAM=mintty"}, ITerm},
		{"foot", []string{"TERM=foot"}, Sixel},
		{"foot-extra", []string{"TERM=foot-extra"}, Sixel},
		{"mlterm", []string{"TERM=mlterm"}, Sixel},
		{"Apple Terminal", []string{"TERM=xterm-256color", "TERM_PROGRAM=Apple_Terminal"}, None},
		{"linux console", []string{"TERM=linux"}, None},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := &opener{tty: &fakeTTY{reply: []byte("\x1b_Gi=31;OK\x1b\\\x1b[?62;4c")}}
			got := Detect(context.Background(), Probe{Getenv: envOf(c.env...), OpenTTY: o.open})
			if got != (Terminal{Protocol: c.want}) {
				t.Errorf("got %+v, want %v", got, c.want)
			}
			if o.calls != 0 {
				t.Errorf("terminal queried %d times although the environment tells", o.calls)
			}
		})
	}
}

func TestDetectAsksTheTerminalOnlyWhenTheEnvironmentCannotTell(t *testing.T) {
	cases := []struct {
		name  string
		env   []string
		reply string
		want  Protocol
	}{
		{"kitty OK", []string{"TERM=xterm-256color"}, "\x1b_Gi=31;OK\x1b\\\x1b[?62;22c", Kitty},
		{"sixel in DA1", []string{"TERM=xterm-256color"}, "\x1b[?63;1;2;4;6;9;15;22c", Sixel},
		{"no graphics", []string{"TERM=xterm-256color"}, "\x1b[?62;22c", None},
		{"kitty error reply", []string{"TERM=xterm-256color"}, "\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\\x1b[?62c", None},
		{"vscode with images on", []string{"TERM=xterm-256color", "TERM_PROGRAM=vscode"}, "\x1b[?62;4;9;22c", ITerm},
		{"vscode with images off", []string{"TERM=xterm-256color", "TERM_PROGRAM=vscode"}, "\x1b[?62;9;22c", None},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tty := &fakeTTY{reply: []byte(c.reply)}
			o := &opener{tty: tty}
			got := Detect(context.Background(), Probe{Getenv: envOf(c.env...), OpenTTY: o.open})
			if got.Protocol != c.want || got.Tmux {
				t.Errorf("got %+v, want %v", got, c.want)
			}
			if o.calls != 1 || !tty.closed {
				t.Errorf("terminal opened %d times, closed %v; want one query, restored", o.calls, tty.closed)
			}
		})
	}
}

func TestDetectWithoutTerminalAccessIsNone(t *testing.T) {
	env := envOf("TERM=xterm-256color")
	if got := Detect(context.Background(), Probe{Getenv: env}); got.Enabled() {
		t.Errorf("no OpenTTY: got %+v", got)
	}
	o := &opener{err: errNoTmux}
	if got := Detect(context.Background(), Probe{Getenv: env, OpenTTY: o.open}); got.Enabled() || o.calls != 1 {
		t.Errorf("open fails: got %+v after %d opens", got, o.calls)
	}
}

func TestVetoesHoldForEveryMode(t *testing.T) {
	vetoes := map[string][]string{
		"dumb terminal":          {"TERM=dumb", "KITTY_WINDOW_ID=1"},
		"GNU screen by STY":      {"STY=1234.pts-0.host", "TERM=screen-256color", "LC_TERMINAL=iTerm2"},
		"GNU screen by TERM":     {"TERM=screen.xterm-256color", "KITTY_WINDOW_ID=1"},
		"screen inside tmux too": {"TMUX=/tmp/tmux-0/default,1,0", "STY=1.x", "KITTY_WINDOW_ID=1"},
	}
	for name, env := range vetoes {
		for _, m := range []Mode{ModeAuto, ModeKitty, ModeITerm, ModeSixel} {
			o := &opener{tty: &fakeTTY{reply: []byte("\x1b[?62;4c")}}
			r := &tmuxRunner{out: "on\n"}
			got := Resolve(context.Background(), m, Probe{Getenv: envOf(env...), OpenTTY: o.open, Run: r.run})
			if got.Enabled() || o.calls != 0 {
				t.Errorf("%s, mode %s: got %+v, %d queries", name, m, got, o.calls)
			}
		}
	}
}

func TestExplicitModeSkipsDetection(t *testing.T) {
	o := &opener{tty: &fakeTTY{}}
	env := envOf("TERM=xterm-256color", "TERM_PROGRAM=Apple_Terminal")
	for m, want := range map[Mode]Protocol{ModeKitty: Kitty, ModeITerm: ITerm, ModeSixel: Sixel, ModeOff: None} {
		got := Resolve(context.Background(), m, Probe{Getenv: env, OpenTTY: o.open})
		if got != (Terminal{Protocol: want}) {
			t.Errorf("mode %s: got %+v, want %v", m, got, want)
		}
	}
	if o.calls != 0 {
		t.Errorf("explicit modes queried the terminal %d times", o.calls)
	}
}

func TestTmuxNeedsPassthroughAlreadyAllowed(t *testing.T) {
	env := envOf("TMUX=/tmp/tmux-1000/default,42,0", "TMUX_PANE=%7", "TERM=tmux-256color",
		"TERM_PROGRAM=tmux", "KITTY_WINDOW_ID=2")
	cases := []struct {
		name string
		r    *tmuxRunner
		want Terminal
	}{
		{"on", &tmuxRunner{out: "on\n"}, Terminal{Protocol: Kitty, Tmux: true}},
		{"all", &tmuxRunner{out: "all\n"}, Terminal{Protocol: Kitty, Tmux: true}},
		{"off", &tmuxRunner{out: "off\n"}, Terminal{}},
		{"old tmux prints nothing", &tmuxRunner{out: ""}, Terminal{}},
		{"tmux not runnable", &tmuxRunner{err: errNoTmux}, Terminal{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Detect(context.Background(), Probe{Getenv: env, Run: c.r.run})
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			want := []string{"tmux", "show-options", "-Apqv", "-t", "%7", "allow-passthrough"}
			if len(c.r.calls) != 1 || !slices.Equal(c.r.calls[0], want) {
				t.Errorf("tmux calls %q, want one read-only %q", c.r.calls, want)
			}
		})
	}
	if got := Detect(context.Background(), Probe{Getenv: env}); got.Enabled() {
		t.Errorf("no runner: got %+v, want none", got)
	}
}

func TestTmuxNeverQueriesTheTerminal(t *testing.T) {
	// tmux, not the outer terminal, would answer the query, so an unknown outer terminal stays unknown.
	o := &opener{tty: &fakeTTY{reply: []byte("\x1b[?1;2;4c")}}
	r := &tmuxRunner{out: "on"}
	env := envOf("TMUX=/tmp/tmux-0/default,1,0", "TERM=tmux-256color", "TERM_PROGRAM=tmux")
	if got := Detect(context.Background(), Probe{Getenv: env, OpenTTY: o.open, Run: r.run}); got.Enabled() || o.calls != 0 {
		t.Errorf("got %+v after %d queries", got, o.calls)
	}
}

func TestChooseDetectsNothingWhenPreviewsAreNotAllowed(t *testing.T) {
	o := &opener{tty: &fakeTTY{reply: []byte("\x1b[?62;4c")}}
	r := &tmuxRunner{out: "on"}
	p := Probe{Getenv: envOf("TERM=xterm-256color", "TMUX=x"), OpenTTY: o.open, Run: r.run}
	got := Choose(context.Background(), Facts{Mode: ModeAuto, StdoutTTY: true, StderrTTY: true, JSON: true}, p)
	if got.Enabled() || o.calls != 0 || len(r.calls) != 0 {
		t.Errorf("--json: got %+v, %d queries, %d tmux calls", got, o.calls, len(r.calls))
	}
	p = Probe{Getenv: envOf("TERM=xterm-kitty")}
	if got := Choose(context.Background(), Facts{Mode: ModeAuto, StdoutTTY: true, StderrTTY: true}, p); got.Protocol != Kitty {
		t.Errorf("interactive kitty: got %+v", got)
	}
}
