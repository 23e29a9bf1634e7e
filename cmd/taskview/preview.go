package taskview

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/preview"
)

// PreviewLimit bounds the thumbnails one call draws: beyond a few, a batch's images are a gallery
// (novita ui), not a preview, and would scroll the paths away.
const PreviewLimit = 6

// PreviewEnv is the terminal previews are drawn on; tests replace every part of it.
type PreviewEnv struct {
	IO      *iostreams.IOStreams
	JSON    bool                        // --json: never a preview
	Getenv  func(string) string         // TERM, TERM_PROGRAM, KITTY_WINDOW_ID, TMUX, ...
	OpenTTY func() (preview.TTY, error) // nil: the terminal is never queried
	Run     preview.CommandRunner       // runs `tmux show-options`; nil: tmux passthrough counts as off
	Size    preview.Size                // zero: fitted to stderr's window when it is one
	Log     *slog.Logger                // why nothing was drawn (--debug); nil: discarded
}

// SystemPreviewEnv is the real terminal behind io.
func SystemPreviewEnv(io *iostreams.IOStreams, jsonOut bool, getenv func(string) string, log *slog.Logger) PreviewEnv {
	env := PreviewEnv{IO: io, JSON: jsonOut, Getenv: getenv, OpenTTY: preview.OpenTTY, Run: preview.ExecRunner, Log: log}
	if f, ok := io.ErrOut.(*os.File); ok {
		env.Size = preview.SizeFor(f)
	}
	return env
}

// ShowPreviews draws a thumbnail of each downloaded image (at most PreviewLimit) on stderr, once the
// command has printed their paths. mode is the --preview value or the config's (auto, off, kitty,
// iterm, sixel; "" is auto). Nothing is drawn unless stdout and stderr are terminals, without --json
// or -q, on a terminal that speaks a graphics protocol; anything that prevents a preview is told to
// the debug log only, never to the user: a preview is decoration, and the files are on disk.
func ShowPreviews(ctx context.Context, env PreviewEnv, mode string, files []download.File) {
	log := env.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var images []string
	for _, f := range files {
		if f.Kind == novita.KindImage && f.Path != "" {
			images = append(images, f.Path)
		}
	}
	if len(images) == 0 {
		return
	}
	m, err := preview.ParseMode(mode)
	if err != nil {
		log.Debug("no preview", "err", err)
		return
	}
	facts := preview.Facts{Mode: m, StdoutTTY: env.IO.OutTTY, StderrTTY: env.IO.ErrTTY, JSON: env.JSON, Quiet: env.IO.Quiet}
	term := preview.Choose(ctx, facts, preview.Probe{Getenv: env.Getenv, OpenTTY: env.OpenTTY, Run: env.Run})
	if !term.Enabled() {
		log.Debug("no preview: previews are off here or the terminal shows no images", "mode", string(m),
			"stdout_tty", env.IO.OutTTY, "stderr_tty", env.IO.ErrTTY, "json", env.JSON, "quiet", env.IO.Quiet)
		return
	}
	for i, path := range images {
		if i == PreviewLimit {
			log.Debug("preview limit reached", "previewed", PreviewLimit, "skipped", len(images)-PreviewLimit)
			break
		}
		if err := term.RenderFile(env.IO.ErrOut, path, env.Size); err != nil {
			if !errors.Is(err, preview.ErrNotImage) {
				log.Debug("no preview", "path", path, "err", err)
			}
		}
	}
}
