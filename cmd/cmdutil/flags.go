package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/provenance"
)

// OutputFlags are -o/--output, --overwrite, --metadata and (where downloading is optional) --no-download.
// They carry what resolving them uses (Settings), so a command's options hold them, not the factory.
type OutputFlags struct {
	Output                string
	NoDownload, Overwrite bool
	Metadata              string // as given; Outputs resolves it with the config
	Settings              Settings
	cmd                   *cobra.Command
}

// Settings is how a command reads its configuration: flag > env > config for one key (checked, with
// where a bad value came from), and a path the user gave made relative to the command's directory.
type Settings struct {
	Resolve func(key, flagValue string, flagSet bool) (string, error)
	Path    func(string) string
}

// NewSettings takes the factory's.
func NewSettings(f *factory.Factory) Settings { return Settings{Resolve: f.Resolve, Path: f.Path} }

// AddOutputFlags defines the output flags on cmd; s resolves them with the configuration.
func AddOutputFlags(cmd *cobra.Command, s Settings, withNoDownload bool) *OutputFlags {
	v := &OutputFlags{cmd: cmd, Settings: s}
	f := cmd.Flags()
	f.StringVarP(&v.Output, "output", "o", "", "output path template: {task_id} {task} {kind} {index} {ext} {line} (default {task_id}/{kind}-{index}.{ext})")
	if withNoDownload {
		f.BoolVar(&v.NoDownload, "no-download", false, "do not download the outputs")
	}
	f.BoolVar(&v.Overwrite, "overwrite", false, "replace existing files")
	StringEnumFlag(cmd, &v.Metadata, "metadata", "", "", provenance.Modes(),
		"write the task's provenance (prompt, seed, model, request) into each file (embed) or beside it as <file>.json (sidecar); config metadata, default none")
	return v
}

// MetadataMode resolves --metadata > NOVITA_METADATA > config metadata > none.
func (v *OutputFlags) MetadataMode() (string, error) {
	changed := v.cmd != nil && v.cmd.Flags().Changed("metadata")
	m, err := v.Settings.Resolve("metadata", v.Metadata, changed)
	if err != nil {
		return "", err
	}
	return strings.ToLower(strings.TrimSpace(m)), nil
}

// Template parses output (else the configured default, else the built-in one); errors are usage
// errors, found before anything is paid for.
func (s Settings) Template(output string) (*download.Template, error) {
	if output == "" {
		var err error
		if output, err = s.Resolve("output", "", false); err != nil {
			return nil, err
		}
	}
	if output == "" {
		output = download.DefaultTemplate
	}
	if output != download.StdoutPath {
		output = s.Path(output) // relative to the working directory the command was given
	}
	return download.ParseTemplate(output)
}

// Outputs resolves the output flags into what the lifecycle needs.
func (v *OutputFlags) Outputs() (lifecycle.Outputs, error) {
	t, err := v.Settings.Template(v.Output)
	if err != nil {
		return lifecycle.Outputs{}, err
	}
	m, err := v.MetadataMode()
	if err != nil {
		return lifecycle.Outputs{}, err
	}
	return lifecycle.Outputs{Template: t, NoDownload: v.NoDownload, Overwrite: v.Overwrite, Metadata: m}, nil
}
