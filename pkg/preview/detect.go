package preview

import (
	"context"
	"strings"
	"time"
)

// DefaultQueryTimeout bounds the terminal query: long enough for a terminal over ssh to answer, short
// enough that a terminal which never answers costs nothing a person notices.
const DefaultQueryTimeout = 150 * time.Millisecond

// CommandRunner runs a program and returns its standard output. It is injected so that tests decide
// what `tmux show-options` says; [ExecRunner] is the real one.
type CommandRunner func(ctx context.Context, name string, args ...string) ([]byte, error)

// Probe is everything detection may look at. A nil OpenTTY means the terminal is never queried; a nil
// Run means tmux passthrough is taken as not allowed.
type Probe struct {
	Getenv  func(string) string // os.Getenv in production
	OpenTTY func() (TTY, error) // OpenTTY in production
	Run     CommandRunner       // ExecRunner in production
	Timeout time.Duration       // terminal query deadline; 0 means DefaultQueryTimeout
}

// Terminal is the outcome of detection: how to draw, and whether each sequence must be wrapped in
// tmux's passthrough. The zero Terminal draws nothing.
type Terminal struct {
	Protocol Protocol
	Tmux     bool
}

// Enabled reports whether this terminal gets previews at all.
func (t Terminal) Enabled() bool { return t.Protocol != None }

// Choose is the one decision a command makes: nothing unless [Enabled] allows it, otherwise the
// terminal [Resolve] finds for the mode. Detection (and so any terminal query) happens only when a
// preview may be drawn.
func Choose(ctx context.Context, f Facts, p Probe) Terminal {
	if !Enabled(f) {
		return Terminal{}
	}
	return Resolve(ctx, f.Mode, p)
}

// Resolve turns a mode into a terminal: an explicit protocol is taken as given, auto is detected. Both
// are subject to the multiplexer rules (see the package documentation).
func Resolve(ctx context.Context, m Mode, p Probe) Terminal {
	getenv := p.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if m == ModeOff || vetoed(getenv) {
		return Terminal{}
	}
	inTmux := getenv("TMUX") != ""
	proto := m.protocol()
	if m == ModeAuto || m == "" {
		proto = detect(getenv, p, inTmux)
	}
	if proto == None {
		return Terminal{}
	}
	if inTmux {
		if !tmuxPassthroughAllowed(ctx, getenv, p.Run) {
			return Terminal{}
		}
		return Terminal{Protocol: proto, Tmux: true}
	}
	return Terminal{Protocol: proto}
}

// Detect is Resolve for auto: the protocol the terminal speaks, or None.
func Detect(ctx context.Context, p Probe) Terminal { return Resolve(ctx, ModeAuto, p) }

// vetoed is true where no image can be drawn whatever the mode: a dumb terminal, or GNU screen, which
// has no usable passthrough for images.
func vetoed(getenv func(string) string) bool {
	term := getenv("TERM")
	if term == "dumb" {
		return true
	}
	if getenv("STY") != "" {
		return true
	}
	// tmux also sets TERM=screen*; only outside tmux does that name mean GNU screen.
	return strings.HasPrefix(term, "screen") && getenv("TMUX") == ""
}

func detect(getenv func(string) string, p Probe, inTmux bool) Protocol {
	proto, known := fromEnv(getenv)
	if known {
		return proto
	}
	if inTmux || p.OpenTTY == nil {
		return None
	}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultQueryTimeout
	}
	r := askTerminal(p.OpenTTY, timeout)
	switch {
	case r.kitty:
		return Kitty
	case r.sixel && getenv("TERM_PROGRAM") == "vscode":
		return ITerm
	case r.sixel:
		return Sixel
	}
	return None
}

// fromEnv reads the protocol from the environment. known is false when the environment cannot tell
// and the terminal has to be asked.
func fromEnv(getenv func(string) string) (proto Protocol, known bool) {
	term, prog := getenv("TERM"), getenv("TERM_PROGRAM")
	switch {
	case prog == "vscode":
		return None, false // images depend on a setting the environment does not show
	case getenv("KITTY_WINDOW_ID") != "" || strings.Contains(term, "kitty"):
		return Kitty, true
	case prog == "ghostty" || getenv("GHOSTTY_RESOURCES_DIR") != "" || term == "xterm-ghostty":
		return Kitty, true
	case prog == "WezTerm" || getenv("WEZTERM_EXECUTABLE") != "" || term == "wezterm":
		return ITerm, true
	case prog == "iTerm.app" || getenv("LC_TERMINAL") == "iTerm2":
		return ITerm, true
	case prog == "mintty" || prog == "rio":
		return ITerm, true
	case strings.HasPrefix(term, "foot") || strings.HasPrefix(term, "mlterm") || strings.HasPrefix(term, "contour"):
		return Sixel, true
	case prog == "Apple_Terminal" || term == "linux":
		return None, true
	}
	return None, false
}

// tmuxPassthroughAllowed reads the pane's effective allow-passthrough (-A includes what it inherits
// from the window and global options). tmux before 3.3 has no such option and prints nothing, which
// counts as not allowed: only a stated "on" or "all" is trusted.
func tmuxPassthroughAllowed(ctx context.Context, getenv func(string) string, run CommandRunner) bool {
	if run == nil {
		return false
	}
	args := []string{"show-options", "-Apqv"}
	if pane := getenv("TMUX_PANE"); pane != "" {
		args = append(args, "-t", pane)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	out, err := run(ctx, "tmux", append(args, "allow-passthrough")...)
	if err != nil {
		return false
	}
	switch strings.TrimSpace(string(out)) {
	case "on", "all":
		return true
	}
	return false
}
