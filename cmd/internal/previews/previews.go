// Package previews is the --preview flag of the commands that download images and the thumbnails it
// asks for, drawn on stderr after the paths were printed.
package previews

import (
	"context"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/preview"
)

// AddFlag defines --preview on a command that downloads images. The value is "" unless the
// flag was given, so Mode can fall back to NOVITA_PREVIEW and the config file.
func AddFlag(cmd *cobra.Command) *string {
	p := new(string)
	cmdutil.StringEnumFlag(cmd, p, "preview", "", "", preview.Modes(),
		"inline image thumbnails after downloading (env NOVITA_PREVIEW, config preview; default auto)")
	return p
}

// Previews is what resolving --preview and drawing thumbnails use of the command line; a command's
// options hold one (New) rather than the factory.
type Previews struct {
	IO      *iostreams.IOStreams
	Resolve func(key, flagValue string, flagSet bool) (string, error)
	Getenv  func(string) string
	Logger  func() *slog.Logger // read when used: --debug is known only once the flags are parsed
}

// New takes the previews' needs from the factory.
func New(f *factory.Factory) *Previews {
	return &Previews{IO: f.IOStreams, Resolve: f.Resolve, Getenv: f.Getenv, Logger: f.Logger}
}

// Mode resolves the preview mode: --preview, else NOVITA_PREVIEW, else the config key preview,
// else auto. A bad environment or config value is a usage error naming where it came from; call it
// before submitting, so a typo never fails a command after it paid for a task.
func (p *Previews) Mode(flagValue string) (string, error) {
	return p.Resolve("preview", flagValue, flagValue != "")
}

// Show draws thumbnails of the downloaded images on stderr when the terminal can (see
// taskview.ShowPreviews); never with --json (jsonOut). Call it after the paths were printed. mode is
// Mode's answer (or the flag's value, resolved here); an unusable mode only reaches the --debug log.
func (p *Previews) Show(ctx context.Context, jsonOut bool, mode string, files []download.File) {
	resolved, err := p.Mode(mode)
	if err != nil {
		p.Logger().Debug("no preview", "err", err)
		return
	}
	env := taskview.SystemPreviewEnv(p.IO, jsonOut, p.Getenv, p.Logger())
	taskview.ShowPreviews(ctx, env, resolved, files)
}
