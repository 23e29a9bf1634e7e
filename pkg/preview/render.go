package preview

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"io"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/iterm2"
	"github.com/charmbracelet/x/ansi/kitty"
)

// RenderFile draws a thumbnail of the image at path on w (stderr). A file that is no image returns an
// error wrapping ErrNotImage; every error is for a debug log, never a reason to fail the command.
func (t Terminal) RenderFile(w io.Writer, path string, s Size) error {
	if !t.Enabled() {
		return nil
	}
	img, err := decodeFile(path)
	if err != nil {
		return err
	}
	return t.Render(w, img, s)
}

// Render draws a thumbnail of img on w, followed by a newline so later output starts below it. The
// whole preview is encoded first and written in one Write: a failure leaves nothing half-drawn, and a
// status line from another goroutine cannot land inside an escape sequence.
func (t Terminal) Render(w io.Writer, img image.Image, s Size) error {
	if !t.Enabled() {
		return nil
	}
	thumb := thumbnail(img, s)
	seq, err := t.encode(thumb, s)
	if err != nil {
		return fmt.Errorf("preview: %s: %w", t.Protocol, err)
	}
	if _, err := io.WriteString(w, seq+"\n"); err != nil {
		return fmt.Errorf("preview: write: %w", err)
	}
	return nil
}

func (t Terminal) encode(thumb *image.RGBA, s Size) (string, error) {
	switch t.Protocol {
	case Kitty:
		return t.kitty(thumb)
	case ITerm:
		return t.iterm(thumb, s)
	case Sixel:
		return t.wrap(ansi.SixelGraphics(0, 1, 0, encodeSixel(thumb))), nil
	}
	return "", fmt.Errorf("unknown protocol %d", t.Protocol)
}

// kitty transmits the thumbnail as PNG and displays it at the cursor (a=T), in chunks of at most 4096
// base64 bytes as the protocol requires. Quiet=2 stops the terminal from answering, since nobody reads
// the tty afterwards and the answer would land in the shell. Inside tmux each chunk is wrapped on its
// own: tmux passes one DCS string at a time.
func (t Terminal) kitty(thumb *image.RGBA) (string, error) {
	var b bytes.Buffer
	// Transmission must be set: EncodeGraphics reads it before applying its defaults, and left at zero
	// it sends no image data at all.
	o := &kitty.Options{
		Action: kitty.TransmitAndPut, Transmission: kitty.Direct, Format: kitty.PNG, Quiet: 2, Chunk: true,
	}
	if t.Tmux {
		o.ChunkFormatter = ansi.TmuxPassthrough
	}
	if err := kitty.EncodeGraphics(&b, thumb, o); err != nil {
		return "", err
	}
	return b.String(), nil
}

// iterm sends the thumbnail as an inline PNG sized in cells to the footprint it was scaled for, so
// the terminal shows it at that size whatever its pixel density.
func (t Terminal) iterm(thumb *image.RGBA, s Size) (string, error) {
	var p bytes.Buffer
	if err := png.Encode(&p, thumb); err != nil {
		return "", err
	}
	cols, rows := s.cells(thumb.Bounds().Dx(), thumb.Bounds().Dy())
	f := iterm2.File{
		Inline:  true,
		Size:    int64(p.Len()),
		Width:   iterm2.Cells(cols),
		Height:  iterm2.Cells(rows),
		Content: []byte(base64.StdEncoding.EncodeToString(p.Bytes())),
	}
	return t.wrap(ansi.ITerm2(f)), nil
}

func (t Terminal) wrap(seq string) string {
	if t.Tmux {
		return ansi.TmuxPassthrough(seq)
	}
	return seq
}
