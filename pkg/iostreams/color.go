package iostreams

import "github.com/fatih/color"

// ColorScheme paints text for one stream, or leaves it plain when colour is off there. It holds its
// own on/off switch and never touches fatih/color's global NoColor.
type ColorScheme struct{ enabled bool }

// NewColorScheme returns a scheme that paints when enabled.
func NewColorScheme(enabled bool) *ColorScheme { return &ColorScheme{enabled: enabled} }

// ColorScheme paints for stdout.
func (s *IOStreams) ColorScheme() *ColorScheme { return NewColorScheme(s.ColorEnabled()) }

// ErrColorScheme paints for stderr.
func (s *IOStreams) ErrColorScheme() *ColorScheme { return NewColorScheme(s.ErrColorEnabled()) }

// Enabled tells whether this scheme paints.
func (c *ColorScheme) Enabled() bool { return c.enabled }

func (c *ColorScheme) paint(t string, attrs ...color.Attribute) string {
	if !c.enabled {
		return t
	}
	p := color.New(attrs...)
	p.EnableColor()
	return p.Sprint(t)
}

// Green is for success.
func (c *ColorScheme) Green(t string) string { return c.paint(t, color.FgGreen, color.Bold) }

// Red is for failure.
func (c *ColorScheme) Red(t string) string { return c.paint(t, color.FgRed, color.Bold) }

// Yellow is for work in progress and warnings.
func (c *ColorScheme) Yellow(t string) string { return c.paint(t, color.FgYellow) }

// Faint is for asides.
func (c *ColorScheme) Faint(t string) string { return c.paint(t, color.Faint) }
