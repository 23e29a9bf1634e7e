// Package previews is the --preview flag of the commands that download images and the thumbnails it
// asks for, drawn on stderr after the paths were printed.
package previews

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/download"
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

// Mode resolves the preview mode: --preview, else NOVITA_PREVIEW, else the config key preview,
// else auto. A bad environment or config value is a usage error naming where it came from; call it
// before submitting, so a typo never fails a command after it paid for a task.
func Mode(f *factory.Factory, flagValue string) (string, error) {
	return f.Resolve("preview", flagValue, flagValue != "")
}

// Show draws thumbnails of the downloaded images on stderr when the terminal can (see
// taskview.ShowPreviews). Call it after the paths were printed. mode is Mode's answer (or the
// flag's value, resolved here); an unusable mode only reaches the --debug log.
func Show(ctx context.Context, f *factory.Factory, mode string, files []download.File) {
	resolved, err := Mode(f, mode)
	if err != nil {
		f.Logger().Debug("no preview", "err", err)
		return
	}
	env := taskview.SystemPreviewEnv(f.IOStreams, f.Globals.JSON, f.Getenv, f.Logger())
	taskview.ShowPreviews(ctx, env, resolved, files)
}
