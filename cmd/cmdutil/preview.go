package cmdutil

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/preview"
)

// AddPreviewFlag defines --preview on a command that downloads images. The value is "" unless the
// flag was given, so PreviewMode can fall back to NOVITA_PREVIEW and the config file.
func AddPreviewFlag(cmd *cobra.Command) *string {
	p := new(string)
	StringEnumFlag(cmd, p, "preview", "", "", preview.Modes(),
		"inline image thumbnails after downloading (env NOVITA_PREVIEW, config preview; default auto)")
	return p
}

// PreviewMode resolves the preview mode: --preview, else NOVITA_PREVIEW, else the config key preview,
// else auto. A bad environment or config value is a usage error naming where it came from; call it
// before submitting, so a typo never fails a command after it paid for a task.
func PreviewMode(f *factory.Factory, flagValue string) (string, error) {
	return f.Resolve("preview", flagValue, flagValue != "")
}

// ShowPreviews draws thumbnails of the downloaded images on stderr when the terminal can (see
// taskview.ShowPreviews). Call it after the paths were printed. mode is PreviewMode's answer (or the
// flag's value, resolved here); an unusable mode only reaches the --debug log.
func ShowPreviews(ctx context.Context, f *factory.Factory, mode string, files []download.File) {
	resolved, err := PreviewMode(f, mode)
	if err != nil {
		f.Logger().Debug("no preview", "err", err)
		return
	}
	env := taskview.SystemPreviewEnv(f.IOStreams, f.Globals.JSON, f.Getenv, f.Logger())
	taskview.ShowPreviews(ctx, env, resolved, files)
}
