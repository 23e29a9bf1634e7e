package preview

import (
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
)

// Protocol is the graphics protocol a preview is drawn with.
type Protocol int

const (
	None  Protocol = iota // no preview
	Kitty                 // kitty graphics protocol (APC G)
	ITerm                 // iTerm2 inline images (OSC 1337 File=)
	Sixel                 // DEC sixel graphics (DCS q)
)

func (p Protocol) String() string {
	switch p {
	case Kitty:
		return "kitty"
	case ITerm:
		return "iterm"
	case Sixel:
		return "sixel"
	default:
		return "none"
	}
}

// Mode is the user's choice from --preview or the config key preview.
type Mode string

const (
	ModeAuto  Mode = "auto"
	ModeOff   Mode = "off"
	ModeKitty Mode = "kitty"
	ModeITerm Mode = "iterm"
	ModeSixel Mode = "sixel"
)

// Modes lists the preview modes, as --preview, the config key preview and completion offer them.
func Modes() []string {
	return []string{string(ModeAuto), string(ModeOff), string(ModeKitty), string(ModeITerm), string(ModeSixel)}
}

// ParseMode reads a preview mode (a flag's or the config's). Empty means auto, so an unset config key needs no special
// case; case and surrounding spaces are ignored because config files are hand-written.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ModeAuto, nil
	case ModeAuto, ModeOff, ModeKitty, ModeITerm, ModeSixel:
		return m, nil
	}
	return "", &ModeError{Value: s}
}

// ModeError is a preview mode that is none of Modes.
type ModeError struct{ Value string }

func (e *ModeError) Error() string {
	return fmt.Sprintf("invalid preview mode %q: use one of %s", e.Value, strings.Join(Modes(), ", "))
}

// ExitKind is usage: the mode was given wrong.
func (e *ModeError) ExitKind() clierr.Kind { return clierr.KindUsage }

// protocol is the protocol an explicit mode forces; None for auto and off.
func (m Mode) protocol() Protocol {
	switch m {
	case ModeKitty:
		return Kitty
	case ModeITerm:
		return ITerm
	case ModeSixel:
		return Sixel
	}
	return None
}

// Facts are what the command layer knows about the invocation. They are gathered in one struct so that
// no command can check some of them and forget the rest.
type Facts struct {
	Mode      Mode
	StdoutTTY bool // stdout is a terminal: a person is watching, not a pipe
	StderrTTY bool // stderr, where previews are written, is a terminal
	JSON      bool // --json
	Quiet     bool // -q
}

// Enabled reports whether a preview may be drawn at all, before any detection: never when previews are
// off, with --json or -q, or when stdout or stderr is not a terminal.
func Enabled(f Facts) bool {
	return f.Mode != ModeOff && f.StdoutTTY && f.StderrTTY && !f.JSON && !f.Quiet
}
